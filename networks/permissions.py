"""Who sees a network's key figures (docs/networks.md, "KPI dashboard").

A network's dashboard is for those who maintain the network: its managers (organisation
editors of the network's organisation) and the editorial staff and administrators, the
same people who may edit its profile (``Action.EDIT``). The overview of all networks is
for that staff alone. Experts, who read every profile but change none, and everyone else
see neither: the figures count the network's inquiries and contacts, which are the
network's business, not the public's.
"""

from __future__ import annotations

from typing import Any

from accounts.permissions import STAFF_PERMISSION, Action, can, is_staff
from directory.choices import NETWORK_KINDS
from directory.models import Organisation


def may_see_dashboard(user: Any, network: Organisation) -> bool:
    return network.kind in NETWORK_KINDS and can(user, Action.EDIT, network)


def may_see_overview(user: Any) -> bool:
    return is_staff(user) and bool(user.has_perm(STAFF_PERMISSION[Action.EDIT]))
