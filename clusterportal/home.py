"""The start page: what the portal offers, the search box and where to ask for help on
the first screen; below, what is new in every part of the portal.

It sits in the project layer because it gathers every app. Each section is one small
query of its own app's public rows (no section reads more than it shows), so the page
stays cheap with any amount of data; ``bench/home.py`` measures it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone

from content.events.choices import EventStatus
from content.events.models import Event
from content.news.models import Article
from content.pages import next_publication
from core import pagecache
from directory.choices import OrganisationKind, Source
from directory.models import Organisation
from networks.choices import FieldKind
from networks.growth import visible_fields
from sourcing.choices import PostingKind
from sourcing.models import Posting

LATEST_REQUESTS = 4
UPCOMING_EVENTS = 4
LATEST_NEWS = 3
GROWTH_FIELDS = 8


@dataclass
class KindCount:
    value: str
    label: str
    count: int


@dataclass
class Home:
    kinds: list[KindCount] = field(default_factory=list)
    total: int = 0
    generated: int = 0
    events: list[Event] = field(default_factory=list)
    news: list[Article] = field(default_factory=list)
    requests: list[Posting] = field(default_factory=list)
    growth_fields: list[Any] = field(default_factory=list)


def organisation_counts() -> tuple[list[KindCount], int, int]:
    """Published organisations per kind, their total and how many of them are demo data."""
    counts = _kept_counts() if pagecache.enabled() else _count_organisations()
    kinds = [
        KindCount(value, str(label), counts[value][0])
        for value, label in OrganisationKind.choices
        if value in counts
    ]
    total = sum(total for total, _generated in counts.values())
    generated = sum(generated for _total, generated in counts.values())
    return kinds, total, generated


def _count_organisations() -> dict[str, tuple[int, int]]:
    """Per kind: published organisations and the demo data among them (one grouped count,
    from the index on kind, status and source where the database takes it)."""
    rows = (
        Organisation.objects.published()
        .values("kind")
        # Columns of the index only (not the key), so that the count reads the index alone.
        .annotate(total=Count("*"), generated=Count("source", filter=Q(source=Source.GENERATED)))
        .order_by("kind")
    )
    return {row["kind"]: (row["total"], row["generated"]) for row in rows}


def _kept_counts() -> dict[str, tuple[int, int]]:
    """The counts, kept with the search's generation: every change of an organisation
    re-indexes it and so advances the generation, and the next start page counts anew.
    Only while the page cache is on (the generation advances only then)."""
    key = f"home:organisation-counts:{pagecache.generation(pagecache.SEARCH)}"
    try:
        kept = cache.get(key)
    except Exception:  # a cache that is down costs the count, not the page
        return _count_organisations()
    if kept is None:
        kept = _count_organisations()
        with contextlib.suppress(Exception):
            cache.set(key, kept, timeout=int(settings.PAGE_CACHE_SECONDS))
    return kept  # type: ignore[no-any-return]


def upcoming_events(limit: int = UPCOMING_EVENTS) -> list[Event]:
    """The next published events that have not ended, soonest first (cancelled ones are
    left to the calendar, which marks them)."""
    return list(
        Event.objects.filter(status=EventStatus.PUBLISHED, end__gte=timezone.now())
        .select_related("network")
        .order_by("start", "pk")[:limit]
    )


def latest_news(limit: int = LATEST_NEWS) -> list[Article]:
    """The newest articles every visitor may see (scheduled ones once their time has come)."""
    return list(
        Article.objects.visible()
        .only("title", "slug", "teaser", "publish_at", "source")
        .order_by("-publish_at", "-pk")[:limit]
    )


def latest_requests(limit: int = LATEST_REQUESTS) -> list[Posting]:
    """The newest open requests of published organisations (what every visitor may see).

    Read newest first without the join (a join makes PostgreSQL scan every organisation
    for four rows), then their organisations by key; a window whose organisations are
    hidden is followed by the next one."""
    from directory.choices import PublicationStatus

    candidates = (
        Posting.objects.open()
        .filter(kind=PostingKind.REQUEST)
        .only("title", "place", "deadline", "source", "published_at", "organisation_id")
        .order_by("-published_at", "-pk")
    )
    found: list[Posting] = []
    window = limit * 5
    for start in range(0, window * 4, window):
        chunk = list(candidates[start : start + window])
        organisations = Organisation.objects.filter(
            pk__in={p.organisation_id for p in chunk}, status=PublicationStatus.PUBLISHED
        ).only("name", "slug")
        by_pk = {o.pk: o for o in organisations}
        for posting in chunk:
            if posting.organisation_id in by_pk:
                posting.organisation = by_pk[posting.organisation_id]
                found.append(posting)
                if len(found) == limit:
                    return found
        if len(chunk) < window:
            break
    return found


def growth_fields(user: Any = None, limit: int = GROWTH_FIELDS) -> list[Any]:
    """The fields of the regional strategy in their order (sectors are left to the
    overview page)."""
    fields = [
        f
        for f in visible_fields(user)
        if getattr(f, "page", None) is None or f.page.kind == FieldKind.STRATEGY
    ]
    fields.sort(
        key=lambda f: (f.page.order if getattr(f, "page", None) else 999, f.name.casefold())
    )
    return fields[:limit]


def gather(user: Any = None) -> Home:
    kinds, total, generated = organisation_counts()
    return Home(
        kinds=kinds,
        total=total,
        generated=generated,
        events=upcoming_events(),
        news=latest_news(),
        requests=latest_requests(),
        growth_fields=growth_fields(user),
    )


# Everything the start page shows: the index and the rows of every watched app.
kept = pagecache.keep_page(
    pagecache.SEARCH, *(pagecache.of_app(label) for label in pagecache.WATCHED_APPS)
)


@kept
def home(request: HttpRequest) -> HttpResponse:
    found = gather(request.user)
    # By time alone: a shown event ends, a scheduled article goes live, a request
    # expires (its last day is a date).
    pagecache.keep_until(request, min((e.end for e in found.events), default=None))
    pagecache.keep_until(request, next_publication())
    pagecache.keep_until(request, pagecache.end_of_day())
    return render(request, "home.html", {"home": found})


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """``/favicon.ico`` for pages that name no icon (the back office, the API docs).

    Resolved per request, not when the URLs load: in production the icon's name carries
    its hash from collectstatic's manifest, which does not exist before collectstatic
    ran (``migrate`` and ``check`` load the URLs too). Temporary, as the name changes with
    the icon."""
    return HttpResponseRedirect(static("img/favicon.svg"))
