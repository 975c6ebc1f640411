"""Why an organisation fits a need: the words, synonyms and WZ codes its profile shares
with the need, and how far away it is.

Computed for the organisations of the page only, from the texts the search index holds
(``search.documents.DocumentReader``: the same analysis, so a word counts here exactly
when the engine could match it).
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from classification.models import localised
from search.analysis import AnalysedWord
from search.documents import DocumentReader, SearchDocument
from search.query import GENERIC_HEADS, MAX_QUERY_WORDS, Point, distance_km, typo_distance

# Similarities a visitor reads as "high" and "medium" (USE-m3: unrelated texts ≈ 0.1).
SIMILARITY_HIGH = 0.5
SIMILARITY_MEDIUM = 0.35


@dataclass
class WzReason:
    code: str
    title: str
    title_en: str
    source: str  # "suggested": named for the need's text; "own": its notes name a word

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
    # The organisation's kind (as shown) where the need asks for it ("Forschungspartner").
    kind: str | None = None

    @property
    def similarity_level(self) -> str:
        """``high``, ``medium`` or ``low``: what the similarity means, in a word."""
        if self.similarity >= SIMILARITY_HIGH:
            return "high"
        if self.similarity >= SIMILARITY_MEDIUM:
            return "medium"
        return "low"


@dataclass(frozen=True)
class NeedWord:
    """A content word of the need with every way a profile can contain it."""

    word: AnalysedWord
    parts: tuple[str, ...]
    synonyms: tuple[tuple[str, tuple[str, ...], float], ...]  # (phrase, terms, weight)
    codes: frozenset[str]  # WZ codes whose official notes name it
    fuzzy: int  # edits forgiven when the word itself is in no profile


def prepare(words: list[AnalysedWord], known: set[str]) -> list[NeedWord]:
    """The need's words with their parts, synonyms, WZ codes and typo allowance, as the
    search's planner sees them (``known``: the terms some profile contains)."""
    from search import vocabulary

    analyser = vocabulary.analyser()
    synonyms = vocabulary.synonyms()
    notes = vocabulary.wz_notes()
    prepared = []
    for w in words[:MAX_QUERY_WORDS]:
        parts = tuple(p for p in w.parts if p not in GENERIC_HEADS) or w.parts
        phrases = []
        for phrase, weight in synonyms.expand(w.folded):
            terms = tuple(x.term for x in analyser.analyse(phrase) if not x.is_stopword)
            if terms and terms != (w.term,):
                phrases.append((phrase, terms, weight))
        unknown = w.term not in known and not w.parts
        prepared.append(
            NeedWord(
                word=w,
                parts=parts if w.parts else (),
                synonyms=tuple(phrases),
                codes=frozenset(notes.codes_for(w)),
                fuzzy=typo_distance(w.folded) if unknown else 0,
            )
        )
    return prepared


def _terms(doc: SearchDocument) -> set[str]:
    return set(
        f"{doc.name_terms} {doc.offers_terms} {doc.description_terms} {doc.place_terms}".split()
    )


def word_reasons(
    words: list[NeedWord], doc: SearchDocument
) -> tuple[list[str], list[str], set[str]]:
    """(the need's words the profile contains, the synonyms it contains instead, the
    organisation's codes whose official notes name a word of the need)."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extractOne

    terms = _terms(doc)
    own = set(doc.wz)
    matched: list[str] = []
    synonyms: list[str] = []
    codes: set[str] = set()
    for entry in words:
        w = entry.word
        if (
            w.term in terms
            or (entry.parts and all(p in terms for p in entry.parts))
            or (
                entry.fuzzy
                and terms
                and extractOne(w.term, terms, scorer=Levenshtein.distance, score_cutoff=entry.fuzzy)
            )
        ):
            matched.append(w.text)
        else:
            for phrase, phrase_terms, _weight in entry.synonyms:
                if all(t in terms for t in phrase_terms):
                    if phrase not in synonyms:
                        synonyms.append(phrase)
                    break
        codes |= entry.codes & own
    return matched, synonyms, codes


_readers: dict[datetime.date, DocumentReader] = {}
_readers_lock = threading.Lock()


def reader() -> DocumentReader:
    """One reader per process and day: it caches the analysis of texts that repeat."""
    from search import vocabulary

    today = datetime.date.today()
    with _readers_lock:
        found = _readers.get(today)
        if found is None:
            _readers.clear()
            found = _readers[today] = DocumentReader(vocabulary.analyser(), today)
        return found


def forget() -> None:
    """Forget the cached reader (after the vocabulary or the WZ codes changed; tests)."""
    with _readers_lock:
        _readers.clear()


def for_page(
    ids: list[int],
    words: list[NeedWord],
    suggested: Iterable[str],
    similarity: dict[int, float],
    center: Point | None,
) -> dict[int, Reasons]:
    """The reasons of each organisation of ``ids`` (published ones)."""
    shown = set(suggested)
    out: dict[int, Reasons] = {}
    for doc in reader().read(ids):
        matched, synonyms, note_codes = word_reasons(words, doc)
        carried = [c for c in doc.wz if c in shown]
        distance = None
        if center is not None and doc.lat is not None and doc.lon is not None:
            distance = distance_km(center.lat, center.lon, doc.lat, doc.lon)
        out[doc.id] = Reasons(
            words=matched,
            synonyms=synonyms,
            wz=[WzReason(code, "", "", "suggested") for code in carried]
            + [WzReason(code, "", "", "own") for code in sorted(note_codes) if code not in carried],
            similarity=round(similarity.get(doc.id, 0.0), 3),
            distance_km=distance,
        )
    return out


def name_codes(reasons: Reasons, org: Any) -> None:
    """Name the matched codes as the organisation carries them: its own subclasses (the
    deepest code under a matched class), with their titles."""
    own = [c for c in (org.primary_wz, *org.secondary_wz_list) if c is not None]
    out: list[WzReason] = []
    seen: set[str] = set()
    for reason in reasons.wz:
        for code in own:
            if code.code.startswith(reason.code) and code.code not in seen:
                seen.add(code.code)
                out.append(WzReason(code.code, code.title, code.title_en or "", reason.source))
    reasons.wz = out
