"""The index of every registered content type besides organisations.

Apps declare their searchable content as a ``search.registry.DocumentType`` in their
own ``search.py``. This module keeps those documents in an index of the configured
engine, with no type-specific code in it:

* Tantivy: a small index of its own in ``SEARCH_INDEX_DIR/content`` (untouched by the
  organisation index's generations, so an organisation rebuild keeps it);
* PostgreSQL: the table ``search_pg_content`` (migration 0005).

Texts are analysed once, here, with the German analyser of the organisation search
(stemming, compound parts, trade words); queries are planned by the same planner
(synonyms, near spellings where a word is unknown). A document's version is a
fingerprint of its content and the lexicon: the drift check (``check``/``repair``)
compares it per type with what the type's ``documents`` say now.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.progress import Progress, silent
from core.transactions import batch_of_transaction

from . import pages, registry, spelling, vocabulary
from .query import QueryPlan, SearchQuery, TermStats, plan_query
from .registry import ContentDocument, DocumentType

log = logging.getLogger(__name__)

ORGANISATION = "organisation"
MAX_PAGE_SIZE = 200
CHUNK = 1000


@dataclass
class ContentQuery:
    """One page of one type's hits: words (every word unless ``any_word``), facet filters
    (OR within a facet, AND across), a circle."""

    type: str
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    page: int = 1
    page_size: int = 20
    any_word: bool = False
    # Count the facets (a group's first hits, a total or the matching need none).
    facets: bool = True


@dataclass
class ContentHit:
    id: int
    score: float
    distance_km: float | None = None


@dataclass
class ContentResult:
    hits: list[ContentHit]
    total: int
    # Per facet, value → documents; each facet honours every filter but its own.
    facets: dict[str, dict[str, int]]
    plan: QueryPlan | None = None


@dataclass
class IndexedContent:
    """A ``ContentDocument`` as the engines store it: analysed terms, the values of the
    type's facets in the order the type declares them, the date as epoch seconds, and
    the version fingerprint."""

    type: str
    id: int
    title_terms: str
    text_terms: str
    facet_values: list[list[str]]
    lat: float | None
    lon: float | None
    date: int
    version: int

    def terms(self) -> tuple[str, str]:
        return self.title_terms, self.text_terms


def version(doc: ContentDocument, doc_type: DocumentType) -> int:
    """A fingerprint of everything the index holds of ``doc`` (and of the lexicon its
    terms were analysed with, and the type's facets), as a positive 63-bit integer."""
    payload = json.dumps(
        [
            doc.title,
            doc.text,
            [sorted(str(v) for v in doc.keywords.get(f.name, [])) for f in doc_type.facets],
            [f.name for f in doc_type.facets],
            doc.lat,
            doc.lon,
            _epoch(doc.date),
            vocabulary.lexicon_fingerprint(),
        ],
        ensure_ascii=False,
    )
    digest = hashlib.blake2b(payload.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _epoch(date: datetime.date | datetime.datetime | None) -> int:
    if date is None:
        return 0
    if not isinstance(date, datetime.datetime):
        date = datetime.datetime.combine(date, datetime.time(), tzinfo=datetime.UTC)
    return int(date.timestamp())


def analyse(doc: ContentDocument, doc_type: DocumentType) -> IndexedContent:
    analyser = vocabulary.analyser()
    return IndexedContent(
        type=doc_type.name,
        id=int(doc.id),
        title_terms=analyser.index_terms(doc.title),
        text_terms=analyser.index_terms(doc.text),
        facet_values=[
            sorted({str(v) for v in doc.keywords.get(f.name, [])}) for f in doc_type.facets
        ],
        lat=doc.lat,
        lon=doc.lon,
        date=_epoch(doc.date),
        version=version(doc, doc_type),
    )


# -- the engine --------------------------------------------------------------------------

_engines: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def store() -> Any:
    """The content index of the engine ``SEARCH_ENGINE`` names (one per process)."""
    name = settings.SEARCH_ENGINE
    location = str(settings.SEARCH_INDEX_DIR)
    key = (name, location)
    with _lock:
        if key not in _engines:
            if name == "tantivy":
                from .backends.content_tantivy import TantivyContent

                _engines[key] = TantivyContent(settings.SEARCH_INDEX_DIR)
            elif name == "postgres":
                from .backends.content_postgres import PostgresContent

                _engines[key] = PostgresContent()
            else:
                raise ValueError(f"SEARCH_ENGINE must be 'tantivy' or 'postgres', not {name!r}")
        return _engines[key]


def forget() -> None:
    """Drop the stores this process holds open (tests; after moving the index folder)."""
    with _lock:
        _engines.clear()


def content_types() -> list[DocumentType]:
    """Every registered type this index holds (all but organisations)."""
    return [t for t in registry.types() if not t.specialised]


# -- writing -----------------------------------------------------------------------------


def index_content(doc_type: DocumentType, ids: Iterable[int]) -> int:
    """Bring these ids of ``doc_type`` in step: documents written, the rest removed."""
    ids = sorted(set(ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        documents = [analyse(d, doc_type) for d in doc_type.documents(chunk)]
        found = {d.id for d in documents}
        store().update(doc_type.name, documents, [pk for pk in chunk if pk not in found])
        written += len(documents)
    pages.changed()
    return written


class _Pending:
    """Ids per type collected in one transaction; one task per type after the commit."""

    def __init__(self) -> None:
        self.ids: dict[str, set[int]] = {}
        self.flushed = False

    def flush(self) -> None:
        self.flushed = True
        from .tasks import update_content

        for name, ids in self.ids.items():
            if not ids:
                continue
            try:
                update_content.enqueue(name, sorted(ids))
            except Exception:  # the write stands; the drift check repairs the index
                log.exception("Could not queue a search update for %d %s", len(ids), name)


def schedule_update(doc_type: DocumentType, ids: Sequence[int]) -> None:
    """Index ``ids`` of ``doc_type`` in the background once the current transaction
    commits (one task per type and transaction; at once outside a transaction)."""
    if not getattr(settings, "SEARCH_AUTO_UPDATE", True) or not ids:
        return
    if doc_type.specialised:  # organisations: the engine's own queue
        from .signals import queue

        queue(set(ids))
        return
    pending = batch_of_transaction("search_content_pending", _Pending)
    if pending is None:
        now = _Pending()
        now.ids[doc_type.name] = set(ids)
        now.flush()
        return
    pending.ids.setdefault(doc_type.name, set()).update(ids)


def is_empty() -> bool:
    """Whether no content type has a document in the index (a fresh installation)."""
    return not any(store().versions(t.name) for t in content_types())


def rebuild(progress: Progress = silent) -> dict[DocumentType, int]:
    """Index every content type anew (each type replaced as a whole); documents per type."""
    done: dict[DocumentType, int] = {}
    for doc_type in content_types():
        ids = sorted(set(doc_type.indexable_ids()))
        label = _("Indexing %(label)s") % {"label": doc_type.label}
        progress(0, len(ids), label)
        documents: list[IndexedContent] = []
        for start in range(0, len(ids), CHUNK):
            documents += [
                analyse(d, doc_type) for d in doc_type.documents(ids[start : start + CHUNK])
            ]
            progress(min(start + CHUNK, len(ids)), len(ids), label)
        store().replace(doc_type.name, documents)
        done[doc_type] = len(documents)
    pages.changed()
    return done


# -- drift -------------------------------------------------------------------------------


@dataclass
class TypeDrift:
    type: str
    label: str
    expected: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return sorted({*self.missing, *self.stale, *self.extra})

    @property
    def clean(self) -> bool:
        return not self.ids


def check(progress: Progress = silent) -> list[TypeDrift]:
    """Compare each content type's documents with the index, by version."""
    drifts = []
    for doc_type in content_types():
        drift = TypeDrift(type=doc_type.name, label=str(doc_type.label))
        ids = sorted(set(doc_type.indexable_ids()))
        label = _("Reading %(label)s") % {"label": doc_type.label}
        progress(0, len(ids), label)
        expected: dict[int, int] = {}
        for start in range(0, len(ids), CHUNK):
            for doc in doc_type.documents(ids[start : start + CHUNK]):
                expected[int(doc.id)] = version(doc, doc_type)
            progress(min(start + CHUNK, len(ids)), len(ids), label)
        held = store().versions(doc_type.name)
        drift.expected = len(expected)
        drift.indexed = len(held)
        drift.missing = sorted(pk for pk in expected if pk not in held)
        drift.extra = sorted(pk for pk in held if pk not in expected)
        drift.stale = sorted(pk for pk, v in expected.items() if pk in held and held[pk] != v)
        drifts.append(drift)
    return drifts


def repair(drifts: list[TypeDrift], progress: Progress = silent) -> int:
    repaired = 0
    for drift in drifts:
        if drift.clean:
            continue
        doc_type = registry.get(drift.type)
        progress(0, len(drift.ids), _("Repairing %(label)s") % {"label": drift.label})
        index_content(doc_type, drift.ids)
        progress(len(drift.ids), len(drift.ids), _("Repairing %(label)s") % {"label": drift.label})
        repaired += len(drift.ids)
    return repaired


# -- reading -----------------------------------------------------------------------------


def content_plan(text: str, any_word: bool = False, prefix: bool = False) -> QueryPlan:
    """The query plan of ``text`` for the content index: the same for every type, so a
    page that asks every type plans (and looks its words up) once. ``prefix``: the last
    word is still being typed (autocomplete)."""
    return plan_query(
        SearchQuery(text=text, any_word=any_word, prefix=prefix),
        vocabulary.analyser(),
        _Stats(store()),
        vocabulary.synonyms(),
        None,
        spelling.is_real_word,
    )


def search_content(query: ContentQuery, plan: QueryPlan | None = None) -> ContentResult:
    """One page of ``query.type``'s hits, their total and its facet counts (each facet
    honouring every filter but its own). Without words: newest first. ``plan``: the
    words' plan when the caller made it already (``content_plan``, same text)."""
    doc_type = registry.get(query.type)
    facet_names = [f.name for f in doc_type.facets]
    filters = {
        name: [str(v) for v in values]
        for name, values in query.filters.items()
        if values and name in facet_names
    }
    page_size = max(1, min(int(query.page_size), MAX_PAGE_SIZE))
    page = max(1, int(query.page))
    eng = store()
    if plan is None:
        plan = content_plan(query.text, query.any_word)
    geo = None
    if query.lat is not None and query.lon is not None and query.radius_km:
        geo = (float(query.lat), float(query.lon), float(query.radius_km))
    result: ContentResult = eng.search(
        doc_type.name,
        plan,
        filters,
        facet_names,
        geo,
        (page - 1) * page_size,
        page_size,
        count_facets=query.facets,
    )
    result.plan = plan
    return result


class _Stats(TermStats):
    """The planner's view of the content index: which terms it holds (a word it does not
    hold is looked up by its near spellings)."""

    def __init__(self, eng: Any) -> None:
        self.eng = eng

    def known(self, terms: Iterable[str]) -> set[str]:
        return self.eng.known(terms)  # type: ignore[no-any-return]
