"""Where organisation vectors are kept, per engine, and how readers hold them in memory.

A store keeps one row per organisation: its id, the version of the pieces its vector
was made of (``pieces.Pieces.version``) and the vector as float16 bytes. A removal
leaves a tombstone (no version, no vector), and every write raises the store's change
counter, so that a reader in another process (a web process while a worker writes)
catches up by reading only the rows changed since it last looked. A ``clear`` gives the
store a new epoch: readers then load it whole.

``SqliteVectorStore``: a file beside the Tantivy index, one per index generation.
``PostgresVectorStore``: two tables of the PostgreSQL engine (migration 0004).
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from core.embedding import DIM, from_bytes, to_bytes

# A reader asks its store for changes at most this often (seconds).
CHECK_SECONDS = 1.0
WRITE_BATCH = 500


class VectorMatrix:
    """The vectors of a store in memory: ids and a float32 matrix, updated in place.

    Writers (``apply``) take the lock; readers take a ``snapshot`` (arrays that stay
    valid: a grown matrix is a new array, a removed row is zeroed and its id set to -1).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids = np.full(0, -1, dtype=np.int64)
        self.matrix = np.zeros((0, DIM), dtype=np.float32)
        self.count = 0  # rows in use (some may be dead)
        self.rows: dict[int, int] = {}
        self.free: list[int] = []
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None

    def apply(self, changes: Iterable[tuple[int, bytes | None]]) -> None:
        batch: list[tuple[int, bytes | None]] = []
        for change in changes:
            batch.append(change)
            if len(batch) >= 10_000:
                self._apply(batch)
                batch = []
        if batch:
            self._apply(batch)

    def _apply(self, batch: list[tuple[int, bytes | None]]) -> None:
        """One batch: rows found first, then all new vectors converted at once. An id
        changed twice in the batch counts with its last change."""
        with self.lock:
            rows: list[int] = []
            data: list[bytes] = []
            for pk, vector in dict(batch).items():
                row = self.rows.get(pk)
                if vector is None:
                    if row is not None:
                        del self.rows[pk]
                        self.ids[row] = -1
                        self.matrix[row] = 0.0
                        self.free.append(row)
                    continue
                if row is None:
                    row = self.free.pop() if self.free else self._append()
                    self.rows[pk] = row
                    self.ids[row] = pk
                rows.append(row)
                data.append(vector)
            if rows:
                values = np.frombuffer(b"".join(data), dtype=np.float16).reshape(-1, DIM)
                self.matrix[rows] = values
            self._sorted = None

    def reserve(self, rows: int) -> None:
        """Room for ``rows`` rows, allocated at once: a whole store read into a matrix
        grown by half again and again would copy it each time and keep up to a third of
        it unused (docs/performance.md, "Matching")."""
        with self.lock:
            if rows > len(self.ids):
                self._grow(rows)

    def _append(self) -> int:
        if self.count == len(self.ids):
            self._grow(max(1024, int(len(self.ids) * 1.5)))
        self.count += 1
        return self.count - 1

    def _grow(self, capacity: int) -> None:
        ids = np.full(capacity, -1, dtype=np.int64)
        ids[: self.count] = self.ids[: self.count]
        matrix = np.zeros((capacity, DIM), dtype=np.float32)
        matrix[: self.count] = self.matrix[: self.count]
        self.ids, self.matrix = ids, matrix

    def snapshot(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, matrix) of the rows in use; an id of -1 marks a removed row."""
        with self.lock:
            return self.ids[: self.count], self.matrix[: self.count]

    def view(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(ids, matrix, ids ascending, their rows) at one moment: to find the rows of
        many ids with ``searchsorted``."""
        with self.lock:
            ids = self.ids[: self.count]
            if self._sorted is None:
                order = np.argsort(ids, kind="stable")
                self._sorted = (ids[order], order)
            return ids, self.matrix[: self.count], *self._sorted

    def __len__(self) -> int:
        return len(self.rows)


class VectorStore:
    """Rows of (id, version, vector) with a change counter; see the module docstring."""

    def __init__(self) -> None:
        self._matrix = VectorMatrix()
        self._state: tuple[int, int] | None = None  # (epoch, counter) the matrix holds
        self._checked = 0.0
        self._refresh_lock = threading.Lock()
        self._generation: int | None = None  # of the kept pages when last checked

    # -- writing ----------------------------------------------------------------------

    def write(self, rows: Iterable[tuple[int, int, np.ndarray]]) -> None:
        """Add or replace (id, version, vector) rows."""
        rows = list(rows)
        for start in range(0, len(rows), WRITE_BATCH):
            chunk = rows[start : start + WRITE_BATCH]
            self._write([(pk, version, to_bytes(vector)) for pk, version, vector in chunk])

    def remove(self, ids: Iterable[int]) -> None:
        ids = sorted(set(ids))
        for start in range(0, len(ids), WRITE_BATCH):
            self._write([(pk, None, None) for pk in ids[start : start + WRITE_BATCH]])

    def _write(self, rows: list[tuple[int, int | None, bytes | None]]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    # -- reading ----------------------------------------------------------------------

    def versions(self, ids: Iterable[int] | None = None) -> dict[int, int]:
        """id → version of the vectors held (of ``ids``, or all)."""
        raise NotImplementedError

    def rows(self, ids: list[int]) -> dict[int, tuple[int, np.ndarray]]:
        """id → (version, vector) of ``ids`` that have one, read from the store."""
        raise NotImplementedError

    def _state_now(self) -> tuple[int, int]:
        raise NotImplementedError

    def _changes(self, since: int | None) -> Iterator[tuple[int, bytes | None]]:
        """(id, vector bytes or None) changed after ``since`` (all live rows for None)."""
        raise NotImplementedError

    def count(self) -> int:
        return len(self.versions())

    def _live_rows(self) -> int:
        """Rows with a vector now (a hint for the matrix's size; 0: unknown)."""
        return 0

    def matrix(self, force: bool = False) -> VectorMatrix:
        """The vectors in memory, brought up to date when the store changed (asked at
        most once every ``CHECK_SECONDS`` unless ``force``, or the generation of the kept
        pages advanced: each vector write advances it, and a page made after that must
        not rank by the vectors before it, or it would be kept with them)."""
        now = time.monotonic()
        generation = _page_generation()
        if generation != self._generation:
            force = True
        if not force and self._state is not None and now - self._checked < CHECK_SECONDS:
            return self._matrix
        with self._refresh_lock:
            if not force and self._state is not None and now - self._checked < CHECK_SECONDS:
                return self._matrix
            state = self._state_now()
            if state != self._state:
                if self._state is None or state[0] != self._state[0] or state[1] < self._state[1]:
                    fresh = VectorMatrix()
                    fresh.reserve(self._live_rows())
                    fresh.apply(self._changes(None))
                    self._matrix = fresh
                else:
                    self._matrix.apply(self._changes(self._state[1]))
                self._state = state
            self._checked = time.monotonic()
            self._generation = generation
            return self._matrix


def _page_generation() -> int | None:
    """The generation of the kept search pages (``core.pagecache``; None while off)."""
    from core import pagecache

    if not pagecache.enabled():
        return None
    try:
        return pagecache.generation(pagecache.SEARCH)
    except Exception:  # a cache that is down keeps no pages either
        return None


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    id INTEGER PRIMARY KEY,
    version INTEGER,
    vector BLOB,
    changed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS vectors_changed ON vectors (changed);
CREATE TABLE IF NOT EXISTS state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch INTEGER NOT NULL,
    counter INTEGER NOT NULL
);
"""


class SqliteVectorStore(VectorStore):
    """A SQLite file (``vectors.sqlite3`` in a Tantivy index generation)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        with self._connect() as db:
            db.executescript(SQLITE_SCHEMA)
            db.execute(
                "INSERT OR IGNORE INTO state (id, epoch, counter) VALUES (1, ?, 0)",
                [random.getrandbits(62)],
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return _Closing(db)  # type: ignore[return-value]

    def _write(self, rows: list[tuple[int, int | None, bytes | None]]) -> None:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                counter = db.execute(
                    "UPDATE state SET counter = counter + 1 WHERE id = 1 RETURNING counter"
                ).fetchone()[0]
                db.executemany(
                    "INSERT INTO vectors (id, version, vector, changed) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                    "vector = excluded.vector, changed = excluded.changed",
                    [(pk, version, data, counter) for pk, version, data in rows],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def clear(self) -> None:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM vectors")
            db.execute(
                "UPDATE state SET epoch = ?, counter = 0 WHERE id = 1", [random.getrandbits(62)]
            )
            db.execute("COMMIT")

    def versions(self, ids: Iterable[int] | None = None) -> dict[int, int]:
        with self._connect() as db:
            if ids is None:
                rows = db.execute("SELECT id, version FROM vectors WHERE version IS NOT NULL")
                return dict(rows.fetchall())
            found: dict[int, int] = {}
            wanted = list(ids)
            for start in range(0, len(wanted), 900):
                chunk = wanted[start : start + 900]
                marks = ", ".join("?" * len(chunk))
                found.update(
                    db.execute(
                        f"SELECT id, version FROM vectors WHERE version IS NOT NULL "
                        f"AND id IN ({marks})",
                        chunk,
                    ).fetchall()
                )
            return found

    def rows(self, ids: list[int]) -> dict[int, tuple[int, np.ndarray]]:
        found: dict[int, tuple[int, np.ndarray]] = {}
        with self._connect() as db:
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                marks = ", ".join("?" * len(chunk))
                for pk, version, data in db.execute(
                    f"SELECT id, version, vector FROM vectors WHERE vector IS NOT NULL "
                    f"AND id IN ({marks})",
                    chunk,
                ):
                    found[pk] = (version, from_bytes(data))
        return found

    def _state_now(self) -> tuple[int, int]:
        with self._connect() as db:
            epoch, counter = db.execute("SELECT epoch, counter FROM state WHERE id = 1").fetchone()
            return int(epoch), int(counter)

    def _live_rows(self) -> int:
        with self._connect() as db:
            return int(
                db.execute("SELECT count(*) FROM vectors WHERE vector IS NOT NULL").fetchone()[0]
            )

    def _changes(self, since: int | None) -> Iterator[tuple[int, bytes | None]]:
        with self._connect() as db:
            if since is None:
                cursor = db.execute("SELECT id, vector FROM vectors WHERE vector IS NOT NULL")
            else:
                cursor = db.execute(
                    "SELECT id, vector FROM vectors WHERE changed > ? ORDER BY changed", [since]
                )
            while batch := cursor.fetchmany(10_000):
                yield from batch


class _Closing:
    """A sqlite3 connection that closes when its ``with`` block ends (the module's own
    context manager only commits)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


class PostgresVectorStore(VectorStore):
    """Tables ``search_pg_vector`` and ``search_pg_vector_state`` (one row).

    Each write raises the counter in the state row first: the row lock orders the
    writers, so a reader that saw counter n has seen every row changed up to n.
    """

    def _cursor(self) -> Any:
        from django.db import connection

        return connection.cursor()

    def _write(self, rows: list[tuple[int, int | None, bytes | None]]) -> None:
        from django.db import transaction

        with transaction.atomic(), self._cursor() as cursor:
            cursor.execute(
                "UPDATE search_pg_vector_state SET counter = counter + 1 WHERE id = 1 "
                "RETURNING counter"
            )
            counter = cursor.fetchone()[0]
            cursor.executemany(
                "INSERT INTO search_pg_vector (id, version, vector, changed) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                "version = excluded.version, vector = excluded.vector, changed = excluded.changed",
                [(pk, version, data, counter) for pk, version, data in rows],
            )

    def clear(self) -> None:
        from django.db import transaction

        with transaction.atomic(), self._cursor() as cursor:
            cursor.execute(
                "UPDATE search_pg_vector_state SET epoch = %s, counter = 0 WHERE id = 1",
                [random.getrandbits(62)],
            )
            cursor.execute("DELETE FROM search_pg_vector")

    def versions(self, ids: Iterable[int] | None = None) -> dict[int, int]:
        with self._cursor() as cursor:
            if ids is None:
                cursor.execute("SELECT id, version FROM search_pg_vector WHERE version IS NOT NULL")
            else:
                cursor.execute(
                    "SELECT id, version FROM search_pg_vector WHERE version IS NOT NULL "
                    "AND id = ANY(%s)",
                    [list(ids)],
                )
            found: dict[int, int] = {}
            while batch := cursor.fetchmany(10_000):
                found.update((int(pk), int(version)) for pk, version in batch)
            return found

    def rows(self, ids: list[int]) -> dict[int, tuple[int, np.ndarray]]:
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT id, version, vector FROM search_pg_vector WHERE vector IS NOT NULL "
                "AND id = ANY(%s)",
                [list(ids)],
            )
            return {
                int(pk): (int(version), from_bytes(bytes(data)))
                for pk, version, data in cursor.fetchall()
            }

    def _state_now(self) -> tuple[int, int]:
        with self._cursor() as cursor:
            cursor.execute("SELECT epoch, counter FROM search_pg_vector_state WHERE id = 1")
            epoch, counter = cursor.fetchone()
            return int(epoch), int(counter)

    def _live_rows(self) -> int:
        with self._cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_pg_vector WHERE vector IS NOT NULL")
            return int(cursor.fetchone()[0])

    def _changes(self, since: int | None) -> Iterator[tuple[int, bytes | None]]:
        with self._cursor() as cursor:
            if since is None:
                cursor.execute("SELECT id, vector FROM search_pg_vector WHERE vector IS NOT NULL")
            else:
                cursor.execute(
                    "SELECT id, vector FROM search_pg_vector WHERE changed > %s ORDER BY changed",
                    [since],
                )
            while batch := cursor.fetchmany(10_000):
                for pk, data in batch:
                    yield int(pk), (bytes(data) if data is not None else None)
