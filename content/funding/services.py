"""What happens to funding programmes: staff mark them checked, users follow and unfollow
them, the list filters and searches them. Views, the admin, commands and tests call these
functions; each write keeps the search index in step."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .choices import ProgrammeStatus
from .models import Call, Follow, Programme, ProgrammeQuerySet

# The most programmes the text search hands to the list (more than any region has).
MAX_SEARCH_HITS = 1000


def report(ids: Iterable[int | None]) -> None:
    """Tell the search which programmes changed; it updates them after the commit."""
    from search import registry

    found = sorted({int(pk) for pk in ids if pk is not None})
    if found:
        registry.changed("funding", found)


def programmes_for(user: Any) -> ProgrammeQuerySet:
    """What ``user`` may see: published programmes; staff see drafts too."""
    from directory.services import is_staff

    queryset = Programme.objects.all()
    if not is_staff(user):
        queryset = queryset.filter(status=ProgrammeStatus.PUBLISHED)
    return queryset


def with_calls(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    return queryset.select_related("state").prefetch_related(
        Prefetch("calls", queryset=Call.objects.order_by("closes", "pk")), "growth_fields"
    )


def mark_checked(programmes: QuerySet[Programme], day: datetime.date | None = None) -> int:
    """Staff compared these programmes with their providers' pages today (one update, with
    a history row each and the index told)."""
    day = day or timezone.localdate()
    ids = list(programmes.values_list("pk", flat=True))
    with transaction.atomic():
        for programme in Programme.objects.filter(pk__in=ids):
            programme.last_checked = day
            programme.save(update_fields=["last_checked", "modified"])
    report(ids)
    return len(ids)


def follow(user: Any, programme: Programme) -> Follow:
    """``user`` follows ``programme`` (again: nothing changes)."""
    existing = Follow.objects.filter(user=user, programme=programme).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, programme=programme)
    except IntegrityError:  # two clicks at once
        return Follow.objects.get(user=user, programme=programme)


def unfollow(user: Any, programme: Programme) -> bool:
    deleted, _details = Follow.objects.filter(user=user, programme=programme).delete()
    return bool(deleted)


def is_following(user: Any, programme: Programme) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, programme=programme).exists()


def followed_by(user: Any) -> QuerySet[Programme]:
    return with_calls(
        Programme.objects.published().filter(follows__user=user).order_by("name").distinct()
    )


@dataclass
class Deadline:
    """What the list and the detail page say about when to apply."""

    open_now: bool
    next_call: Call | None = None
    upcoming: Call | None = None  # the next call that has not opened yet
    expired: bool = False
    calls: list[Call] = field(default_factory=list)


def deadline_of(programme: Programme, today: datetime.date | None = None) -> Deadline:
    """Read from the prefetched calls (no query when the list prefetched them)."""
    today = today or timezone.localdate()
    calls = list(programme.calls.all())
    future = [call for call in calls if call.closes >= today]
    running = [call for call in future if call.is_running(today)]
    upcoming = [call for call in future if not call.is_running(today)]
    return Deadline(
        open_now=programme.continuous or bool(running),
        next_call=(running or future)[0] if future else None,
        upcoming=upcoming[0] if upcoming else None,
        expired=not programme.continuous and bool(calls) and not future,
        calls=calls,
    )


def filter_programmes(
    queryset: ProgrammeQuerySet, data: dict[str, Any], today: datetime.date | None = None
) -> ProgrammeQuerySet:
    """The list's filters (``forms.ProgrammeFilterForm.cleaned_data``) on ``queryset``:
    OR within a filter, AND across filters."""
    today = today or timezone.localdate()
    if data.get("level"):
        queryset = queryset.filter(level__in=data["level"])
    if data.get("kind"):
        queryset = queryset.filter(funding_type__in=data["kind"])
    for key, column in (("target", "target_groups"), ("topic", "topics")):
        values = data.get(key) or []
        if values:
            any_of = Q()
            for value in values:
                any_of |= Q(**{f"{column}__contains": value})
            queryset = queryset.filter(any_of)
    if data.get("growth"):
        queryset = queryset.filter(growth_fields__slug__in=data["growth"]).distinct()
    if data.get("open_now"):
        queryset = queryset.open_on(today)
    if data.get("within_days") is not None:
        queryset = queryset.deadline_within(today, data["within_days"])
    return queryset


def search_ids(text: str) -> list[int]:
    """Ids of the published programmes the main search finds for ``text``, best first."""
    from search.content import MAX_PAGE_SIZE, ContentQuery, search_content

    ids: list[int] = []
    page = 1
    while len(ids) < MAX_SEARCH_HITS:
        result = search_content(
            ContentQuery(
                type="funding", text=text, page=page, page_size=MAX_PAGE_SIZE, facets=False
            )
        )
        ids.extend(hit.id for hit in result.hits)
        if len(result.hits) < MAX_PAGE_SIZE or len(ids) >= result.total:
            break
        page += 1
    return ids
