"""Pages kept for visitors (``core.pagecache``) that show what the search finds: the
search page and API, the map, the list of organisations. Every write to the index of
organisations or of any other kind of content calls ``changed()``."""

from __future__ import annotations

from django.db import transaction

from core import pagecache

GENERATION = pagecache.SEARCH

# The view decorator of those pages.
kept = pagecache.keep_page(GENERATION)
# The same for the answers that do not depend on who asks (the API, the map's data):
# signed-in visitors get the kept answers too.
kept_for_everyone = pagecache.keep_page(GENERATION, everyone=True)


def changed() -> None:
    """Pages kept so far are old: at once, and again when the caller's transaction
    commits (a page made from the database between the two must not outlive it)."""
    if not pagecache.enabled():
        return
    pagecache.bump(GENERATION)
    transaction.on_commit(lambda: pagecache.bump(GENERATION))
