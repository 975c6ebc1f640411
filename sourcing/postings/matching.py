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
  (``core.embedding.embed_cached``; one vector per posting, kept in this process and
  refreshed when postings change);
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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from directory.choices import PublicationStatus

from ..models import Posting, PostingKind, PostingMatch, PostingStatus

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
# Distance at which the distance channel reaches 0 (where the request names no radius).
DISTANCE_SCALE_KM = 100.0
WZ_LEVELS = ((5, 1.0), (4, 0.6), (2, 0.3))  # class "25.62", group "25.6", division "25"


def posting_text(posting: Any) -> str:
    """What a posting says: title, description and quantity."""
    return "\n".join(p for p in (posting.title, posting.description, posting.quantity) if p)


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


# --- The in-process index of open postings ---------------------------------------------


@dataclass
class _Entry:
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
    row: int  # row of its vector
    levels: tuple[frozenset[str], ...] = ()  # WZ class, group and division prefixes


def _analyse(text: str) -> tuple[frozenset[str], dict[str, str]]:
    from ..matching import content_words

    words: dict[str, str] = {}
    for w in content_words(text):
        for term in (w.term, *w.parts):
            words.setdefault(term, w.text)
    return frozenset(words), words


class _Index:
    """Every open posting's facts and vector; refreshed when postings change (a cheap
    count and newest change time of all postings are compared on each use)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[int, _Entry] = {}
        self.vectors = np.zeros((0, 512), dtype=np.float32)
        self.free: list[int] = []
        self.stamp: tuple[Any, ...] | None = None
        self.last_modified: datetime.datetime | None = None

    def forget(self) -> None:
        with self.lock:
            self.__init__()  # type: ignore[misc]

    def _stamp(self) -> tuple[Any, ...]:
        agg = Posting.objects.aggregate(n=Count("pk"), m=Max("modified"))
        return (agg["n"], agg["m"], timezone.localdate())

    def refresh(self) -> None:
        stamp = self._stamp()
        with self.lock:
            if stamp == self.stamp:
                return
            if self.stamp is None or stamp[0] < self.stamp[0] or stamp[2] != self.stamp[2]:
                self.entries, self.free = {}, []
                self.vectors = np.zeros((0, 512), dtype=np.float32)
                changed = Posting.objects.open()
            else:
                changed = Posting.objects.filter(modified__gte=self.last_modified)
            self._load(changed)
            self.stamp = stamp
            self.last_modified = stamp[1]

    def _load(self, postings: Any) -> None:
        from core.embedding import embed_cached

        rows = list(
            postings.only(
                "pk", "kind", "category", "organisation_id", "title", "description",
                "quantity", "lat", "lon", "radius_km", "deadline", "expires_on", "status",
            ).prefetch_related("wz_codes")
        )  # fmt: skip
        today = timezone.localdate()
        keep = [p for p in rows if p.status == PostingStatus.PUBLISHED and p.expires_on >= today]
        for p in rows:
            old = self.entries.pop(p.pk, None)
            if old is not None:
                self.free.append(old.row)
        if not keep:
            return
        vectors, _hits = embed_cached([posting_text(p) for p in keep])
        need = len(keep) - len(self.free)
        if need > 0:
            grown = np.zeros((len(self.vectors) + need, vectors.shape[1]), dtype=np.float32)
            grown[: len(self.vectors)] = self.vectors
            self.free.extend(range(len(self.vectors), len(grown)))
            self.vectors = grown
        for p, v in zip(keep, vectors, strict=True):
            row = self.free.pop()
            self.vectors[row] = v
            terms, words = _analyse(posting_text(p))
            self.entries[p.pk] = _Entry(
                id=p.pk,
                kind=p.kind,
                category=p.category,
                organisation_id=p.organisation_id,
                terms=terms,
                words=words,
                wz=frozenset(c.code for c in p.wz_codes.all()),
                levels=_levels(c.code for c in p.wz_codes.all()),
                lat=p.lat,
                lon=p.lon,
                radius_km=p.radius_km,
                deadline=p.deadline,
                expires_on=p.expires_on,
                row=row,
            )

    def entry_for(self, posting: Any) -> tuple[_Entry, np.ndarray]:
        """The entry of ``posting`` (open or not: a pending one is matched for its poster)."""
        from core.embedding import embed_cached

        with self.lock:
            entry = self.entries.get(posting.pk)
            if entry is not None:
                return entry, self.vectors[entry.row].copy()
        terms, words = _analyse(posting_text(posting))
        vector = embed_cached([posting_text(posting)])[0][0]
        codes = frozenset(c.code for c in posting.wz_codes.all()) if posting.pk else frozenset()
        entry = _Entry(
            id=posting.pk or 0,
            kind=posting.kind,
            category=posting.category,
            organisation_id=posting.organisation_id,
            terms=terms,
            words=words,
            wz=codes,
            levels=_levels(codes),
            lat=posting.lat,
            lon=posting.lon,
            radius_km=posting.radius_km,
            deadline=posting.deadline,
            expires_on=posting.expires_on,
            row=-1,
        )
        return entry, vector


_index = _Index()


def forget() -> None:
    """Drop this process's index of postings (tests; it reloads on the next use)."""
    _index.forget()


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


def _distances(origin: _Entry, entries: list[_Entry]) -> np.ndarray:
    lat = np.array([e.lat if e.lat is not None else np.nan for e in entries], dtype=np.float64)
    lon = np.array([e.lon if e.lon is not None else np.nan for e in entries], dtype=np.float64)
    if origin.lat is None or origin.lon is None:
        return np.full(len(entries), np.nan)
    p1, p2 = math.radians(origin.lat), np.radians(lat)
    dp = p2 - p1
    dl = np.radians(lon) - math.radians(origin.lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _lexical(entry: _Entry, text: str, kind: str) -> dict[int, float] | None:
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
            )
        )
    except Exception:  # not installed yet, type not registered, engine unavailable
        log.debug("content search unavailable for matching", exc_info=True)
        return None
    best = max((h.score for h in result.hits), default=0.0)
    if best <= 0:
        return None  # nothing indexed or nothing found: the word share decides alone
    return {h.id: h.score / best for h in result.hits}


def rank_postings(posting: Any, limit: int = STORED_MATCHES) -> list[PostingMatchItem]:
    """Open postings of the other kind that fit ``posting``, best first."""
    _index.refresh()
    origin, vector = _index.entry_for(posting)
    kind = other_kind(posting.kind)
    today = timezone.localdate()
    with _index.lock:
        entries = [
            e
            for e in _index.entries.values()
            if e.kind == kind
            and e.id != origin.id
            and e.expires_on >= today
            and e.organisation_id != origin.organisation_id
        ]
        if not entries:
            return []
        matrix = _index.vectors[[e.row for e in entries]]
    cosines = matrix @ vector
    similarity = np.clip((cosines - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR), 0, 1)
    engine = _lexical(origin, posting_text(posting), kind)
    overlap = np.zeros(len(entries))
    if origin.terms:
        for i, e in enumerate(entries):
            overlap[i] = len(origin.terms & e.terms) / len(origin.terms)
    if engine is not None:
        words = np.array([engine.get(e.id, 0.0) for e in entries])
        words = np.maximum(words, overlap * 0.5)  # the engine's index may lag a publication
    else:
        words = overlap
    wz = _wz_scores(origin, entries) if origin.wz else 0.0
    km = _distances(origin, entries)
    request = origin if origin.kind == PostingKind.REQUEST else None
    radius = np.array(
        [
            float((request.radius_km if request else e.radius_km) or DISTANCE_SCALE_KM)
            for e in entries
        ]
    )
    near = np.where(np.isnan(km), 0.5, np.clip(1 - km / radius, 0, 1))
    category = np.array([e.category == origin.category for e in entries], dtype=float)
    deadline = np.array([_deadline_fits(origin, e, today) for e in entries], dtype=float)
    score = (
        WEIGHTS["words"] * words
        + WEIGHTS["similarity"] * similarity
        + WEIGHTS["wz"] * wz
        + WEIGHTS["distance"] * near
        + WEIGHTS["category"] * category
        + WEIGHTS["deadline"] * deadline
    )
    order = [int(i) for i in np.argsort(-score, kind="stable")[:limit] if score[i] >= MIN_SCORE]
    ids = [entries[i].id for i in order]
    loaded = Posting.objects.select_related("organisation").in_bulk(ids)
    items = []
    for i in order:
        e = entries[i]
        obj = loaded.get(e.id)
        if obj is None or not obj.is_open or obj.organisation.status != PublicationStatus.PUBLISHED:
            continue  # closed meanwhile, or its organisation is no longer shown
        shared = [origin.words[t] for t in origin.words if t in e.terms]
        reasons = PostingReasons(
            words=list(dict.fromkeys(shared))[:8],
            wz=wz_overlap(origin.wz, e.wz)[1],
            similarity=float(cosines[i]),
            distance_km=None if np.isnan(km[i]) else float(km[i]),
            same_category=bool(category[i]),
            deadline_fits=bool(deadline[i]),
        )
        items.append(PostingMatchItem(obj, round(float(score[i]), 4), reasons))
    return items


def _deadline_fits(a: _Entry, b: _Entry, today: datetime.date) -> bool:
    """The request's needed-by date is not past and the offer is listed until then."""
    request, offer = (a, b) if a.kind == PostingKind.REQUEST else (b, a)
    if request.deadline is None:
        return False
    return request.deadline >= today and offer.expires_on >= request.deadline


def _levels(codes: Iterable[str]) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(c[:n].rstrip(".") for c in codes) for n, _v in WZ_LEVELS)


def _wz_scores(origin: _Entry, entries: list[_Entry]) -> np.ndarray:
    """``wz_overlap``'s level for every entry, from the prefixes kept with each."""
    mine = _levels(origin.wz)
    values = [v for _n, v in WZ_LEVELS]
    out = np.zeros(len(entries))
    for i, e in enumerate(entries):
        for theirs, ours, value in zip(e.levels, mine, values, strict=False):
            if not theirs.isdisjoint(ours):
                out[i] = value
                break
    return out


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
    reasons. ``user`` is reserved for what only some may see; every list shown here is
    public today."""
    started = time.perf_counter()
    organisations = rank_organisations(posting, limit)
    postings = rank_postings(posting, limit)
    return PostingMatches(
        posting=posting,
        organisations=organisations,
        postings=postings,
        milliseconds=(time.perf_counter() - started) * 1000,
    )


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
