"""The programmes shown on the networks' pages through ``core.panels``: a growth field's
programmes on its page, and on a network's dashboard the open programmes of its growth
fields with their next deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from core import pagecache

from .models import Programme
from .services import deadline_of, with_calls

PANEL_SIZE = 8


def _rows(queryset: Any) -> list[tuple[Programme, Any]]:
    today = timezone.localdate()
    rows = [(p, deadline_of(p, today)) for p in with_calls(queryset.open_on(today))]
    rows.sort(
        key=lambda row: (
            row[1].next_call.closes if row[1].next_call else today.max,
            row[0].name.casefold(),
        )
    )
    return rows


def field_programmes(request: HttpRequest, field: Any) -> Mapping[str, Any] | None:
    pagecache.keep_until(request, pagecache.end_of_day())  # deadlines are dates
    queryset = Programme.objects.published().filter(growth_fields=field).distinct()
    rows = _rows(queryset)
    if not rows:
        return None
    return {"funding_rows": rows[:PANEL_SIZE], "funding_more": len(rows) > PANEL_SIZE}


def dashboard_programmes(
    request: HttpRequest, network: Any, period: Any = None
) -> Mapping[str, Any] | None:
    field_ids = list(network.growth_fields.values_list("pk", flat=True))
    if not field_ids:
        return None
    queryset = Programme.objects.published().filter(growth_fields__in=field_ids).distinct()
    rows = _rows(queryset)
    if not rows:
        return None
    return {"funding_rows": rows[:PANEL_SIZE], "funding_more": len(rows) > PANEL_SIZE}
