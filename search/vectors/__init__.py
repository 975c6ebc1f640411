"""Organisation vectors beside the search index, kept in step with it (docs/search.md).

``update(ids)`` brings the vectors of organisations up to date (published ones in,
others out) in the calling thread; ``schedule(ids)`` does the same without making the
caller wait for the model: on an in-process background thread under the immediate task
backend, as the task ``search.tasks.update_vectors`` under a worker backend, and in the
calling thread only where another thread could not see the caller's rows (inside a
transaction, or an in-memory SQLite database). ``wait()`` returns once the background
thread has nothing left to do. ``build`` fills a store for a rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.embedding import cached
from core.progress import Progress, silent

from .pieces import PieceReader, Pieces, compose
from .store import VectorStore

log = logging.getLogger(__name__)

# Organisations composed per step: their distinct texts are embedded (or read from the
# cache) at once.
CHUNK = 500


@dataclass
class VectorStats:
    written: int = 0  # vectors computed and written
    unchanged: int = 0  # already up to date in the store
    reused: int = 0  # copied from the previous index generation (same version)
    removed: int = 0
    texts: int = 0  # distinct piece texts the written vectors needed
    cached: int = 0  # of those, found in the cache (not embedded)
    seconds: float = 0.0
    # Organisations left out because a text of theirs was never embedded (``update``
    # with ``defer_uncached``): a rebuild computes them after its switch.
    deferred: list[int] = field(default_factory=list)

    def add(self, other: VectorStats) -> None:
        for name in ("written", "unchanged", "reused", "removed", "texts", "cached"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.deferred.extend(other.deferred)


def vector_store() -> VectorStore:
    """The vector store of the configured engine (its current generation)."""
    from .. import services

    return services.engine().vector_store()


def update(
    ids: Iterable[int],
    target: VectorStore | None = None,
    progress: Progress = silent,
    previous: VectorStore | None = None,
    defer_uncached: bool = False,
) -> VectorStats:
    """Bring the vectors of ``ids`` up to date in ``target`` (the engine's store by
    default): published organisations get a vector of their current pieces, unless the
    store holds one of the same version (or ``previous`` does: it is copied); the
    others lose theirs. With ``defer_uncached``, organisations with a text the model
    has never embedded are left out and listed in ``deferred`` (no model call)."""
    started = time.perf_counter()
    ids = sorted(set(ids))
    target = target or vector_store()
    stats = VectorStats()
    reader = PieceReader()
    label = _("Computing vectors")
    progress(0, len(ids), label)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stats.add(_update_chunk(reader, chunk, target, previous, defer_uncached))
        progress(min(start + CHUNK, len(ids)), len(ids), label)
    stats.seconds = time.perf_counter() - started
    if stats.written or stats.reused or stats.removed:
        _pages_changed()  # matching results (``/bedarf/``) rank by these vectors
    return stats


def _pages_changed() -> None:
    from .. import pages

    pages.changed()


def _update_chunk(
    reader: PieceReader,
    chunk: list[int],
    target: VectorStore,
    previous: VectorStore | None,
    defer_uncached: bool = False,
) -> VectorStats:
    stats = VectorStats()
    pieces = reader.read(chunk)
    held = target.versions(chunk)
    published = {p.id for p in pieces}
    gone = [pk for pk in chunk if pk not in published and pk in held]
    if gone:
        target.remove(gone)
        stats.removed = len(gone)
    todo: list[Pieces] = []
    versions = {p.id: p.version() for p in pieces}
    for p in pieces:
        if held.get(p.id) == versions[p.id]:
            stats.unchanged += 1
        else:
            todo.append(p)
    if previous is not None and todo:
        old = previous.rows([p.id for p in todo])
        copied = [(p.id, versions[p.id], old[p.id][1]) for p in todo if _same(old, p, versions)]
        if copied:
            target.write(copied)
            stats.reused = len(copied)
            done = {pk for pk, _v, _vec in copied}
            todo = [p for p in todo if p.id not in done]
    if todo and defer_uncached:
        known = cached(sorted({t for p in todo for t in p.texts()}))
        ready = [p for p in todo if all(t in known for t in p.texts())]
        stats.deferred = [p.id for p in todo if p not in ready]
        todo = ready
    if todo:
        composed = compose(todo)
        target.write(
            (p.id, versions[p.id], vector) for p, vector in zip(todo, composed.vectors, strict=True)
        )
        stats.written = len(todo)
        stats.texts, stats.cached = composed.texts, composed.cached
    return stats


def _same(old: Mapping[int, tuple[int, object]], p: Pieces, versions: dict[int, int]) -> bool:
    return p.id in old and old[p.id][0] == versions[p.id]


def remove(ids: Iterable[int]) -> None:
    """Remove the vectors of organisations no longer published (cheap: no model)."""
    ids = list(ids)
    if not ids:
        return
    target = vector_store()
    held = target.versions(ids)
    if held:
        target.remove(held)
        _pages_changed()


def build(
    target: VectorStore,
    ids: list[int],
    progress: Progress = silent,
    previous: VectorStore | None = None,
    defer_uncached: bool = False,
) -> VectorStats:
    """Vectors of exactly the published ``ids`` in ``target`` (a rebuild's new store, or
    the store itself where the engine keeps one): the others are removed."""
    if previous is target:
        previous = None  # what it holds already counts as unchanged
    stats = update(
        ids, target=target, progress=progress, previous=previous, defer_uncached=defer_uncached
    )
    wanted = set(ids)
    extra = [pk for pk in target.versions() if pk not in wanted]
    if extra:
        target.remove(extra)
        stats.removed += len(extra)
    return stats


def expected_versions(ids: list[int]) -> dict[int, int]:
    """id → the version a vector of each published organisation of ``ids`` must have."""
    reader = PieceReader()
    out: dict[int, int] = {}
    for start in range(0, len(ids), 2000):
        out.update((p.id, p.version()) for p in reader.read(ids[start : start + 2000]))
    return out


# -- without waiting for the model --------------------------------------------------------


def schedule(ids: Iterable[int]) -> None:
    """Bring the vectors of ``ids`` up to date without making the caller wait for the
    model where that is possible (see the module docstring)."""
    ids = sorted(set(ids))
    if not ids:
        return
    from ..tasks import update_vectors

    if not _immediate(update_vectors):
        update_vectors.enqueue(ids)
    elif _background_possible():
        _worker.add(ids)
    else:
        update(ids)


def wait(timeout: float | None = None) -> bool:
    """Wait until the background thread has no vector work left; False on timeout."""
    return _worker.wait(timeout)


def _immediate(task: object) -> bool:
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(task.get_backend(), ImmediateBackend)  # type: ignore[attr-defined]


def _background_possible() -> bool:
    """Whether a thread with its own database connection sees what the caller wrote:
    not inside a transaction, not with an in-memory SQLite database (tests)."""
    from django.db import connection

    name = str(connection.settings_dict.get("NAME") or "")
    in_memory = connection.vendor == "sqlite" and (":memory:" in name or "mode=memory" in name)
    return not connection.in_atomic_block and not in_memory


class _Worker:
    """One thread that works off the ids scheduled so far, batch by batch, and ends
    when none are left (it is not a daemon: a command waits for it before it exits)."""

    IDLE_SECONDS = 2.0

    def __init__(self) -> None:
        self.pending: set[int] = set()
        self.busy = False
        self.thread: threading.Thread | None = None
        self.done = threading.Condition()

    def add(self, ids: list[int]) -> None:
        with self.done:
            self.pending.update(ids)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="search-vectors")
                self.thread.start()
            self.done.notify_all()

    def _run(self) -> None:
        from django.db import connections

        while True:
            with self.done:
                if not self.pending:
                    self.done.wait_for(lambda: bool(self.pending), self.IDLE_SECONDS)
                if not self.pending:
                    self.thread = None
                    self.done.notify_all()
                    return
                batch = sorted(self.pending)
                self.pending.clear()
                self.busy = True
            try:
                update(batch)
            except Exception:  # the drift check repairs what a failed batch left
                log.exception("Could not compute the vectors of %d organisations", len(batch))
            finally:
                connections.close_all()  # this thread's connections only
                with self.done:
                    self.busy = False
                    self.done.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        with self.done:
            return self.done.wait_for(lambda: not self.pending and not self.busy, timeout)


_worker = _Worker()
