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


def _changed_fields(row: Any) -> list[str]:
    previous = row.prev_record
    if row.history_type != "~" or previous is None:
        return []
    delta = row.diff_against(previous)
    model = row.instance_type
    names = []
    for change in delta.changes:
        try:
            names.append(str(model._meta.get_field(change.field).verbose_name))
        except Exception:
            names.append(change.field)
    return names


def network_changes(network: Organisation, viewer: Any, limit: int = 100) -> list[Change]:
    rows: list[Any] = []
    for model, link in SOURCES:
        history = model.history.model  # type: ignore[attr-defined]
        rows.extend(
            history.objects.filter(**{link: network.pk})
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
    rows.sort(key=lambda row: row.history_date, reverse=True)
    changes = []
    for row in rows[:limit]:
        record = row.instance
        title = getattr(record, "title", None) or getattr(record, "name", None) or str(record)
        changes.append(
            Change(
                when=row.history_date,
                kind=str(row.instance_type._meta.verbose_name),
                title=str(title),
                action=ACTIONS.get(row.history_type, "changed"),
                fields=_changed_fields(row),
                who=_who(row.history_user, viewer),
            )
        )
    return changes
