"""Where the items of an issue come from: a small registry of sources.

A source is a function ``(since: datetime, limit: int) -> list[SourceItem]`` answering
its recent public items, registered under a name with :func:`register`. The back
office's "fill from recent items" asks every registered source. Adding one (news,
events, funding programmes of ``content``) is a few lines in this module or in the
app's ``AppConfig.ready()``::

    def recent_news(since, limit):
        return [SourceItem(a.title, a.teaser, absolute(a.get_absolute_url()),
                           a.published.date()) for a in Article.objects.published()
                .filter(published__gte=since)[:limit]]

    register("news", _("News"), recent_news)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SourceItem:
    title: str
    summary: str
    url: str
    date: datetime.date | None


Fetch = Callable[[datetime.datetime, int], list[SourceItem]]


@dataclass(frozen=True)
class Source:
    name: str
    label: str | Promise
    fetch: Fetch


_sources: dict[str, Source] = {}


def register(name: str, label: str | Promise, fetch: Fetch) -> None:
    _sources[name] = Source(name, label, fetch)


def registered() -> list[Source]:
    return list(_sources.values())


def absolute(path: str) -> str:
    """An address that works in a mail: the portal's address in front of a path."""
    return path if path.startswith(("http://", "https://")) else settings.PORTAL_URL + path


def shorten(text: str, length: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


def recent_postings(since: datetime.datetime, limit: int) -> list[SourceItem]:
    """Requests and offers published since then and still open to every visitor."""
    from sourcing.models import Posting

    postings = (
        Posting.objects.public()
        .filter(published_at__gte=since)
        .order_by("-published_at", "-pk")[:limit]
    )
    return [
        SourceItem(
            title=f"{p.get_kind_display()}: {p.title}",
            summary=shorten(p.description),
            url=absolute(p.get_absolute_url()),
            date=timezone.localdate(p.published_at) if p.published_at else None,
        )
        for p in postings
    ]


register("postings", _("Requests and offers"), recent_postings)


def recent_news(since: datetime.datetime, limit: int) -> list[SourceItem]:
    """News articles that went public since then (scheduled ones once their time has
    come), newest first."""
    from content.news.models import Article

    articles = (
        Article.objects.visible().filter(publish_at__gte=since).order_by("-publish_at", "-pk")
    )[:limit]
    return [
        SourceItem(
            title=a.title,
            summary=shorten(a.teaser),
            url=absolute(a.get_absolute_url()),
            date=timezone.localdate(a.publish_at),
        )
        for a in articles
    ]


register("news", _("News"), recent_news)

# Events of the coming weeks are worth announcing.
EVENT_DAYS_AHEAD = 60


def upcoming_events(since: datetime.datetime, limit: int) -> list[SourceItem]:
    """Published events that start within the coming weeks, soonest first (an event is
    news for an issue by its date, not by when it was entered; cancelled ones are left
    out)."""
    from django.utils.formats import date_format

    from content.events.choices import EventStatus
    from content.events.models import Event

    now = timezone.now()
    events = (
        Event.objects.filter(status=EventStatus.PUBLISHED)
        .filter(start__gte=now, start__lte=now + datetime.timedelta(days=EVENT_DAYS_AHEAD))
        .order_by("start", "pk")[:limit]
    )
    items = []
    for event in events:
        when = date_format(timezone.localtime(event.start), "SHORT_DATETIME_FORMAT")
        place = event.venue_place or event.get_format_display()
        items.append(
            SourceItem(
                title=event.title,
                summary=f"{when}, {place}. {shorten(event.summary, 240)}",
                url=absolute(event.get_absolute_url()),
                date=timezone.localdate(event.start),
            )
        )
    return items


register("events", _("Events"), upcoming_events)

# A programme whose call closes within this many days is worth a line in an issue even
# if it is not new.
PROGRAMME_DEADLINE_DAYS = 60


def recent_programmes(since: datetime.datetime, limit: int) -> list[SourceItem]:
    """Funding programmes published since then, and those whose next call closes soon
    (soonest deadline first, then the newest)."""
    from django.db.models import F, Min, Q
    from django.utils.formats import date_format

    from content.funding.models import Programme

    today = timezone.localdate()
    soon = today + datetime.timedelta(days=PROGRAMME_DEADLINE_DAYS)
    programmes = (
        Programme.objects.published()
        .annotate(next_deadline=Min("calls__closes", filter=Q(calls__closes__gte=today)))
        .filter(Q(created__gte=since) | Q(next_deadline__lte=soon))
        .order_by(F("next_deadline").asc(nulls_last=True), "-created", "pk")[:limit]
    )
    items = []
    for p in programmes:
        deadline = p.next_deadline  # type: ignore[attr-defined]
        summary = shorten(p.summary, 240)
        if deadline is not None:
            summary = _("Deadline %(date)s. %(summary)s") % {
                "date": date_format(deadline, "SHORT_DATE_FORMAT"),
                "summary": summary,
            }
        items.append(
            SourceItem(
                title=p.name,
                summary=summary,
                url=absolute(p.get_absolute_url()),
                date=deadline or timezone.localdate(p.created),
            )
        )
    return items


register("funding", _("Funding programmes"), recent_programmes)
