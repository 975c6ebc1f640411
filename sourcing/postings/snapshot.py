"""The open postings held in this process for the matching (``sourcing.postings.matching``).

One store per kind keeps every open posting's facts as columns (NumPy arrays, one row
per posting) beside its text vector, with an inverted index of its words and WZ
prefixes, so that scoring a posting against all open postings of the other kind is a
handful of array operations, not a loop over postings. Rows of postings that close are
reused by the next ones.

Loading reads the open postings, their WZ codes and their stored vectors
(``core.TextVector``, written when a posting is published) in a few bulk queries. Texts
without a stored vector (postings written in bulk: the demo generator, an import) are
embedded in the request only when they are few; more are embedded by a background
thread, and until it is done those postings are matched without the similarity channel
(``store_matches`` waits for it).
"""

from __future__ import annotations

import datetime
import functools
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Max
from django.utils import timezone

from ..models import Posting, PostingKind, PostingStatus

log = logging.getLogger(__name__)

WZ_LEVELS = ((5, 1.0), (4, 0.6), (2, 0.3))  # class "25.62", group "25.6", division "25"
# Distance at which the distance channel reaches 0 (where a posting names no radius).
DISTANCE_SCALE_KM = 100.0
# Texts without a stored vector embedded in the request itself (about 1 ms each); more
# go to the background thread.
EMBED_IN_REQUEST = 32
NO_DATE = -1  # a missing deadline, as a day number

FIELDS = (
    "pk", "kind", "category", "organisation_id", "title", "description", "quantity",
    "lat", "lon", "radius_km", "deadline", "expires_on", "status",
)  # fmt: skip


def posting_text(posting: Any) -> str:
    """What a posting says: title, description and quantity."""
    return "\n".join(p for p in (posting.title, posting.description, posting.quantity) if p)


def _text(title: str, description: str, quantity: str) -> str:
    return "\n".join(p for p in (title, description, quantity) if p)


@dataclass
class Entry:
    id: int
    kind: str
    category: str
    organisation_id: int
    terms: frozenset[str]
    words: dict[str, str]  # term -> the word as written
    wz: frozenset[str]
    lat: float | None
    lon: float | None
    radius_km: int | None
    deadline: datetime.date | None
    expires_on: datetime.date
    levels: tuple[frozenset[str], ...] = ()  # WZ class, group and division prefixes
    key: str = ""  # the text's vector cache key


def analyse(text: str) -> tuple[frozenset[str], dict[str, str]]:
    from ..matching import content_words

    words: dict[str, str] = {}
    for w in content_words(text):
        for term in (w.term, *w.parts):
            words.setdefault(term, w.text)
    return frozenset(words), words


@functools.lru_cache(maxsize=4096)
def levels(codes: frozenset[str]) -> tuple[frozenset[str], ...]:
    """The class, group and division prefixes of ``codes``."""
    return tuple(frozenset(c[:n].rstrip(".") for c in codes) for n, _v in WZ_LEVELS)


_categories: dict[str, int] = {}


def category_code(category: str) -> int:
    """A small number per category (the stores compare numbers)."""
    return _categories.setdefault(category, len(_categories) + 1)


class Store:
    """The open postings of one kind as columns; row ``r`` of every array is one posting
    (or a free row: ``live[r]`` is False)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.vectors = np.zeros((0, dim), dtype=np.float32)
        self.ids = np.zeros(0, dtype=np.int64)
        self.org = np.zeros(0, dtype=np.int64)
        self.expires = np.zeros(0, dtype=np.int64)  # day numbers (date.toordinal)
        self.deadline = np.zeros(0, dtype=np.int64)
        self.lat = np.zeros(0, dtype=np.float64)  # NaN where the posting names no place
        self.lon = np.zeros(0, dtype=np.float64)
        self.radius = np.zeros(0, dtype=np.float64)  # km, the scale where none is named
        self.category = np.zeros(0, dtype=np.int16)
        self.live = np.zeros(0, dtype=bool)
        self.entries: list[Entry | None] = []
        self.row_of: dict[int, int] = {}
        self.free: list[int] = []
        self._terms: dict[str, set[int]] = {}
        self._prefixes: tuple[dict[str, set[int]], ...] = tuple({} for _ in WZ_LEVELS)
        self._rows: dict[tuple[int, str], np.ndarray] = {}  # (-1 or level, key) -> rows

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def capacity(self) -> int:
        return len(self.entries)

    def _grow(self, need: int) -> None:
        if len(self.free) >= need:
            return
        old = self.capacity
        new = max(old * 2, old + need - len(self.free), 64)
        extra = new - old

        def more(a: np.ndarray, fill: Any = 0) -> np.ndarray:
            tail = np.full((extra, *a.shape[1:]), fill, dtype=a.dtype)
            return np.concatenate([a, tail])

        self.vectors = more(self.vectors)
        self.ids, self.org = more(self.ids), more(self.org)
        self.expires, self.deadline = more(self.expires), more(self.deadline, NO_DATE)
        self.lat, self.lon = more(self.lat, np.nan), more(self.lon, np.nan)
        self.radius = more(self.radius, DISTANCE_SCALE_KM)
        self.category, self.live = more(self.category), more(self.live, False)
        self.entries.extend([None] * extra)
        self.free.extend(range(new - 1, old - 1, -1))  # lowest rows first

    def add(self, entries: list[Entry], vectors: np.ndarray) -> None:
        """Put ``entries`` (not in the store) with their vectors, all columns at once."""
        if not entries:
            return
        self._grow(len(entries))
        rows = [self.free.pop() for _ in entries]
        at = np.array(rows, dtype=np.intp)
        self.vectors[at] = vectors
        self.ids[at] = [e.id for e in entries]
        self.org[at] = [e.organisation_id for e in entries]
        self.expires[at] = [e.expires_on.toordinal() for e in entries]
        self.deadline[at] = [e.deadline.toordinal() if e.deadline else NO_DATE for e in entries]
        placed = [e.lat is not None and e.lon is not None for e in entries]
        self.lat[at] = [e.lat if p else np.nan for e, p in zip(entries, placed, strict=True)]
        self.lon[at] = [e.lon if p else np.nan for e, p in zip(entries, placed, strict=True)]
        self.radius[at] = [float(e.radius_km or DISTANCE_SCALE_KM) for e in entries]
        self.category[at] = [category_code(e.category) for e in entries]
        self.live[at] = True
        terms, prefixes = self._terms, self._prefixes
        for r, e in zip(rows, entries, strict=True):
            self.entries[r] = e
            self.row_of[e.id] = r
            for term in e.terms:
                terms.setdefault(term, set()).add(r)
            for table, keys in zip(prefixes, e.levels, strict=False):
                for key in keys:
                    table.setdefault(key, set()).add(r)
        self._rows.clear()

    def remove(self, posting_id: int) -> None:
        r = self.row_of.pop(posting_id, None)
        if r is None:
            return
        entry = self.entries[r]
        if entry is not None:
            self._unindex(r, entry)
        self.entries[r] = None
        self.vectors[r] = 0
        self.ids[r] = self.org[r] = 0
        self.live[r] = False
        self.free.append(r)

    def _unindex(self, r: int, entry: Entry) -> None:
        groups = [(-1, self._terms, entry.terms)]
        groups += [(n, self._prefixes[n], p) for n, p in enumerate(entry.levels)]
        for level, table, keys in groups:
            for key in keys:
                rows = table.get(key)
                if rows is not None:
                    rows.discard(r)
                    if not rows:
                        del table[key]
                self._rows.pop((level, key), None)

    def rows_with(self, level: int, key: str) -> np.ndarray:
        """The rows whose posting has the term ``key`` (level -1) or the WZ prefix ``key``
        at ``level`` (0 class, 1 group, 2 division)."""
        cached = self._rows.get((level, key))
        if cached is None:
            table = self._terms if level < 0 else self._prefixes[level]
            cached = np.fromiter(table.get(key, ()), dtype=np.intp)
            self._rows[(level, key)] = cached
        return cached


class Snapshot:
    """The open postings' facts and vectors, kind by kind as first needed; refreshed
    when postings change (a cheap count and newest change time of all postings are
    compared on each use)."""

    def __init__(self) -> None:
        from core.embedding import DIM

        self.lock = threading.RLock()
        self.stores: dict[str, Store] = {k: Store(DIM) for k in PostingKind.values}
        self.kind_of: dict[int, str] = {}
        self.loaded: set[str] = set()
        self.stamp: tuple[Any, ...] | None = None
        self.last_modified: datetime.datetime | None = None
        self.pending: dict[int, tuple[str, str]] = {}  # id -> (key, text) awaiting a vector
        self.embedder: threading.Thread | None = None
        self.embedded = threading.Condition(self.lock)

    def forget(self) -> None:
        self.wait_for_vectors()
        with self.lock:
            self.__init__()  # type: ignore[misc]

    def _stamp(self) -> tuple[Any, ...]:
        agg = Posting.objects.aggregate(n=Count("pk"), m=Max("modified"))
        return (agg["n"], agg["m"], timezone.localdate())

    def refresh(self, kinds: Iterable[str] | None = None) -> None:
        """Bring the loaded kinds in step with the database, and load ``kinds`` (all by
        default) where they are not loaded yet: a page that matches a request reads
        only the open offers."""
        stamp = self._stamp()
        with self.lock:
            if stamp != self.stamp:
                if self.stamp is None or stamp[0] < self.stamp[0] or stamp[2] != self.stamp[2]:
                    self.stores = {k: Store(s.dim) for k, s in self.stores.items()}
                    self.kind_of, self.pending, self.loaded = {}, {}, set()
                elif self.loaded:
                    self._load(Posting.objects.filter(modified__gte=self.last_modified))
                self.stamp = stamp
                self.last_modified = stamp[1]
            for kind in self.stores if kinds is None else kinds:
                if kind in self.stores and kind not in self.loaded:
                    self.loaded.add(kind)
                    self._load(Posting.objects.open().filter(kind=kind))

    def _load(self, postings: Any) -> None:
        """Read ``postings`` anew: those open and of a loaded kind are put in their store
        (with their WZ codes and stored vectors), the others leave it."""
        rows = list(postings.order_by("pk").values_list(*FIELDS))
        if not rows:
            return
        today = timezone.localdate()
        keep = []
        for row in rows:
            pk, kind, status, expires_on = row[0], row[1], row[12], row[11]
            old = self.kind_of.pop(pk, None)
            if old is not None:
                self.stores[old].remove(pk)
                self.pending.pop(pk, None)
            if status == PostingStatus.PUBLISHED and expires_on >= today and kind in self.loaded:
                keep.append(row)
        if not keep:
            return
        codes: dict[int, list[str]] = {}
        through = Posting.wz_codes.through
        linked = through.objects.filter(posting__in=postings.values("pk"))
        for posting_id, code in linked.values_list("posting_id", "wzcode__code"):
            codes.setdefault(posting_id, []).append(code)
        texts = [_text(r[4], r[5], r[6]) for r in keep]
        vectors, keys, missing = stored_vectors(texts)
        later: set[int] = set()
        if len(missing) > EMBED_IN_REQUEST and _background_possible():
            later = set(missing)
        elif missing:
            from core.embedding import embed_cached

            vectors[missing] = embed_cached([texts[i] for i in missing])[0]
        added: dict[str, list[int]] = {}
        entries = []
        for i, (row, text) in enumerate(zip(keep, texts, strict=True)):
            pk, kind, category, org, *_texts, lat, lon, radius, deadline, expires_on, _s = row
            terms, words = analyse(text)
            wz = frozenset(codes.get(pk, ()))
            entries.append(
                Entry(
                    id=pk, kind=kind, category=category, organisation_id=org, terms=terms,
                    words=words, wz=wz, levels=levels(wz), lat=lat, lon=lon,
                    radius_km=radius, deadline=deadline, expires_on=expires_on, key=keys[i],
                )
            )  # fmt: skip
            added.setdefault(kind, []).append(i)
            self.kind_of[pk] = kind
            if i in later:
                self.pending[pk] = (keys[i], text)
        for kind, positions in added.items():
            self.stores[kind].add([entries[i] for i in positions], vectors[positions])
        if later:
            self._embed_later()

    def _embed_later(self) -> None:
        if self.embedder is None and self.pending:
            self.embedder = threading.Thread(target=self._embed_pending, name="posting-vectors")
            self.embedder.start()

    def _embed_pending(self) -> None:
        from django.db import connections

        from core.embedding import embed_cached

        batch: list[tuple[int, tuple[str, str]]] = []
        try:
            while True:
                with self.lock:
                    batch = list(self.pending.items())[:256]
                    if not batch:
                        self.embedder = None
                        self.embedded.notify_all()
                        return
                vectors = embed_cached([text for _pk, (_key, text) in batch])[0]
                with self.lock:
                    for n, (pk, (key, _text)) in enumerate(batch):
                        if self.pending.get(pk, ("",))[0] != key:
                            continue  # changed or closed meanwhile
                        del self.pending[pk]
                        store = self.stores[self.kind_of[pk]]
                        store.vectors[store.row_of[pk]] = vectors[n]
        except Exception:
            log.exception("Could not embed the texts of %d postings", len(batch))
            with self.lock:
                self.pending.clear()  # matched without similarity until they change
                self.embedder = None
                self.embedded.notify_all()
        finally:
            connections.close_all()

    def wait_for_vectors(self, timeout: float | None = None) -> bool:
        """Wait until every open posting has its vector (``store_matches``, tests)."""
        with self.lock:
            return self.embedded.wait_for(lambda: self.embedder is None, timeout)

    def entry_for(self, posting: Any) -> tuple[Entry, np.ndarray]:
        """The entry of ``posting`` (open or not: a pending one is matched for its poster)."""
        from core.embedding import digest, embed_cached

        with self.lock:
            kind = self.kind_of.get(posting.pk) if posting.pk else None
            if kind is not None:
                store = self.stores[kind]
                r = store.row_of[posting.pk]
                entry = store.entries[r]
                if entry is not None and posting.pk not in self.pending:
                    return entry, store.vectors[r].copy()
        text = posting_text(posting)
        terms, words = analyse(text)
        vector = embed_cached([text])[0][0]
        codes = frozenset(c.code for c in posting.wz_codes.all()) if posting.pk else frozenset()
        entry = Entry(
            id=posting.pk or 0,
            kind=posting.kind,
            category=posting.category,
            organisation_id=posting.organisation_id,
            terms=terms,
            words=words,
            wz=codes,
            levels=levels(codes),
            lat=posting.lat,
            lon=posting.lon,
            radius_km=posting.radius_km,
            deadline=posting.deadline,
            expires_on=posting.expires_on,
            key=digest(text),
        )
        return entry, vector


def stored_vectors(texts: list[str]) -> tuple[np.ndarray, list[str], list[int]]:
    """The stored vectors of ``texts`` (one bulk read of ``core.TextVector`` per 900
    keys, decoded in one go), their keys, and the positions of texts with none."""
    from core.embedding import DIM, digest
    from core.models import TextVector

    keys = [digest(t) for t in texts]
    distinct = list(dict.fromkeys(keys))
    stored: dict[str, bytes] = {}
    for start in range(0, len(distinct), 900):
        chunk = distinct[start : start + 900]
        for key, data in TextVector.objects.filter(key__in=chunk).values_list("key", "vector"):
            stored[key] = bytes(data)
    size = DIM * 2  # float16
    good = {k: v for k, v in stored.items() if len(v) == size}
    order = list(good)
    decoded = np.frombuffer(b"".join(good[k] for k in order), dtype=np.float16)
    decoded = decoded.reshape(len(order), DIM).astype(np.float32)
    row_of = {k: n for n, k in enumerate(order)}
    where = np.array([row_of.get(k, -1) for k in keys], dtype=np.intp)
    found = where >= 0
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    out[found] = decoded[where[found]]
    return out, keys, [int(i) for i in np.flatnonzero(~found)]


def _background_possible() -> bool:
    from search.vectors import _background_possible as possible

    return possible()
