"""A network's change history for its managers and staff: every save and delete of its
profile, working groups, projects, partner clusters, roadmap milestones and quality labels,
newest first, with who made it and which fields changed (the records' django-simple-history
rows; the back office shows the same per record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from directory.models import Organisation

from .models import (
    NetworkProfile,
    NetworkProject,
    PartnerCluster,
    QualityLabel,
    RoadmapItem,
    WorkingGroup,
)

# Each record kind with how its history rows point at the network.
SOURCES: tuple[tuple[type[Any], str], ...] = (
    (NetworkProfile, "organisation_id"),
    (WorkingGroup, "network_id"),
    (NetworkProject, "network_id"),
    (PartnerCluster, "network_id"),
    (RoadmapItem, "network_id"),
    (QualityLabel, "network_id"),
)
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class Change:
    when: datetime
    kind: str  # the record's verbose name
    title: str
    action: str  # created, changed, deleted
    fields: list[str]  # the changed fields' names, for a change
    who: str


def _who(user: Any, viewer: Any) -> str:
    if user is None:
        return _("the system (import or generated data)")
    if user.is_staff and not getattr(viewer, "is_staff", False):
        return _("the agency's staff")
    if viewer is not None and user.pk == getattr(viewer, "pk", None):
        return _("you")
    return user.get_full_name() or user.get_username()


def _changed_fields(row: Any, previous: Any) -> list[str]:
    if row.history_type != "~" or previous is None:
        return []
    model = row.instance_type
    # Related lists (a group's members, a project's partners) are compared by their own
    # history rows, a query each: a save that changed no plain field changed them.
    m2m = [f.name for f in getattr(row, "_history_m2m_fields", ())]
    delta = row.diff_against(previous, excluded_fields=m2m)
    if not delta.changes and m2m:
        return [str(model._meta.get_field(name).verbose_name) for name in m2m]
    names = []
    for change in delta.changes:
        try:
            names.append(str(model._meta.get_field(change.field).verbose_name))
        except Exception:
            names.append(change.field)
    return names


def _title(row: Any, network: Organisation, partners: dict[int, str]) -> str:
    """What the row is about, read from the row itself (no query per row)."""
    if row.instance_type is NetworkProfile:
        return network.name
    if row.instance_type is PartnerCluster:
        return row.partner_name or partners.get(row.partner_id, "")
    return str(getattr(row, "title", None) or getattr(row, "name", None) or row.instance)


def network_changes(network: Organisation, viewer: Any, limit: int = 100) -> list[Change]:
    rows: list[Any] = []
    for model, link in SOURCES:
        history = model.history.model  # type: ignore[attr-defined]
        rows.extend(
            history.objects.filter(**{link: network.pk})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[: limit + 1]
        )
    rows.sort(key=lambda row: row.history_date, reverse=True)
    # Each row's previous version is the next older row of the same record when the
    # window holds it: one query per kind of record, not one per change.
    previous: dict[int, Any] = {}
    newer: dict[tuple[type[Any], int], Any] = {}
    for row in rows:
        key = (row.instance_type, row.id)
        if key in newer:
            previous[id(newer[key])] = row
        newer[key] = row
    partner_ids = {r.partner_id for r in rows if r.instance_type is PartnerCluster}
    partners = dict(
        Organisation.objects.filter(pk__in=partner_ids - {None}).values_list("pk", "name")
    )
    changes = []
    for row in rows[:limit]:
        before = previous.get(id(row))
        if before is None and row.history_type == "~":
            before = row.prev_record  # older than the window: looked up on its own
        changes.append(
            Change(
                when=row.history_date,
                kind=str(row.instance_type._meta.verbose_name),
                title=_title(row, network, partners),
                action=ACTIONS.get(row.history_type, "changed"),
                fields=_changed_fields(row, before),
                who=_who(row.history_user, viewer),
            )
        )
    return changes
