"""What the status page shows, read cheaply on every view: counts, not scans. The search
drift check reads every published organisation and runs only when staff ask for it.

Each part is read on its own: a part that cannot be read (an index of an earlier
schema, a database table a backend does not have) says why instead of failing the page.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

logger = logging.getLogger(__name__)

# The database queue of django-tasks (the django-tasks-db package).
DATABASE_TASK_BACKENDS = (
    "django_tasks_db.DatabaseBackend",
    "django_tasks_db.backend.DatabaseBackend",
    "django_tasks.backends.database.DatabaseBackend",
)


@dataclass
class Part:
    """One box of the page: its values, or why they could not be read."""

    values: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def _read(reader: Callable[[], dict[str, Any]]) -> Part:
    try:
        return Part(values=reader())
    except Exception as error:  # the page shows what it can; the log keeps the rest
        logger.exception("status page: %s failed", reader.__name__)
        return Part(error=f"{type(error).__name__}: {error}"[:300])


def search_index() -> dict[str, Any]:
    from directory.choices import PublicationStatus
    from directory.models import Organisation
    from search import services

    engine = services.engine()
    values: dict[str, Any] = {
        "engine": engine.name,
        "problems": engine.problems(),
        "published": Organisation.objects.filter(status=PublicationStatus.PUBLISHED).count(),
        "last_rebuild": None,
    }
    values["indexed"] = None if values["problems"] else engine.count()
    # The embedded engine switches generations by rewriting CURRENT: its time is the
    # last rebuild's end. The PostgreSQL engine keeps no such time.
    root = getattr(engine, "root", None)
    if root is not None and (root / "CURRENT").is_file():
        values["last_rebuild"] = datetime.datetime.fromtimestamp(
            (root / "CURRENT").stat().st_mtime, tz=datetime.UTC
        )
    return values


def vectors() -> dict[str, Any]:
    from search import vectors as search_vectors

    return {"count": search_vectors.vector_store().count()}


def task_queue() -> dict[str, Any]:
    backend = settings.TASKS["default"]["BACKEND"]
    values: dict[str, Any] = {"backend": backend, "database": backend in DATABASE_TASK_BACKENDS}
    if not values["database"]:
        return values
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.all()
    values["queued"] = results.filter(status=TaskResultStatus.READY).count()
    values["running"] = results.filter(status=TaskResultStatus.RUNNING).count()
    values["failed"] = results.filter(status=TaskResultStatus.FAILED).count()
    values["oldest_queued"] = results.filter(status=TaskResultStatus.READY).aggregate(
        at=Min("enqueued_at")
    )["at"]
    return values


def outbox() -> dict[str, Any]:
    from messaging.choices import Status
    from messaging.models import Message

    now = timezone.now()
    return {
        "due": Message.objects.filter(status=Status.QUEUED, next_attempt__lte=now).count(),
        "queued": Message.objects.filter(status=Status.QUEUED).count(),
        "failed": Message.objects.filter(status=Status.FAILED).count(),
        "unknown": Message.objects.filter(status=Status.UNKNOWN).count(),
    }


def backup() -> dict[str, Any]:
    """The last backup as ``core.backup.last_backup()`` reports it (created, path,
    size, ok), or None where no backup is recorded or the module is not installed."""
    try:
        from core.backup import last_backup  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return {"last": None}
    return {"last": last_backup()}


@dataclass
class Status:
    search: Part
    vectors: Part
    tasks: Part
    outbox: Part
    backup: Part


def status() -> Status:
    return Status(
        search=_read(search_index),
        vectors=_read(vectors),
        tasks=_read(task_queue),
        outbox=_read(outbox),
        backup=_read(backup),
    )


@dataclass
class DriftSummary:
    clean: bool
    published: int
    indexed: int
    missing: int
    stale: int
    extra: int
    vectors: int
    vectors_missing: int
    vectors_stale: int
    vectors_extra: int
    problems: list[str]
    seconds: float


def drift_check() -> DriftSummary:
    """``search.consistency.check`` (reads every published organisation), summarised."""
    import time

    from search import consistency

    started = time.perf_counter()
    drift = consistency.check()
    return DriftSummary(
        clean=drift.clean,
        published=drift.published,
        indexed=drift.indexed,
        missing=len(drift.missing),
        stale=len(drift.stale),
        extra=len(drift.extra),
        vectors=drift.vectors,
        vectors_missing=len(drift.vectors_missing),
        vectors_stale=len(drift.vectors_stale),
        vectors_extra=len(drift.vectors_extra),
        problems=list(drift.problems),
        seconds=round(time.perf_counter() - started, 1),
    )
