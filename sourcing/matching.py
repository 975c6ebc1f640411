"""Matching a need, written in a firm's own words, to the organisations that can meet it.

Three channels find candidates (docs/matching.md):

* **lexical**: the search engine with every word of the need optional (``any_word``),
  so a sentence finds what matches some of its words; compounds, synonyms, near
  spellings and the WZ notes of the planner apply as in the search;
* **semantic**: the organisations whose profile vectors lie nearest to the need's
  sentence embedding (multilingual: an English need reaches German profiles);
* **WZ**: the organisations carrying the WZ 2008 subclasses suggested for the need's
  text.

Every candidate is then scored on all three (its engine score, its cosine similarity,
the suggestion's score of the best code it carries), the scores are fused with a few
round weights, the profile's quality nudges the result a little, and an industry
consensus lifts the firms of the industry the best matches share. The reasons shown
for the page's organisations come from the same evidence (``sourcing.reasons``).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.conf import settings

from classification.models import localised
from search.analysis import AnalysedWord
from search.query import MAX_QUERY_WORDS, Point, SearchQuery, quality_factor

from . import reasons as why
from .intent import wanted_kinds
from .reasons import Reasons, WzReason

__all__ = ["MatchItem", "MatchResults", "Need", "Reasons", "Scored", "WzReason", "match", "rank"]

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

# The fusion: a weighted sum of the channels' scores, each between 0 and 1 (the
# lexical one is the engine's score divided by the best candidate's).
WEIGHTS: dict[str, float] = {"lexical": 0.2, "semantic": 0.5, "wz": 0.2}
# Industry consensus: the WZ subclasses of the best ``CONSENSUS_TOP`` candidates vote
# with their scores; a candidate gains this weight times its best code's share of the
# top vote (the firms of the industry the best matches share are likely right too).
CONSENSUS_WEIGHT = 0.5
# A need that asks for a kind of organisation (sourcing.intent: "Forschungspartner",
# "a university"): candidates of that kind drawn per channel, and their lift.
KIND_CANDIDATES = 50
KIND_WEIGHT = 0.3
CONSENSUS_TOP = 10
# The profile's quality (verified, complete) counts with this power of the search's
# factor: a nudge, not a reordering.
QUALITY_EXPONENT = 0.25

# Words a need is written with that say nothing about what is needed (folded): asking,
# the asker, the kind of partner, numbers, quantities and times ("drei Monate lang pro
# Woche"), reasons ("weil unser Lieferant ausgefallen ist").
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
    eins zwei drei vier funf sechs sieben acht neun zehn elf zwolf zwanzig dreissig funfzig
    hundert hunderte tausend tausende million millionen dutzend paar
    tag tage tagen woche wochen monat monate monaten jahr jahre jahren stunde stunden
    taglich wochentlich monatlich jahrlich pro je stuck stk menge mengen anzahl
    tonne tonnen kilo kilogramm liter weil dass damit sodass obwohl falls
    lang lange langer bald derzeit aktuell momentan zurzeit leider
    ausgefallen ausgefallener weggefallen abgesprungen insolvent pleite ersatz
    one two three four five six seven eight nine ten twelve twenty fifty hundred hundreds
    thousand thousands million millions dozen couple
    day days week weeks month months year years hour hours daily weekly monthly yearly
    annually per each piece pieces pcs quantity quantities ton tons tonne tonnes litre
    litres liter liters because since so soon currently unfortunately long
    failed failing dropped bankrupt insolvent replacement
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
class Scored:
    """A candidate's evidence and fused score (before the organisation is loaded)."""

    id: int
    score: float
    lexical: float = 0.0
    semantic: float = 0.0
    wz: float = 0.0
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


@dataclass
class _Facts:
    subclasses: list[str]
    quality: list[str]
    kind: str = ""


def _facts(ids: list[int]) -> dict[int, _Facts]:
    """The WZ subclasses and quality marks of the published organisations of ``ids``:
    two plain queries per 900 ids, whatever their texts (the quality as
    ``search.documents`` judges it)."""
    from django.db import connection

    from directory.choices import PublicationStatus

    verified_since = datetime.date.today() - datetime.timedelta(
        days=settings.PROFILE_VERIFICATION_DAYS
    )
    out: dict[int, _Facts] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "SELECT o.id, o.kind, w.code, o.last_verified, "
                "(o.short_description <> '' OR o.description <> '') AND o.website <> '' "
                "AND EXISTS (SELECT 1 FROM directory_offering f WHERE f.organisation_id = o.id) "
                "AND EXISTS (SELECT 1 FROM directory_contactperson c "
                "WHERE c.organisation_id = o.id) "
                "FROM directory_organisation o "
                "LEFT JOIN classification_wzcode w ON w.id = o.primary_wz_id "
                f"WHERE o.status = %s AND o.id IN ({marks})",
                [PublicationStatus.PUBLISHED.value, *chunk],
            )
            for pk, kind, code, verified, complete in cursor.fetchall():
                if isinstance(verified, str):
                    verified = datetime.date.fromisoformat(verified)
                quality = ["verified"] if verified and verified >= verified_since else []
                if complete:
                    quality.append("complete")
                out[pk] = _Facts([code] if code else [], quality, kind)
            cursor.execute(
                "SELECT s.organisation_id, w.code FROM directory_organisation_secondary_wz s "
                "JOIN classification_wzcode w ON w.id = s.wzcode_id "
                f"WHERE s.organisation_id IN ({marks}) ORDER BY s.organisation_id, w.code",
                chunk,
            )
            for pk, code in cursor.fetchall():
                if pk in out and code not in out[pk].subclasses:
                    out[pk].subclasses.append(code)
    for facts in out.values():
        facts.subclasses = [c for c in facts.subclasses if len(c) == 7]
    return out


def forget() -> None:
    """Forget what is cached per process (after the vocabulary or WZ codes changed)."""
    why.forget()


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


def rank(
    need: Need,
) -> tuple[list[Scored], list[SuggestedCode], list[AnalysedWord], dict[int, float]]:
    """Every candidate with its scores, best first; the codes suggested (those shown);
    the need's words; the cosine of every candidate."""
    from search import services

    words = content_words(need.text)
    base = SearchQuery(
        filters=need.filters,
        center=need.center,
        radius_km=need.radius_km,
        limit=CANDIDATES,
        facets=False,
        count=False,  # the best candidates only: no exact count of every match
    )
    engine = services.engine()
    lexical: dict[int, float] = {}
    if "lexical" in need.channels and words:
        text = " ".join(w.text for w in words[:MAX_QUERY_WORDS])
        query = replace(base, text=text, any_word=True)
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
    kinds = [] if need.filters.get("kind") else wanted_kinds(need.text)[0]
    if kinds:
        # The need asks for institutes, universities, networks …: draw candidates of
        # those kinds too (few of them would otherwise rank among the firms).
        of_kind = replace(base, filters={**need.filters, "kind": kinds}, limit=KIND_CANDIDATES)
        if words and "lexical" in need.channels:
            query = replace(of_kind, text=" ".join(w.text for w in words[:MAX_QUERY_WORDS]))
            query = replace(query, any_word=True)
            for h in engine.search(query, services.plan(query)).hits:
                lexical.setdefault(h.id, h.score)
        if vector is not None:
            from search.semantic import semantic_hits

            for pk, cos in semantic_hits(vector, of_kind, KIND_CANDIDATES):
                semantic.setdefault(pk, cos)
    candidates = sorted(set(lexical) | set(semantic) | by_code)
    facts = _facts(candidates) if candidates else {}
    cosines = _cosines(vector, list(facts), semantic) if vector is not None else {}
    top = max(lexical.values(), default=0.0) or 1.0
    shown = {s.code for s in suggested}
    scored = []
    for pk, fact in facts.items():
        cos = cosines.get(pk, 0.0)
        if pk not in lexical and cos < SEMANTIC_FLOOR and not shown.intersection(fact.subclasses):
            continue  # no word of the need, no suggested code, hardly similar
        lexical_score = lexical.get(pk, 0.0) / top
        wz_score = max((code_scores.get(c, 0.0) for c in fact.subclasses), default=0.0)
        quality = quality_factor(fact.quality)
        fused = (
            WEIGHTS["lexical"] * lexical_score
            + WEIGHTS["semantic"] * max(cos, 0.0)
            + WEIGHTS["wz"] * wz_score
        ) * quality**QUALITY_EXPONENT
        scored.append(Scored(pk, fused, lexical_score, cos, wz_score, quality))
    # Where the need asks for a kind of partner, the best of that kind vote on the
    # industry (the institutes' research codes, not the firms' trade).
    voters = {pk for pk, f in facts.items() if f.kind in kinds} if kinds else None
    _consensus(scored, {pk: f.subclasses for pk, f in facts.items()}, voters or None)
    for s in scored:
        if facts[s.id].kind in kinds:
            s.score += KIND_WEIGHT
    scored.sort(key=lambda s: (-s.score, s.id))
    return scored, suggested, words, cosines


def _consensus(
    scored: list[Scored], industries: dict[int, list[str]], voters: set[int] | None = None
) -> None:
    """Add the industry consensus to each score (see ``CONSENSUS_WEIGHT``); only the
    candidates in ``voters`` vote where it is given."""
    if not CONSENSUS_WEIGHT or not scored:
        return
    eligible = [s for s in scored if voters is None or s.id in voters]
    best = sorted(eligible, key=lambda s: (-s.score, s.id))[:CONSENSUS_TOP]
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
    ranked, suggested, words, cosines = rank(need)
    kinds = [] if need.filters.get("kind") else wanted_kinds(need.text)[0]
    page = [s.id for s in ranked[: need.limit]]
    organisations = {o.pk: o for o in services.organisations_for(page, with_codes=True)}
    known = services.engine().known({w.term for w in words}) if words else set()
    page_reasons = why.for_page(
        page, why.prepare(words, known), [s.code for s in suggested], cosines, need.center
    )
    items = []
    for s in ranked[: need.limit]:
        org = organisations.get(s.id)
        reasons = page_reasons.get(s.id)
        if org is None or reasons is None:
            continue
        why.name_codes(reasons, org)
        if org.kind in kinds:
            reasons.kind = org.get_kind_display()
        items.append(MatchItem(org, round(s.score, 4), reasons))
    return MatchResults(
        need=need,
        items=items,
        total=len(ranked),
        suggested_wz=suggested,
        words=[w.text for w in words],
        milliseconds=(time.perf_counter() - started) * 1000,
        ranked=ranked,
    )
