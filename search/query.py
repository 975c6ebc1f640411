"""What a search asks for, and the plan an engine carries out.

``SearchQuery`` is what the form, the API and the benchmark build from user input.
``plan_query`` turns its text into a ``QueryPlan``: for every word of the query a group
of alternatives (the word itself, its compound parts, its synonyms, near spellings,
the WZ codes whose official notes name it), each with a weight. A document matches
when it matches one alternative of every group. The engines only translate the
plan into their own query language; they take no decisions of their own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from geo.geocoding import haversine_km

from .analysis import AnalysedWord, Analyser

Sort = Literal["relevance", "distance", "name", "updated"]
SORTS: tuple[Sort, ...] = ("relevance", "distance", "name", "updated")
FACETS: tuple[str, ...] = ("kind", "wz", "district", "growth", "network", "size", "cert")

# Field weights (see docs/search.md): name > products and technologies > description
# > place > the official WZ notes of the organisation's codes.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 4.0,
    "offers": 2.5,
    "description": 1.0,
    "place": 0.8,
}
WZ_NOTES_WEIGHT = 0.6
# Verified (confirmed within a year) and complete profiles rank higher: their relevance
# is multiplied by these factors (both: 1.25 × 1.1). Without search words they come
# first. A much better match still outranks a verified one.
QUALITY_FACTORS: dict[str, float] = {"verified": 1.25, "complete": 1.1}


def quality_factor(quality: Iterable[str]) -> float:
    """What an organisation's relevance is multiplied by for its profile's quality."""
    factor = 1.0
    for mark in quality:
        factor *= QUALITY_FACTORS.get(mark, 1.0)
    return factor


# How much an alternative of a word counts against the word itself.
PARTS_WEIGHT = 0.7
CURATED_SYNONYM_WEIGHT = 0.7
THESAURUS_SYNONYM_WEIGHT = 0.35
# A corrected spelling counts far less than a word as typed: a document matching another
# word of the query as typed ranks above one matching only a correction (Tantivy scores
# a near spelling as a constant, at most this times the field weights; PostgreSQL does
# not rank near spellings at all).
FUZZY_WEIGHT = 0.02
# A trade word's verb (Dreherei: drehen) stands for the word nearly as well as itself.
DERIVED_WEIGHT = 0.8
PREFIX_WEIGHT = 0.6
# WZ notes say what a code covers; a word in the notes of more codes than this says too
# little about any one of them ("Herstellung") to stand for the codes.
WZ_NOTES_MAX_CODES = 25
MAX_SYNONYMS = 12
MAX_PREFIX_TERMS = 40
# Parts of a compound that only name its kind (Laserschweiß-anlage, Medizintechnik-
# hersteller): a document need not contain them when the rest of the compound matches.
GENERIC_HEADS = frozenset(
    [
        "anbiet",
        "anlag",
        "betrieb",
        "dienst",
        "dienstleist",
        "dienstleistung",
        "firma",
        "fertig",
        "fertigung",
        "gerat",
        "herstell",
        "herstellung",
        "hersteller",
        "lieferant",
        "loesung",
        "losung",
        "produkt",
        "produktion",
        "produzent",
        "servic",
        "system",
        "technik",
        "unternehm",
        "werk",
        "zuliefer",
        "zulieferer",
    ]
)

PHRASE_RE = re.compile(r'"([^"]+)"')
MAX_QUERY_LENGTH = 300
MAX_QUERY_WORDS = 12


def typo_distance(folded: str) -> int:
    """Edits forgiven in a word: one from 5 letters, two from 9."""
    if len(folded) >= 9:
        return 2
    if len(folded) >= 5:
        return 1
    return 0


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class BBox:
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def around(cls, center: Point, radius_km: float) -> BBox:
        dlat = radius_km / 111.2
        dlon = radius_km / (111.32 * max(math.cos(math.radians(center.lat)), 0.01))
        return cls(center.lat - dlat, center.lon - dlon, center.lat + dlat, center.lon + dlon)

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


# The project's one great-circle distance (geo), under the name the engines use.
distance_km = haversine_km


@dataclass
class SearchQuery:
    """Everything a search asks for; built from validated input only."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    center: Point | None = None
    radius_km: float | None = None
    bbox: BBox | None = None
    sort: Sort = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True
    # The last word is still being typed (autocomplete): match it as a prefix.
    prefix: bool = False
    # Any word may match (a need written as a sentence, partial matches): every group
    # is optional and a document matching more of them scores higher.
    any_word: bool = False
    # The number of hits is wanted exactly. The need matching takes only the best hits:
    # without it an engine may answer with an estimate and skip the count.
    count: bool = True

    def facet_filters(self, without: str | None = None) -> dict[str, list[str]]:
        return {k: v for k, v in self.filters.items() if v and k != without}

    @property
    def is_geo(self) -> bool:
        return self.center is not None and self.radius_km is not None


@dataclass(frozen=True)
class Alternative:
    """One way for a document to satisfy a word of the query.

    kind: ``terms`` (all of ``terms`` in one field), ``phrase`` (adjacent, in order),
    ``fuzzy`` (a term within ``distance`` edits), ``prefix`` (terms beginning with it),
    ``wz`` (the organisation carries one of ``terms`` as a WZ code).
    """

    kind: Literal["terms", "phrase", "fuzzy", "prefix", "wz"]
    terms: tuple[str, ...]
    weight: float = 1.0
    distance: int = 0


@dataclass(frozen=True)
class Group:
    """One word (or quoted phrase) of the query; ``optional`` ones only add to the score."""

    label: str
    alternatives: tuple[Alternative, ...]
    optional: bool = False


@dataclass(frozen=True)
class Correction:
    """A word of the query that is neither in the index nor a real word: it is searched
    by its near spellings (``term`` within ``distance`` edits), and the page says so."""

    word: str
    term: str
    distance: int


@dataclass
class QueryPlan:
    groups: list[Group] = field(default_factory=list)
    # Terms to mark in the text shown for a hit, and prefixes of words being typed.
    highlight_terms: set[str] = field(default_factory=set)
    highlight_prefixes: set[str] = field(default_factory=set)
    corrections: list[Correction] = field(default_factory=list)

    @property
    def words(self) -> list[Group]:
        """The query's own words and phrases (not the optional groups the planner adds)."""
        return [g for g in self.groups if not g.optional]

    @property
    def is_empty(self) -> bool:
        return not self.groups


class TermStats:
    """What the planner may ask an engine: does a term occur at all?"""

    def known(self, terms: Iterable[str]) -> set[str]:  # pragma: no cover - interface
        raise NotImplementedError


def clean_text(text: str) -> str:
    """The query as the planner reads it: bounded in length, control characters gone."""
    text = "".join(ch if ch.isprintable() else " " for ch in text[:MAX_QUERY_LENGTH])
    return " ".join(text.split())


def plan_query(
    query: SearchQuery,
    analyser: Analyser,
    stats: TermStats,
    synonyms: Synonyms | None = None,
    wz_notes: WzNotes | None = None,
    is_word: Callable[[str], bool] | None = None,
) -> QueryPlan:
    """Turn the query text into groups of weighted alternatives (see the module doc).

    ``is_word`` tells a real word (``search.spelling.is_real_word`` unless given): a real
    word absent from the index is never replaced by its near spellings.
    """
    if is_word is None:
        from .spelling import is_real_word

        is_word = is_real_word
    plan = QueryPlan()
    text = clean_text(query.text)
    if not text:
        return plan
    phrases = [p for p in PHRASE_RE.findall(text) if p.strip()]
    rest = PHRASE_RE.sub(" ", text)
    for phrase in phrases:
        analysed = analyser.analyse(phrase)
        if not analysed:
            continue
        terms = tuple(w.term for w in analysed)
        plan.highlight_terms.update(w.term for w in analysed if not w.is_stopword)
        if len(terms) == 1:
            plan.groups.append(Group(phrase, (Alternative("terms", terms),)))
        else:
            plan.groups.append(Group(f'"{phrase}"', (Alternative("phrase", terms),)))
    words = analyser.analyse(rest)
    content = [w for w in words if not w.is_stopword] or words
    content = content[:MAX_QUERY_WORDS]
    candidates: set[str] = set()
    for w in content:
        candidates.add(w.term)
        candidates.update(w.parts)
    known = stats.known(candidates) if candidates else set()
    last = len(content) - 1
    ends_open = query.prefix and bool(rest) and not rest.endswith(" ")
    for i, w in enumerate(content):
        group = _word_group(
            w, known, analyser, synonyms, wz_notes, plan, ends_open and i == last, is_word
        )
        plan.groups.append(group)
    if query.any_word:
        plan.groups = [replace(g, optional=True) for g in plan.groups]
    return plan


def _word_group(
    w: AnalysedWord,
    known: set[str],
    analyser: Analyser,
    synonyms: Synonyms | None,
    wz_notes: WzNotes | None,
    plan: QueryPlan,
    is_prefix: bool,
    is_word: Callable[[str], bool],
) -> Group:
    alternatives: list[Alternative] = [Alternative("terms", (w.term,))]
    plan.highlight_terms.add(w.term)
    for derived in w.derived:
        alternatives.append(Alternative("terms", (derived,), DERIVED_WEIGHT))
        plan.highlight_terms.add(derived)
    if w.parts and w.term not in known:
        required = tuple(p for p in w.parts if p not in GENERIC_HEADS) or w.parts
        alternatives.append(Alternative("terms", required, PARTS_WEIGHT))
        plan.highlight_terms.update(w.parts)
        for head in w.parts:
            if head not in required:
                # Not needed to match, but a document that names it ranks higher.
                optional = Alternative("terms", (head,), PARTS_WEIGHT / 2)
                plan.groups.append(Group(head, (optional,), optional=True))
    if synonyms is not None:
        for phrase, weight in synonyms.expand(w.folded):
            analysed = analyser.analyse(phrase)
            terms = tuple(x.term for x in analysed)
            if weight <= THESAURUS_SYNONYM_WEIGHT and len(terms) == 1 and len(terms[0]) < 5:
                # A short general-language synonym also matches inside names and
                # compounds ("Partner" → "Mann" → "Baumann"): too loose to stand in.
                continue
            if terms and terms != (w.term,):
                kind: Literal["terms", "phrase"] = "phrase" if len(terms) > 1 else "terms"
                alternatives.append(Alternative(kind, terms, weight))
                plan.highlight_terms.update(x.term for x in analysed if not x.is_stopword)
    if (
        w.term not in known
        and not w.parts
        and not w.derived
        and not is_prefix
        and not is_word(w.folded)
    ):
        distance = typo_distance(w.folded)
        if distance:
            alternatives.append(Alternative("fuzzy", (w.term,), FUZZY_WEIGHT, distance))
            plan.corrections.append(Correction(w.text, w.term, distance))
    if is_prefix and len(w.folded) >= 2:
        alternatives.append(Alternative("prefix", (w.folded,), PREFIX_WEIGHT))
        plan.highlight_prefixes.add(w.folded)
    if wz_notes is not None:
        codes = wz_notes.codes_for(w)
        if codes:
            alternatives.append(Alternative("wz", tuple(sorted(codes)), WZ_NOTES_WEIGHT))
    return Group(w.text, tuple(alternatives))


class Synonyms:
    """Synonym sets by folded word: a curated domain list and the OpenThesaurus file."""

    def __init__(self, sets: Iterable[tuple[Iterable[str], float]]) -> None:
        from .analysis import fold

        self._by_word: dict[str, list[tuple[str, float]]] = {}
        for entries, weight in sets:
            phrases = [e for e in entries if e.strip()]
            for phrase in phrases:
                key = fold(phrase.strip())
                bucket = self._by_word.setdefault(key, [])
                for other in phrases:
                    if other != phrase and len(bucket) < 4 * MAX_SYNONYMS:
                        bucket.append((other, weight))

    def expand(self, folded: str) -> list[tuple[str, float]]:
        """Other words for ``folded``, the best weight first, at most ``MAX_SYNONYMS``."""
        seen: dict[str, float] = {}
        for phrase, weight in self._by_word.get(folded, ()):
            if weight > seen.get(phrase, 0.0):
                seen[phrase] = weight
        ranked = sorted(seen.items(), key=lambda item: -item[1])
        return ranked[:MAX_SYNONYMS]


class WzNotes:
    """Which WZ 2008 codes name a term in their titles or explanatory notes.

    Only what a code covers counts (title, includes, also includes), never its
    excludes. Codes are those organisations carry (classes and subclasses).
    """

    def __init__(self, analyser: Analyser, entries: Iterable[tuple[str, str]]) -> None:
        self._codes: dict[str, set[str]] = {}
        for code, text in entries:
            for w in analyser.analyse(text):
                if w.is_stopword:
                    continue
                for term in w.terms:
                    self._codes.setdefault(term, set()).add(code)

    def codes_for(self, w: AnalysedWord) -> set[str]:
        codes = self._codes.get(w.term, set())
        if not codes and w.parts:
            sets = [self._codes.get(p, set()) for p in w.parts if p not in GENERIC_HEADS]
            codes = set.intersection(*sets) if sets else set()
        return codes if 0 < len(codes) <= WZ_NOTES_MAX_CODES else set()
