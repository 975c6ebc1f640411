"""Matching requests and offers both ways (docs/matching.md, "Requests and offers").

A request is matched to the organisations that can meet it (through the need matching,
``sourcing.services.match``) and to the open offers that fit it; an offer to the open
requests it fits. Both directions use the same score, so an offer that ranks high for
a request sees that request rank high too.

The postings side fuses, for every open posting of the other kind:

* **words**: the content search with every word optional (``search.content``), or,
  where that index cannot answer, the share of the posting's content words another
  posting's text contains (the same analyser as the search);
* **similarity**: the cosine of the two texts' sentence embeddings
  (``core.embedding``; one vector per posting, kept in this process with the other
  facts as columns and refreshed when postings change: ``sourcing.postings.snapshot``);
* **WZ**: the best overlap of their WZ codes (same class, group or division);
* **distance**: near places count a little more, one outside a request's radius less;
* **category** and **deadline**: a small lift where they agree.
"""

from __future__ import annotations

import datetime
import logging
import math
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from directory.choices import PublicationStatus

from ..models import Posting, PostingKind, PostingMatch
from .snapshot import (
    DISTANCE_SCALE_KM,
    WZ_LEVELS,
    Entry,
    Snapshot,
    Store,
    category_code,
    posting_text,
)

log = logging.getLogger(__name__)

# Fusion weights of the postings side; each channel's score lies between 0 and 1.
WEIGHTS: dict[str, float] = {
    "words": 0.3,
    "similarity": 0.45,
    "wz": 0.15,
    "distance": 0.05,
    "category": 0.03,
    "deadline": 0.02,
}
# Cosines below this say nothing (unrelated texts lie around 0.1 for USE-m3).
SIMILARITY_FLOOR = 0.15
# A posting is shown as fitting only above this fused score.
MIN_SCORE = 0.12
# Rows stored per posting and side when it is published.
STORED_MATCHES = 20
# Candidates the content search contributes.
CANDIDATES = 200


def other_kind(kind: str) -> str:
    return PostingKind.OFFER if kind == PostingKind.REQUEST else PostingKind.REQUEST


# --- Results --------------------------------------------------------------------------


@dataclass
class PostingReasons:
    """Why another posting fits, in the style of ``sourcing.reasons``."""

    words: list[str] = field(default_factory=list)
    wz: list[str] = field(default_factory=list)  # shared codes, at the deepest level shared
    similarity: float = 0.0
    distance_km: float | None = None
    same_category: bool = False
    deadline_fits: bool = False

    @property
    def similarity_level(self) -> str:
        from ..reasons import SIMILARITY_HIGH, SIMILARITY_MEDIUM

        if self.similarity >= SIMILARITY_HIGH:
            return "high"
        if self.similarity >= SIMILARITY_MEDIUM:
            return "medium"
        return "low"

    def as_json(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "wz": self.wz,
            "similarity": round(self.similarity, 3),
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "same_category": self.same_category,
            "deadline_fits": self.deadline_fits,
        }


@dataclass
class PostingMatchItem:
    posting: Any
    score: float
    reasons: PostingReasons


@dataclass
class PostingMatches:
    posting: Any
    organisations: list[Any]  # sourcing.matching.MatchItem (requests only)
    postings: list[PostingMatchItem]
    milliseconds: float = 0.0

    @property
    def relay_max(self) -> int:
        """How many organisations one request may be sent to at once (the relay's limit)."""
        from django.conf import settings

        return int(getattr(settings, "RELAY_MAX_RECIPIENTS", 10))


# --- The open postings of this process (sourcing.postings.snapshot) -----------------

_index = Snapshot()


def forget() -> None:
    """Drop this process's postings (tests; they are read again on the next use)."""
    _index.forget()


def warm_up() -> None:
    """Read now what the first match of a process reads: the open postings with their
    stored vectors, and (through the newest open request) the organisations' index,
    vectors, the model and the word lists; for a background thread at start, so that
    the first page does not wait for them."""
    _index.refresh()
    try:
        from search import spelling

        spelling.is_real_word("warm")  # read on the first word the index does not hold
        newest = Posting.objects.open().filter(kind=PostingKind.REQUEST).order_by("-pk").first()
        if newest is not None:
            matches_for(newest)
    except Exception:  # no index yet: the first page builds what it needs
        log.warning("Could not warm up the matching", exc_info=True)


# --- Scoring --------------------------------------------------------------------------


def wz_overlap(a: Iterable[str], b: Iterable[str]) -> tuple[float, list[str]]:
    """The best level two sets of WZ codes share: 1 for a class, 0.6 for a group, 0.3
    for a division; with the shared codes at that level."""
    a, b = set(a), set(b)
    for length, value in WZ_LEVELS:
        shared = {c[:length] for c in a} & {c[:length] for c in b}
        shared = {s.rstrip(".") for s in shared if s}
        if shared:
            return value, sorted(shared)
    return 0.0, []


def _lexical(entry: Entry, text: str, kind: str) -> dict[int, float] | None:
    """Engine scores of the content search (normalised by the best), or None where the
    content search is not there or cannot answer for postings."""
    try:
        from search.content import ContentQuery, search_content

        result = search_content(
            ContentQuery(
                type="posting",
                text=" ".join(entry.words.values()) or text[:500],
                any_word=True,
                filters={"kind": [kind]},
                page_size=CANDIDATES,
                facets=False,
            )
        )
    except Exception:  # not installed yet, type not registered, engine unavailable
        log.debug("content search unavailable for matching", exc_info=True)
        return None
    best = max((h.score for h in result.hits), default=0.0)
    if best <= 0:
        return None  # nothing indexed or nothing found: the word share decides alone
    return {h.id: h.score / best for h in result.hits}


@dataclass
class _Scored:
    entry: Entry
    score: float
    cosine: float
    km: float
    same_category: bool
    deadline_fits: bool


def _distances(origin: Entry, store: Store) -> np.ndarray:
    """Great-circle km from ``origin`` to every row (NaN where either names no place)."""
    if origin.lat is None or origin.lon is None:
        return np.full(store.capacity, np.nan)
    p1, p2 = math.radians(origin.lat), np.radians(store.lat)
    dl = np.radians(store.lon) - math.radians(origin.lon)
    a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _deadlines(origin: Entry, store: Store, today: datetime.date) -> np.ndarray:
    """The request's needed-by date is not past and the offer is listed until then."""
    if origin.kind == PostingKind.REQUEST:
        if origin.deadline is None or origin.deadline < today:
            return np.zeros(store.capacity, dtype=bool)
        return store.expires >= origin.deadline.toordinal()
    fits: np.ndarray = (store.deadline >= today.toordinal()) & (
        store.deadline <= origin.expires_on.toordinal()
    )
    return fits


def _score(
    store: Store,
    origin: Entry,
    vector: np.ndarray,
    engine: dict[int, float] | None,
    today: datetime.date,
    limit: int,
) -> list[_Scored]:
    """Every row of ``store`` scored against ``origin`` at once; the best ``limit`` rows
    above ``MIN_SCORE``."""
    live = store.live & (store.expires >= today.toordinal())
    live &= (store.org != origin.organisation_id) & (store.ids != origin.id)
    if not live.any():
        return []
    cosines = store.vectors @ vector
    similarity = np.clip((cosines - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR), 0, 1)
    overlap = np.zeros(store.capacity)
    for term in origin.terms:
        overlap[store.rows_with(-1, term)] += 1
    if origin.terms:
        overlap /= len(origin.terms)
    words = overlap
    if engine is not None:
        found = np.zeros(store.capacity)
        for pk, value in engine.items():
            r = store.row_of.get(pk)
            if r is not None:
                found[r] = value
        words = np.maximum(found, overlap * 0.5)  # the engine's index may lag a publication
    wz = np.zeros(store.capacity)
    if origin.wz:
        mine = origin.levels
        for level in reversed(range(len(WZ_LEVELS))):  # the deepest shared level wins
            for prefix in mine[level]:
                wz[store.rows_with(level, prefix)] = WZ_LEVELS[level][1]
    km = _distances(origin, store)
    radius = store.radius
    if origin.kind == PostingKind.REQUEST:
        radius = np.full(store.capacity, float(origin.radius_km or DISTANCE_SCALE_KM))
    near = np.where(np.isnan(km), 0.5, np.clip(1 - km / radius, 0, 1))
    category = store.category == category_code(origin.category)
    deadline = _deadlines(origin, store, today)
    score = (
        WEIGHTS["words"] * words
        + WEIGHTS["similarity"] * similarity
        + WEIGHTS["wz"] * wz
        + WEIGHTS["distance"] * near
        + WEIGHTS["category"] * category
        + WEIGHTS["deadline"] * deadline
    )
    rows = np.flatnonzero(live & (score >= MIN_SCORE))
    rows = rows[np.lexsort((-store.ids[rows], -score[rows]))[:limit]]  # at a tie the newer
    out = []
    for row in rows.tolist():
        entry = store.entries[row]
        assert entry is not None  # a live row
        out.append(
            _Scored(
                entry,
                float(score[row]),
                float(cosines[row]),
                float(km[row]),
                bool(category[row]),
                bool(deadline[row]),
            )
        )
    return out


def rank_postings(posting: Any, limit: int = STORED_MATCHES) -> list[PostingMatchItem]:
    """Open postings of the other kind that fit ``posting``, best first."""
    kind = other_kind(posting.kind)
    _index.refresh(kinds=(kind,))
    origin, vector = _index.entry_for(posting)
    today = timezone.localdate()
    with _index.lock:
        if not _index.stores[kind]:
            return []
    engine = _lexical(origin, posting_text(posting), kind)
    with _index.lock:
        scored = _score(_index.stores[kind], origin, vector, engine, today, limit)
    loaded = Posting.objects.select_related("organisation").in_bulk([s.entry.id for s in scored])
    items = []
    for s in scored:
        e = s.entry
        obj = loaded.get(e.id)
        if obj is None or not obj.is_open or obj.organisation.status != PublicationStatus.PUBLISHED:
            continue  # closed meanwhile, or its organisation is no longer shown
        shared = [origin.words[t] for t in origin.words if t in e.terms]
        reasons = PostingReasons(
            words=list(dict.fromkeys(shared))[:8],
            wz=wz_overlap(origin.wz, e.wz)[1],
            similarity=s.cosine,
            distance_km=None if math.isnan(s.km) else s.km,
            same_category=s.same_category,
            deadline_fits=s.deadline_fits,
        )
        items.append(PostingMatchItem(obj, round(s.score, 4), reasons))
    return items


def _need_for(posting: Any, limit: int) -> Any:
    from search.query import Point

    from ..matching import NEED_MAX_CHARS, Need

    codes = list(posting.wz_codes.all()) if posting.pk else []
    titles = " ".join(c.title for c in codes if getattr(c, "title", ""))
    text = " ".join(posting_text(posting).split())
    text = f"{text} {titles}".strip()[:NEED_MAX_CHARS]
    center = Point(posting.lat, posting.lon) if posting.lat is not None else None
    radius = float(posting.radius_km) if center and posting.radius_km else None
    return Need(text=text, center=center, radius_km=radius, limit=limit)


def rank_organisations(posting: Any, limit: int = STORED_MATCHES) -> list[Any]:
    """The organisations that can meet a request (not its poster's own), best first."""
    from .. import services

    if posting.kind != PostingKind.REQUEST:
        return []
    results = services.match(_need_for(posting, min(limit + 1, 100)))
    items = [i for i in results.items if i.organisation.pk != posting.organisation_id]
    return items[:limit]


def matches_for(posting: Any, user: Any = None, limit: int = STORED_MATCHES) -> PostingMatches:
    """Fitting organisations (for a request) and open postings of the other kind, with
    reasons; a request's offers are found in a thread beside its organisations.
    ``user`` is reserved for what only some may see; every list shown here is public
    today."""
    started = time.perf_counter()
    beside = _beside(rank_postings, posting, limit) if posting.kind == PostingKind.REQUEST else None
    organisations = rank_organisations(posting, limit)
    postings = beside.result() if beside is not None else rank_postings(posting, limit)
    return PostingMatches(
        posting=posting,
        organisations=organisations,
        postings=postings,
        milliseconds=(time.perf_counter() - started) * 1000,
    )


# Threads that compute a request's open offers while the calling thread finds its
# organisations (each thread with its own database connection); a call that finds them
# all busy computes both itself.
BESIDE_THREADS = 2
_beside_pool: ThreadPoolExecutor | None = None
_beside_free = threading.BoundedSemaphore(BESIDE_THREADS)
_beside_lock = threading.Lock()


def _beside(function: Any, *args: Any) -> Future[Any] | None:
    """``function(*args)`` started in a thread of its own, or None where that thread
    would not see what the caller sees (inside a transaction, an in-memory database)
    or none is free."""
    global _beside_pool
    if not _background_possible() or not _beside_free.acquire(blocking=False):
        return None
    with _beside_lock:
        if _beside_pool is None:
            _beside_pool = ThreadPoolExecutor(BESIDE_THREADS, thread_name_prefix="matching")
    try:
        return _beside_pool.submit(_in_thread, function, *args)
    except RuntimeError:  # the interpreter is shutting down
        _beside_free.release()
        return None


def _in_thread(function: Any, *args: Any) -> Any:
    from django.db import connections

    try:
        return function(*args)
    finally:
        connections.close_all()  # this thread's own: one per call, as a request has
        _beside_free.release()


# --- Stored matches on publication ---------------------------------------------------


def store_matches(posting_id: int) -> int:
    """Compute and store a posting's matches, replacing the old ones; then tell the
    notifications (offer alerts). Returns the rows written."""
    posting = Posting.objects.filter(pk=posting_id).select_related("organisation").first()
    if posting is None:
        return 0
    if not posting.is_open:
        PostingMatch.objects.filter(posting=posting).delete()
        return 0
    _index.refresh()
    _index.wait_for_vectors()  # stored matches use every channel
    found = matches_for(posting)
    now = timezone.now()
    rows = [
        PostingMatch(
            posting=posting,
            organisation=item.organisation,
            score=item.score,
            reasons=_org_reasons(item.reasons),
            created=now,
        )
        for item in found.organisations
    ] + [
        PostingMatch(
            posting=posting,
            other=item.posting,
            score=item.score,
            reasons=item.reasons.as_json(),
            created=now,
        )
        for item in found.postings
    ]
    with transaction.atomic():
        from .notifications import ALERT_KEY

        # Rows that carry an offer alert's state stay: a pair is alerted once.
        old = list(
            PostingMatch.objects.filter(posting=posting).values_list("pk", "other_id", "reasons")
        )
        alerted = {other for _pk, other, r in old if ALERT_KEY in (r or {})}
        PostingMatch.objects.filter(
            pk__in=[pk for pk, other, r in old if ALERT_KEY not in (r or {})]
        ).delete()
        PostingMatch.objects.bulk_create([r for r in rows if r.other_id not in alerted])
        if posting.kind == PostingKind.OFFER:
            from .notifications import alert_requests

            alert_requests(posting, found.postings)
    return len(rows)


def _org_reasons(reasons: Any) -> dict[str, Any]:
    return {
        "words": list(reasons.words),
        "wz": [w.code for w in reasons.wz],
        "similarity": round(float(reasons.similarity), 3),
        "distance_km": None if reasons.distance_km is None else round(reasons.distance_km, 1),
    }


def on_published(posting: Any) -> None:
    """Call after the commit that published ``posting``: its matches are computed in the
    background (a task; under the in-process backend a thread) and stored."""
    from ..tasks import compute_posting_matches

    if not _immediate(compute_posting_matches):
        compute_posting_matches.enqueue(posting.pk)
    elif _background_possible():
        _worker.add(posting.pk)
    else:
        store_matches(posting.pk)


def _immediate(task: object) -> bool:
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(task.get_backend(), ImmediateBackend)  # type: ignore[attr-defined]


def _background_possible() -> bool:
    from search.vectors import _background_possible as possible

    return possible()


class _Worker:
    """One thread working off the postings published so far (like search.vectors)."""

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.busy = False
        self.thread: threading.Thread | None = None
        self.done = threading.Condition()

    def add(self, pk: int) -> None:
        with self.done:
            if pk not in self.pending:
                self.pending.append(pk)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="posting-matches")
                self.thread.start()
            self.done.notify_all()

    def _run(self) -> None:
        from django.db import connections

        while True:
            with self.done:
                if not self.pending:
                    self.thread = None
                    self.done.notify_all()
                    return
                pk = self.pending.pop(0)
                self.busy = True
            try:
                store_matches(pk)
            except Exception:
                log.exception("Could not compute the matches of posting %s", pk)
            finally:
                connections.close_all()
                with self.done:
                    self.busy = False
                    self.done.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        with self.done:
            return self.done.wait_for(lambda: not self.pending and not self.busy, timeout)


_worker = _Worker()


def wait(timeout: float | None = None) -> bool:
    """Wait until the background matching has nothing left (commands, tests)."""
    return _worker.wait(timeout)
