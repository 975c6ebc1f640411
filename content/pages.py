"""Pages of events, news and funding programmes kept for visitors without a session
(``core.pagecache``, docs/operations/settings.md, ``PAGE_CACHE_SECONDS``).

A kept page is made anew after any change of what it shows: the search index
(``SEARCH``), and every row of the apps it reads (their generations advance on every
save and delete, ``core.pagecache.WATCHED_APPS``): the events, news and funding
programmes (``content``), the registrations and the waiting list (a generation of their
own, ``content.registration``, on the events' pages only), the networks and organisers
(``directory``), growth fields (``classification``), districts (``geo``). What changes
with time alone each view bounds with ``pagecache.keep_until``."""

from __future__ import annotations

import datetime

from django.db.models import Min
from django.utils import timezone

from core import pagecache

GENERATIONS = (
    pagecache.SEARCH,
    *(pagecache.of_app(label) for label in ("classification", "geo", "directory", "content")),
)

# The view decorator of those pages.
kept = pagecache.keep_page(*GENERATIONS)
# The events' pages show the places left, so the registrations too (their generation is
# their own: a registration leaves the news and funding pages kept).
kept_event = pagecache.keep_page(*GENERATIONS, pagecache.of_app("content.registration"))


def next_publication(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the next article scheduled for later goes live (lists of news change then)."""
    from .news.models import Article

    now = now or timezone.now()
    found = Article.objects.filter(published=True, publish_at__gt=now).aggregate(
        first=Min("publish_at")
    )
    return found["first"]
