"""Matching a need, written in a firm's own words, to the organisations that can meet it.

Three channels find candidates (docs/matching.md):

* **lexical**: the search engine with every word of the need optional (``any_word``),
  so a sentence finds what matches some of its words; compounds, synonyms, near
  spellings and the WZ notes of the planner apply as in the search;
* **semantic**: the organisations whose profile vectors lie nearest to the need's
  sentence embedding (multilingual: an English need reaches German profiles);
* **WZ**: the organisations carrying the WZ 2008 subclasses suggested for the need's
  text.

Every candidate is then scored on all three (its share of the need's words and its
engine score, its cosine similarity, the suggestion's score of a code it carries),
the scores are fused with a few round weights, and the profile's quality nudges the
result a little. The reasons shown for a result come from the same evidence.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from classification.models import localised
from search.analysis import AnalysedWord
from search.documents import DocumentReader, SearchDocument
from search.query import (
    FUZZY_WEIGHT,
    GENERIC_HEADS,
    MAX_QUERY_WORDS,
    PARTS_WEIGHT,
    WZ_NOTES_WEIGHT,
    Point,
    SearchQuery,
    distance_km,
    quality_factor,
    typo_distance,
)

NEED_MAX_CHARS = 2000
MAX_PAGE_SIZE = 100
# Candidates each channel contributes before fusion.
CANDIDATES = 200
# WZ subclasses suggested for a need: how many are shown (and bring their organisations
# in as candidates), the least score for that, and how many are scored for every
# candidate (a candidate's WZ score is its best code's).
WZ_SUGGESTIONS = 5
WZ_MIN_SCORE = 0.2
WZ_SCORED = 60
# A candidate found by its vector alone must be at least this similar to be shown.
SEMANTIC_FLOOR = 0.25
CHANNELS = frozenset({"lexical", "semantic", "wz"})
# Similarities a visitor reads as "high" and "medium" (USE-m3: unrelated texts ≈ 0.1).
SIMILARITY_HIGH = 0.5
SIMILARITY_MEDIUM = 0.35

# The fusion: a weighted sum of the three channels' scores, each between 0 and 1.
WEIGHTS: dict[str, float] = {"lexical": 0.3, "semantic": 0.5, "wz": 0.1}
# Industry consensus: the WZ subclasses of the best ``CONSENSUS_TOP`` candidates vote
# with their scores; a candidate gains this weight times its best code's share of the
# top vote (the firms of the industry the best matches share are likely right too).
CONSENSUS_WEIGHT = 0.5
CONSENSUS_TOP = 10
# How much of the lexical score is the engine's own (BM25) against the share of the
# need's words the profile contains (coordination).
ENGINE_SHARE = 0.5
# The profile's quality (verified, complete) counts with this power of the search's
# factor: a nudge, not a reordering.
QUALITY_EXPONENT = 0.25

# Words a need is written with that say nothing about what is needed (folded).
_FILLERS = """
    suche suchen sucht gesucht suchend brauche brauchen braucht benotige benotigen benotigt
    wir unser unsere unserer unseren unserem ich mein meine uns ihr euch man jemand jemanden
    wer kann konnen konnte konnten wurde wurden werden wird sind sein hat haben habe
    gern gerne bitte dringend kurzfristig schnell schnellstmoglich moglichst sofort ab
    firma firmen partner partnerin anbieter lieferant lieferanten zulieferer dienstleister
    unternehmen betrieb betriebe region regional regionalen thuringen hilfe
    etwa ca circa z b zb usw etc neue neuen neues neu
    we our us i my me you need needs needed look looking seek seeking search searching want
    wanted require required requires urgent urgently please help someone somebody who can
    could would will shall should must be is are was were have has had do does a an the
    of and or to in on at for from with by as into about any some this that these those
    supplier suppliers provider providers company companies firm firms partner partners
    vendor vendors region regional local thuringia new small
"""
FILLER_WORDS = frozenset(_FILLERS.split())


@dataclass
class Need:
    """What the matching is asked: the text and the search's filters and place."""

    text: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    center: Point | None = None
    radius_km: float | None = None
    limit: int = 20
    channels: frozenset[str] = CHANNELS


@dataclass
class SuggestedCode:
    code: str
    title: str
    title_en: str
    score: float

    @property
    def display_title(self) -> str:
        return localised(self.title, self.title_en)


@dataclass
class WzReason:
    code: str
    title: str
    title_en: str
    source: str  # "own": its notes name a word of the need; "suggested": for the text

    @property
    def display_title(self) -> str:
        return localised(self.title, self.title_en)


@dataclass
class Reasons:
    words: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    wz: list[WzReason] = field(default_factory=list)
    similarity: float = 0.0
    distance_km: float | None = None

    @property
    def similarity_level(self) -> str:
        """``high``, ``medium`` or ``low``: what the similarity means, in a word."""
        if self.similarity >= SIMILARITY_HIGH:
            return "high"
        if self.similarity >= SIMILARITY_MEDIUM:
            return "medium"
        return "low"


@dataclass
class Scored:
    """A candidate's evidence and fused score (before the organisation is loaded)."""

    id: int
    score: float
    lexical: float
    semantic: float
    wz: float
    reasons: Reasons
    coordination: float = 0.0
    engine: float = 0.0
    quality: float = 1.0
    consensus: float = 0.0


@dataclass
class MatchItem:
    organisation: Any
    score: float
    reasons: Reasons


@dataclass
class MatchResults:
    need: Need
    items: list[MatchItem]
    total: int
    suggested_wz: list[SuggestedCode]
    words: list[str]
    milliseconds: float
    # Candidates in fused order with their evidence (for the evaluation).
    ranked: list[Scored] = field(default_factory=list)


@dataclass(frozen=True)
class _Word:
    """A content word of the need with every way a profile can contain it."""

    word: AnalysedWord
    parts: tuple[str, ...]
    synonyms: tuple[tuple[str, tuple[str, ...], float], ...]  # (phrase, terms, weight)
    codes: frozenset[str]
    fuzzy: int  # edits forgiven when the word itself is in no profile


def content_words(text: str) -> list[AnalysedWord]:
    """The need's words that say what is needed: no stop or filler words, no bare
    numbers, each stem once, in the need's order."""
    from search import vocabulary

    seen: set[str] = set()
    out: list[AnalysedWord] = []
    for w in vocabulary.analyser().analyse(text):
        if w.is_stopword or w.folded in FILLER_WORDS or len(w.folded) < 2:
            continue
        if w.folded.isdigit() or w.term in seen:
            continue
        seen.add(w.term)
        out.append(w)
    return out


def _prepare(words: list[AnalysedWord], known: set[str]) -> list[_Word]:
    from search import vocabulary

    analyser = vocabulary.analyser()
    synonyms = vocabulary.synonyms()
    notes = vocabulary.wz_notes()
    prepared = []
    for w in words:
        parts = tuple(p for p in w.parts if p not in GENERIC_HEADS) or w.parts
        phrases = []
        for phrase, weight in synonyms.expand(w.folded):
            terms = tuple(x.term for x in analyser.analyse(phrase) if not x.is_stopword)
            if terms and terms != (w.term,):
                phrases.append((phrase, terms, weight))
        unknown = w.term not in known and not w.parts
        prepared.append(
            _Word(
                word=w,
                parts=parts if w.parts else (),
                synonyms=tuple(phrases),
                codes=frozenset(notes.codes_for(w)),
                fuzzy=typo_distance(w.folded) if unknown else 0,
            )
        )
    return prepared


def _document_terms(doc: SearchDocument) -> set[str]:
    return set(
        f"{doc.name_terms} {doc.offers_terms} {doc.description_terms} {doc.place_terms}".split()
    )


def _word_evidence(
    words: list[_Word], doc: SearchDocument
) -> tuple[float, list[str], list[str], set[str]]:
    """(coordination, matched words, matched synonyms, codes whose notes matched)."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extractOne

    terms = _document_terms(doc)
    wz = set(doc.wz)
    total = 0.0
    matched: list[str] = []
    synonyms: list[str] = []
    codes: set[str] = set()
    for entry in words:
        w = entry.word
        best = 0.0
        if w.term in terms:
            best = 1.0
            matched.append(w.text)
        elif entry.parts and all(p in terms for p in entry.parts):
            best = PARTS_WEIGHT
            matched.append(w.text)
        elif entry.fuzzy and terms:
            near = extractOne(w.term, terms, scorer=Levenshtein.distance, score_cutoff=entry.fuzzy)
            if near is not None:
                best = FUZZY_WEIGHT
                matched.append(w.text)
        for phrase, phrase_terms, weight in entry.synonyms:
            if all(t in terms for t in phrase_terms):
                if weight > best:
                    best = weight
                if phrase not in synonyms:
                    synonyms.append(phrase)
                break
        hit_codes = entry.codes & wz
        if hit_codes:
            codes |= hit_codes
            best = max(best, WZ_NOTES_WEIGHT)
        total += best
    return (total / len(words) if words else 0.0), matched, synonyms, codes


def _subclasses(doc: SearchDocument) -> list[str]:
    """The WZ 2008 subclasses an organisation carries (its codes' ancestors left out)."""
    return [code for code in doc.wz if len(code) == 7]


_readers: dict[datetime.date, DocumentReader] = {}
_readers_lock = threading.Lock()


def _reader() -> DocumentReader:
    """One reader per process and day: it caches the analysis of texts that repeat."""
    from search import vocabulary

    today = datetime.date.today()
    with _readers_lock:
        reader = _readers.get(today)
        if reader is None:
            _readers.clear()
            reader = _readers[today] = DocumentReader(vocabulary.analyser(), today)
        return reader


def forget() -> None:
    """Forget the cached reader (after the vocabulary or the WZ codes changed; tests)."""
    with _readers_lock:
        _readers.clear()


def _allowed_codes(suggested: list[SuggestedCode], wanted: Iterable[str]) -> list[str]:
    """Suggested codes within the WZ filter the visitor chose (all without one)."""
    wanted = list(wanted)
    return [s.code for s in suggested if not wanted or any(s.code.startswith(w) for w in wanted)]


def suggest_codes(text: str) -> list[SuggestedCode]:
    """The WZ subclasses suggested for ``text``, best first (``WZ_SCORED`` of them)."""
    from search.wzsuggest import suggest

    return [
        SuggestedCode(s.code, s.title, s.title_en, float(s.score)) for s in suggest(text, WZ_SCORED)
    ]


def _cosines(vector: np.ndarray, ids: list[int], known: dict[int, float]) -> dict[int, float]:
    from search.semantic import vectors_of

    missing = [pk for pk in ids if pk not in known]
    out = dict(known)
    if missing:
        found = vectors_of(missing)
        items = found.items() if isinstance(found, dict) else zip(*found, strict=True)
        for pk, row in items:
            out[int(pk)] = float(np.dot(np.asarray(row, dtype=np.float32), vector))
    return out


def rank(need: Need) -> tuple[list[Scored], list[SuggestedCode], list[str]]:
    """Every candidate with its evidence, best first; the codes suggested; the words."""
    from search import services

    words = content_words(need.text)
    base = SearchQuery(
        filters=need.filters,
        center=need.center,
        radius_km=need.radius_km,
        limit=CANDIDATES,
        facets=False,
    )
    engine = services.engine()
    lexical: dict[int, float] = {}
    if "lexical" in need.channels and words:
        query = replace(base, text=" ".join(w.text for w in words[:MAX_QUERY_WORDS]), any_word=True)
        lexical = {h.id: h.score for h in engine.search(query, services.plan(query)).hits}
    vector: np.ndarray | None = None
    semantic: dict[int, float] = {}
    if "semantic" in need.channels:
        from core.embedding import embed_one
        from search.semantic import semantic_hits

        vector = embed_one(need.text)
        semantic = {
            pk: cos
            for pk, cos in semantic_hits(vector, base, CANDIDATES)
            if cos >= SEMANTIC_FLOOR or pk in lexical
        }
    suggested: list[SuggestedCode] = []
    code_scores: dict[str, float] = {}
    by_code: set[int] = set()
    if "wz" in need.channels:
        scored_codes = suggest_codes(need.text)
        code_scores = {s.code: s.score for s in scored_codes}
        suggested = [s for s in scored_codes[:WZ_SUGGESTIONS] if s.score >= WZ_MIN_SCORE]
        codes = _allowed_codes(suggested, need.filters.get("wz", []))
        if codes:
            query = replace(base, filters={**need.filters, "wz": codes})
            by_code = {h.id for h in engine.search(query, services.plan(query)).hits}
    candidates = sorted(set(lexical) | set(semantic) | by_code)
    if not candidates:
        return [], suggested, [w.text for w in words]
    docs = _reader().read(candidates)
    cosines = _cosines(vector, [d.id for d in docs], semantic) if vector is not None else {}
    prepared = _prepare(words[:MAX_QUERY_WORDS], engine.known({w.term for w in words}))
    top = max(lexical.values(), default=0.0) or 1.0
    shown = {s.code for s in suggested}
    scored = []
    industries: dict[int, list[str]] = {}
    for doc in docs:
        coordination, matched, synonyms, note_codes = _word_evidence(prepared, doc)
        engine_score = lexical.get(doc.id, 0.0) / top
        lexical_score = coordination * (1 - ENGINE_SHARE) + engine_score * ENGINE_SHARE
        cos = cosines.get(doc.id, 0.0)
        subclasses = industries[doc.id] = _subclasses(doc)
        wz_score = max((code_scores.get(c, 0.0) for c in subclasses), default=0.0)
        carried = [c for c in subclasses if c in shown]
        fused = (
            WEIGHTS["lexical"] * lexical_score
            + WEIGHTS["semantic"] * max(cos, 0.0)
            + WEIGHTS["wz"] * wz_score
        ) * quality_factor(doc.quality) ** QUALITY_EXPONENT
        if not (coordination or carried or cos >= SEMANTIC_FLOOR):
            continue
        distance = None
        if need.center is not None and doc.lat is not None and doc.lon is not None:
            distance = distance_km(need.center.lat, need.center.lon, doc.lat, doc.lon)
        reasons = Reasons(
            words=matched,
            synonyms=synonyms,
            similarity=round(cos, 3),
            distance_km=distance,
        )
        reasons.wz = [WzReason(code, "", "", "suggested") for code in carried] + [
            WzReason(code, "", "", "own") for code in sorted(note_codes) if code not in carried
        ]
        scored.append(
            Scored(
                doc.id,
                fused,
                lexical_score,
                cos,
                wz_score,
                reasons,
                coordination=coordination,
                engine=engine_score,
                quality=quality_factor(doc.quality),
            )
        )
    _consensus(scored, industries)
    scored.sort(key=lambda s: (-s.score, s.id))
    return scored, suggested, [w.text for w in words]


def _consensus(scored: list[Scored], industries: dict[int, list[str]]) -> None:
    """Add the industry consensus to each score (see ``CONSENSUS_WEIGHT``)."""
    if not CONSENSUS_WEIGHT or not scored:
        return
    best = sorted(scored, key=lambda s: (-s.score, s.id))[:CONSENSUS_TOP]
    votes: dict[str, float] = {}
    for s in best:
        for code in industries[s.id]:
            votes[code] = votes.get(code, 0.0) + s.score
    top = max(votes.values(), default=0.0)
    if top <= 0:
        return
    for s in scored:
        share = max((votes.get(c, 0.0) for c in industries[s.id]), default=0.0) / top
        s.consensus = share
        s.score += CONSENSUS_WEIGHT * share


def match(need: Need) -> MatchResults:
    """The need's best organisations, each with its reasons (see the module doc)."""
    from search import services

    started = time.perf_counter()
    ranked, suggested, words = rank(need)
    page = ranked[: need.limit]
    organisations = {
        o.pk: o for o in services.organisations_for([s.id for s in page], with_codes=True)
    }
    items = []
    for s in page:
        org = organisations.get(s.id)
        if org is None:
            continue
        _titles(s.reasons, org, suggested)
        items.append(MatchItem(org, round(s.score, 4), s.reasons))
    return MatchResults(
        need=need,
        items=items,
        total=len(ranked),
        suggested_wz=suggested,
        words=words,
        milliseconds=(time.perf_counter() - started) * 1000,
        ranked=ranked,
    )


def _titles(reasons: Reasons, org: Any, suggested: list[SuggestedCode]) -> None:
    """Name the matched codes as the organisation carries them: its own subclasses
    (the deepest code under a matched class), with their titles."""
    own = [c for c in (org.primary_wz, *org.secondary_wz_list) if c is not None]
    out: list[WzReason] = []
    seen: set[str] = set()
    for reason in reasons.wz:
        for code in own:
            if code.code.startswith(reason.code) and code.code not in seen:
                seen.add(code.code)
                out.append(WzReason(code.code, code.title, code.title_en or "", reason.source))
    reasons.wz = out
