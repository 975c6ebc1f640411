"""Who may do what with an event (docs/events.md, "Organisers").

The agency's staff keep every event in the back office; a network's managers (the
organisation editors of its organisation) create and change their own network's events
on the site. Registrations are personal data: only the event's organiser (its network's
managers) and the agency's administrators see them.
"""

from __future__ import annotations

from typing import Any

from accounts.permissions import holds_role, is_staff
from directory.choices import NETWORK_KINDS, PublicationStatus
from directory.models import Organisation

from .choices import EventStatus
from .models import Event


def manages_network(user: Any, network: Organisation | None) -> bool:
    return (
        network is not None
        and network.kind in NETWORK_KINDS
        and network.status != PublicationStatus.ARCHIVED
        and holds_role(user, network)
    )


def is_event_staff(user: Any) -> bool:
    return is_staff(user) and bool(user.has_perm("content.change_event"))


def may_create(user: Any, network: Organisation) -> bool:
    return manages_network(user, network) or is_event_staff(user)


def may_edit(user: Any, event: Event) -> bool:
    return is_event_staff(user) or manages_network(user, event.network)


def may_see_attendees(user: Any, event: Event) -> bool:
    """The attendee list, its exports and the check-in: the organiser and administrators."""
    if manages_network(user, event.network):
        return True
    return is_staff(user) and bool(user.has_perm("content.view_registration"))


def may_view(user: Any, event: Event) -> bool:
    return event.status != EventStatus.DRAFT or may_edit(user, event)


def managed_networks(user: Any) -> list[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return []
    found = Organisation.objects.filter(editors__user=user, kind__in=NETWORK_KINDS).exclude(
        status=PublicationStatus.ARCHIVED
    )
    return list(found.order_by("name").distinct())
