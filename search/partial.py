"""Partial matches: what a search shows when no organisation has every word.

A need written as a sentence ("Wir suchen einen Partner für die Entwicklung von
Sensoren") rarely has every word in one profile. Rather than a silent zero, the search
then runs as an any-word query (a document matching more words ranks higher) and says
for each hit which of the query's words it lacks. Which words a hit has is read from
the very terms the index holds for it (``search.documents``), so the page says what
the engine matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz.distance import OSA

from .analysis import WORD_RE, Analyser, fold
from .documents import DocumentReader, SearchDocument
from .query import Alternative, Correction, Group, QueryPlan, SearchQuery

# How many words of the hits a corrected word names ("Sensoren, Sensor").
MAX_USED = 3
# A search with fewer hits of every word than this offers the partial matches too (a
# sentence one profile happens to hold in full should not hide the others).
OFFER_BELOW = 5
# The page's parameter for partial matches asked for: ``?words=any``.
ANY_WORDS_PARAM = "words"
ANY_WORDS_VALUE = "any"


def wants_partial(query: SearchQuery, plan: QueryPlan) -> bool:
    """Whether a search that found nothing may fall back to partial matches: it has at
    least two words that must all match, and is not a prefix search while typing."""
    return not query.any_word and not query.prefix and len(plan.words) >= 2


def any_word(query: SearchQuery) -> SearchQuery:
    return replace(query, any_word=True)


def every_word(query: SearchQuery) -> SearchQuery:
    return replace(query, any_word=False)


def _has(alt: Alternative, terms: set[str], codes: set[str]) -> bool:
    if alt.kind in ("terms", "phrase"):
        return all(t in terms for t in alt.terms)
    if alt.kind == "wz":
        return any(c in codes for c in alt.terms)
    if alt.kind == "prefix":
        return any(t.startswith(alt.terms[0]) for t in terms)
    if alt.kind == "fuzzy":
        wanted = alt.terms[0]
        return any(
            abs(len(t) - len(wanted)) <= alt.distance
            and OSA.distance(t, wanted, score_cutoff=alt.distance) <= alt.distance
            for t in terms
        )
    return False  # pragma: no cover - the planner makes no other kinds


def document_terms(document: SearchDocument) -> set[str]:
    """Every term the index holds for the document, whatever the field."""
    fields = (
        document.name_terms,
        document.offers_terms,
        document.description_terms,
        document.place_terms,
    )
    return set(" ".join(fields).split())


def matches(group: Group, terms: set[str], codes: set[str]) -> bool:
    """Whether a document with these terms and WZ codes satisfies one alternative."""
    return any(_has(alt, terms, codes) for alt in group.alternatives)


def missing_words(plan: QueryPlan, documents: Iterable[SearchDocument]) -> dict[int, list[str]]:
    """For each document, the words of the query (as typed) it lacks; ``plan`` is the
    plan where every word must match (its groups are the query's words)."""
    missing = {}
    for document in documents:
        terms, codes = document_terms(document), set(document.wz)
        missing[document.id] = [g.label for g in plan.words if not matches(g, terms, codes)]
    return missing


def mark_missing(items: Sequence[Any], plan: QueryPlan, analyser: Analyser) -> None:
    """Set ``missing`` on each result item (``search.services.ResultItem``); ``plan`` as
    for ``missing_words``."""
    ids = [item.organisation.pk for item in items]
    documents = DocumentReader(analyser).read(ids) if ids else []
    missing = missing_words(plan, documents)
    for item in items:
        item.missing = missing.get(item.organisation.pk, [])


@dataclass
class UsedSpelling:
    """A word searched by its near spellings, and the words of the hits found for it."""

    word: str
    used: list[str] = field(default_factory=list)


def used_spellings(plan: QueryPlan, items: Sequence[Any], analyser: Analyser) -> list[UsedSpelling]:
    """What the page says of each corrected word: the words of the shown hits (name,
    descriptions) within the correction's distance, or their index terms where only
    another field (offerings, technologies) had one."""
    spellings = []
    for correction in plan.corrections:
        used = _words_in_texts(correction, items, analyser)
        if not used and items:
            documents = DocumentReader(analyser).read([i.organisation.pk for i in items[:10]])
            found: dict[str, None] = {}
            for document in documents:
                for term in sorted(document_terms(document)):
                    if _near(term, correction):
                        found[term] = None
            used = list(found)[:MAX_USED]
        spellings.append(UsedSpelling(correction.word, used))
    return spellings


def _distance(term: str, correction: Correction) -> int | None:
    """Edits from the corrected word's term to ``term``, or None beyond its distance."""
    if abs(len(term) - len(correction.term)) > correction.distance:
        return None
    edits = OSA.distance(term, correction.term, score_cutoff=correction.distance)
    return edits if edits <= correction.distance else None


def _near(term: str, correction: Correction) -> bool:
    return _distance(term, correction) is not None


def _words_in_texts(correction: Correction, items: Sequence[Any], analyser: Analyser) -> list[str]:
    """Words of the hits' names and descriptions that the correction matched: one per
    index term (the spelling closest to what was typed), the closest terms first."""
    typed = fold(correction.word)
    best: dict[str, tuple[int, int, str]] = {}  # term → (term edits, word edits, word)
    for item in items:
        org = item.organisation
        for text in (org.name, org.short_description, org.description):
            for word in WORD_RE.findall(text or ""):
                analysed = analyser.word(word)
                edits = _distance(analysed.term, correction)
                if edits is None:
                    continue
                candidate = (edits, OSA.distance(analysed.folded, typed), word)
                if analysed.term not in best or candidate < best[analysed.term]:
                    best[analysed.term] = candidate
    return [word for _edits, _surface, word in sorted(best.values())][:MAX_USED]
