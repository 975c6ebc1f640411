"""What a network does with others: working groups, projects, partner clusters and
quality labels, as its page and its search document show them.

Only published organisations appear (members of a group, partners of a project, partner
clusters) and only the contact persons a visitor may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from directory.choices import PublicationStatus
from directory.models import Organisation
from directory.services import contact_visibilities_for

from .choices import Cooperation
from .models import NetworkProject, PartnerCluster, QualityLabel, WorkingGroup


def _published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.published().only("pk", "name", "slug", "kind").order_by("name")


def working_groups(network: Organisation, user: Any) -> list[WorkingGroup]:
    """The network's working groups with their published members; a contact person the
    user may not see is left off (``shown_contact`` is None then)."""
    levels = contact_visibilities_for(user)
    groups: list[WorkingGroup] = list(
        WorkingGroup.objects.filter(network=network)
        .select_related("contact")
        .prefetch_related(
            Prefetch("members", queryset=_published_organisations(), to_attr="published_members")
        )
    )
    for group in groups:
        contact = group.contact
        group.shown_contact = (  # type: ignore[attr-defined]
            contact if contact is not None and contact.visibility in levels else None
        )
    return groups


def projects(network: Organisation) -> list[NetworkProject]:
    """The network's project showcase, running ones first, with published partners."""
    order = {"running": 0, "planned": 1, "completed": 2}
    found = list(
        NetworkProject.objects.filter(network=network).prefetch_related(
            Prefetch("partners", queryset=_published_organisations(), to_attr="published_partners"),
            "growth_fields",
        )
    )
    return sorted(found, key=lambda p: (order.get(p.status, 3), -(p.start_year or 0), p.title))


@dataclass(frozen=True)
class PartnerLink:
    """One cooperation as one network's page shows it: the other side and how."""

    name: str
    url: str  # the partner's page in the portal, or its own website, or ""
    in_portal: bool
    location: str
    in_region: bool
    cooperation: str
    cooperation_label: str
    description: str
    since: int | None
    record: PartnerCluster
    recorded_by_partner: bool  # the partner entered it; this network's managers cannot edit it


def partner_links(network: Organisation) -> list[PartnerLink]:
    """Every cooperation of the network, whichever side recorded it.

    A cooperation recorded by both networks shows once (this network's own record).
    Partners that are not published are left off.
    """
    records = (
        PartnerCluster.objects.filter(Q(network=network) | Q(partner=network))
        .select_related("network", "partner", "partner__network_profile")
        .order_by("pk")
    )
    links: dict[Any, PartnerLink] = {}
    for record in records:
        own = record.network_id == network.pk
        other = record.partner if own else record.network
        if other is not None and other.status != PublicationStatus.PUBLISHED:
            continue
        key = ("org", other.pk) if other is not None else ("name", record.pk)
        if key in links and not own:
            continue  # this network's own record of the same cooperation wins
        links[key] = PartnerLink(
            name=other.name if other is not None else record.partner_name,
            url=other.get_absolute_url() if other is not None else record.partner_url,
            in_portal=other is not None,
            location=record.partner_location if own else "",
            in_region=record.in_region or not own,
            cooperation=record.cooperation,
            cooperation_label=str(Cooperation(record.cooperation).label),
            description=record.description,
            since=record.since,
            record=record,
            recorded_by_partner=not own,
        )
    return sorted(links.values(), key=lambda link: (not link.in_region, link.name.casefold()))


def is_current(label: QualityLabel, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return label.awarded <= today and (label.valid_until is None or label.valid_until >= today)


def labels(network: Organisation, today: datetime.date | None = None) -> list[QualityLabel]:
    """All the network's labels, current ones first; each knows ``current``."""
    today = today or timezone.localdate()
    found = list(QualityLabel.objects.filter(network=network))
    for label in found:
        label.current = is_current(label, today)  # type: ignore[attr-defined]
    return sorted(found, key=lambda label: (not label.current, -label.awarded.toordinal()))  # type: ignore[attr-defined]


def current_labels_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """Labels current on ``today``, as a filter (``prefix`` leads from another model)."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}awarded__lte": today}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})
    )


def label_key(label: QualityLabel) -> str:
    """The search facet value of a label: its scheme, with the level for ECEI."""
    if label.scheme == "ecei" and label.level:
        return f"ecei-{label.level}"
    return str(label.scheme)


def current_label_keys(
    found: Iterable[QualityLabel], today: datetime.date | None = None
) -> list[str]:
    return sorted({label_key(label) for label in found if is_current(label, today)})
