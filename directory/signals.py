"""Signals the directory sends for writes that bypass model signals.

Bulk writes (imports, admin bulk actions, ``QuerySet.update``, the demo generator) skip
``post_save``: whoever writes that way calls :func:`organisations_changed` with the
organisations it touched, and every listener that keeps derived data (the search index,
later the vectors) queues its own update. The directory itself knows no listener.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

#: Sent with ``ids`` (a set of organisation primary keys) after a bulk write inside the
#: writer's transaction; listeners defer their work to the commit.
bulk_organisations_changed = Signal()


def organisations_changed(ids: Iterable[int], *, sender: object = None) -> None:
    """Tell the listeners that these organisations (created, changed, hidden or deleted)
    were written without model signals."""
    found = {int(pk) for pk in ids if pk is not None}
    if found:
        bulk_organisations_changed.send(sender=sender, ids=found)
