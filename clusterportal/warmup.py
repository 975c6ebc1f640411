"""What a web process reads at start, in a background thread, so that the first visitor
does not wait for it (``WARM_UP_AT_START``, called from ``clusterportal.wsgi``)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


def _run() -> None:
    from sourcing.postings import matching

    try:
        matching.warm_up()
    except Exception:  # a first visitor then reads it instead; nothing else depends on it
        log.exception("Warming up the matching at start failed")
    finally:
        connection.close()  # this thread's own connection


def start() -> threading.Thread | None:
    """Start the warm-up thread (a daemon: it never holds a process up at exit)."""
    if not getattr(settings, "WARM_UP_AT_START", True):
        return None
    thread = threading.Thread(target=_run, name="warm-up", daemon=True)
    thread.start()
    return thread
