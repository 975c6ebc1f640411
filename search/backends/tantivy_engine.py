"""The default engine: an embedded Tantivy index on disk, under ``DATA_DIR/search``.

Layout: ``DATA_DIR/search/<generation>/`` holds one complete index; the file
``CURRENT`` names the generation readers use. A rebuild writes a new generation
and then replaces ``CURRENT`` atomically, so readers never see a half-built index;
the old generation is removed once the switch is done. Updates (saves and deletes
through the background task) go to the current generation.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import tantivy
from django.conf import settings
from tantivy import Occur, Query

from ..documents import CLUSTER_LEVELS, SearchDocument, cell_id
from ..geo import cover_circle
from ..query import (
    FACETS,
    FIELD_WEIGHTS,
    MAX_PREFIX_TERMS,
    QUALITY_FACTORS,
    Alternative,
    BBox,
    QueryPlan,
    SearchQuery,
    distance_km,
    quality_factor,
)
from ..vectors.store import SqliteVectorStore, VectorStore
from .base import Cluster, EngineResult, Hit, SearchEngine, SearchUnavailable

TEXT_FIELDS = tuple(FIELD_WEIGHTS)
PHRASE_FIELDS = ("name", "offers", "description")
KEYWORD_FIELDS = (
    "kind",
    "size",
    "district",
    "wz",
    "growth",
    "network",
    "cert",
    "sample",
)
# Facets of a result larger than this are counted on a fixed sample of about this many
# documents and scaled up (shown as "about"): counting half a million matches on every
# search costs more than a search may take.
FACET_SAMPLE_ABOVE = 40_000
FACET_SAMPLE_SIZE = 25_000
SAMPLE_BUCKETS = 64
# The WZ codes once more, one field per level: the facet counts only the level it shows.
WZ_LEVEL_FIELDS = ("wz1", "wz2", "wz3", "wz4", "wz5")
FACET_SIZE = {"wz": 4000, "district": 500, "network": 500}
# Facets with exactly one value per document (to_json writes "unknown" and "none" where
# an organisation has none): their filters can be turned around, and they nest in one
# facet pass whatever is selected (TantivyEngine._facets_with_choices).
SINGLE_VALUED = frozenset({"kind", "size", "district"})
# With a selection, all facets are counted in one pass over the result without the
# facet filters; exactly where that set is estimated at up to this many times
# FACET_SAMPLE_ABOVE (one exact pass costs less than a sampled one plus the exact
# passes its small sets need).
NESTED_EXACT_FACTOR = 2.5
NESTED_MAX_COMBINATIONS = 64
SCHEMA_VERSION = "10"
# The folder of the content index (backends.content_tantivy), kept by a switch.
CONTENT_DIRECTORY = "content"
# The organisation vectors of a generation (search.vectors), switched with it.
VECTORS = "vectors.sqlite3"
# Documents in the cells a radius cuts, checked one by one (a band ~100 m wide).
EDGE_LIMIT = 50_000
CIRCLE_TTL = 30.0
# Sorting by distance grows a circle until it holds the page; beyond this radius the
# whole result is sorted (it is small, or the circle would have held the page sooner).
NEAREST_MAX_KM = 1000.0
# Relevance × quality: how many of the best by relevance alone are re-sorted (at least;
# four times the page's end), and from what page end Tantivy applies the factor itself
# (see TantivyEngine._best).
RERANK_FIRST = 100
RERANK_MAX = 4000
# (with a margin for the rounding of log2(2 + 2^f - 2) back to f)
MAX_FACTOR = math.prod(QUALITY_FACTORS.values()) * (1 + 1e-9)


def build_schema() -> tantivy.Schema:
    """The fields; what queries look up by the thousand (the cells of a circle and the
    documents on its edge, see ``cell_term``) are raw text terms: a set of text terms is
    found through the term dictionary's automaton, several times faster than the same
    number of integer terms. ``key`` (the id as a term) is for deleting a document."""
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", fast=True)
    sb.add_text_field("key", tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        option = "position" if name in PHRASE_FIELDS else "freq"
        sb.add_text_field(name, tokenizer_name="whitespace", index_option=option)
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in WZ_LEVEL_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_text_field("name_sort", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_float_field("lat", indexed=True, fast=True)
    sb.add_float_field("lon", indexed=True, fast=True)
    sb.add_integer_field("updated", fast=True)
    # SearchDocument.version(): what the consistency check compares with the database.
    sb.add_unsigned_field("version", fast=True)
    # Relevance is multiplied by log2(2 + boost): boost = 2^factor - 2 (see to_json).
    sb.add_float_field("boost", fast=True)
    # Map clusters count per cell of one level (fast text columns: Tantivy's terms
    # aggregation reads them faster than integer columns); a circle is a set of cells of
    # several levels in one indexed field ("12:34567"), one term set to look up.
    for level in CLUSTER_LEVELS:
        sb.add_text_field(f"c{level}", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_text_field("cells", tokenizer_name="raw", index_option="basic")
    return sb.build()


# The position of a document without coordinates (outside every box and circle).
NOWHERE = -999.0
# Cell terms follow the Z-order curve (rows and columns bit-interleaved, written in hex):
# a cell's term is a prefix of the terms of every cell inside it, and cells near each
# other are near in the term dictionary, where Tantivy finds neighbours several times
# faster than terms spread over it (docs/performance.md). Levels are even, so a level
# is a whole number of hex digits: level L is the first L/2 digits of the finest one.
POINT_LEVEL = CLUSTER_LEVELS[-1]
_SPREAD = [sum(((v >> i) & 1) << (2 * i) for i in range(8)) for v in range(256)]


def _spread(v: int) -> int:
    return _SPREAD[v & 0xFF] | _SPREAD[(v >> 8) & 0xFF] << 16 | _SPREAD[(v >> 16) & 0xFF] << 32


def cell_term(level: int, cell: int) -> str:
    """The term of a cell (``row * 2^level + col``, as ``search.geo`` numbers them)."""
    row, col = divmod(cell, 1 << level)
    return "z" + format(_spread(row) << 1 | _spread(col), f"0{level // 2}x")


_MASKS = [
    (16, 0x0000FFFF0000FFFF),
    (8, 0x00FF00FF00FF00FF),
    (4, 0x0F0F0F0F0F0F0F0F),
    (2, 0x3333333333333333),
    (1, 0x5555555555555555),
]


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def cell_terms(level: int, cells: list[int]) -> list[str]:
    """``cell_term`` of many cells at once (a circle has thousands)."""
    values = np.asarray(cells, dtype=np.uint64)
    rows, cols = values >> np.uint64(level), values & np.uint64((1 << level) - 1)
    for shift, mask in _MASKS:
        rows = (rows | (rows << np.uint64(shift))) & np.uint64(mask)
        cols = (cols | (cols << np.uint64(shift))) & np.uint64(mask)
    codes = (rows << np.uint64(1)) | cols
    # The hex digits as bytes, "z" in front, all at once (formatting each is slower).
    width = level // 2
    shifts = np.arange(4 * (width - 1), -1, -4, dtype=np.uint64)
    text = np.empty((len(codes), width + 1), dtype=np.uint8)
    text[:, 0] = ord("z")
    text[:, 1:] = _HEX[((codes[:, None] >> shifts) & np.uint64(15)).astype(np.intp)]
    return text.view(f"S{width + 1}").ravel().astype(f"U{width + 1}").tolist()


def wz_level(code: str) -> int:
    """C → 1, 25 → 2, 25.6 → 3, 25.62 → 4, 25.62.0 → 5."""
    if code.isalpha():
        return 1
    return _LEVEL_BY_LENGTH.get(len(code), 5)


_LEVEL_BY_LENGTH = {2: 2, 4: 3, 5: 4}


def wz_facet_field(query: SearchQuery) -> str:
    """The level the WZ facet shows: sections, or the children of the deepest choice."""
    chosen = query.filters.get("wz") or []
    deepest = max((wz_level(c) for c in chosen), default=0)
    return f"wz{min(deepest + 1, 5)}"


def sample_bucket(pk: int) -> int:
    """A fixed pseudo-random bucket (0–63) per organisation, for sampled facet counts."""
    return ((pk * 2654435761) & 0xFFFFFFFF) * SAMPLE_BUCKETS >> 32


def _wz_levels(codes: list[str]) -> dict[str, list[str]]:
    levels: dict[str, list[str]] = {name: [] for name in WZ_LEVEL_FIELDS}
    for code in codes:
        levels[f"wz{wz_level(code)}"].append(code)
    return levels


def to_json(doc: SearchDocument) -> str:
    data: dict[str, Any] = {
        "id": doc.id,
        "key": str(doc.id),
        "name": doc.name_terms,
        "offers": doc.offers_terms,
        "description": doc.description_terms,
        "place": doc.place_terms,
        "kind": doc.kind,
        "size": doc.size or "unknown",
        "district": doc.district or "none",
        "wz": doc.wz,
        **_wz_levels(doc.wz),
        "growth": doc.growth,
        "network": doc.network,
        "cert": doc.cert,
        "sample": str(sample_bucket(doc.id)),
        "name_sort": doc.name_sort,
        "updated": doc.updated,
        "version": doc.version(),
        # Tantivy's weight_by_field multiplies the score by log2(2 + boost).
        "boost": 2.0 ** quality_factor(doc.quality) - 2.0,
    }
    if doc.lat is None or doc.lon is None:
        # Every document has a position in the columns: Tantivy scans a column with gaps
        # for a range three times slower than a full one.
        data["lat"] = data["lon"] = NOWHERE
        data["cells"] = ["none"]
    else:
        data["lat"] = doc.lat
        data["lon"] = doc.lon
        cells = doc.cells()
        for level, cell in cells.items():
            data[f"c{level}"] = str(cell)
        # A cell of level L is the first L/2 digits of the finest; the document's own
        # term follows its finest cell's in the dictionary.
        finest = cell_term(POINT_LEVEL, cells[POINT_LEVEL])
        data["cells"] = [finest[: 1 + level // 2] for level in cells] + [f"{finest}.{doc.id}"]
    return json.dumps(data)


class TantivyEngine(SearchEngine):
    name = "tantivy"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._index: tantivy.Index | None = None
        self._generation: str | None = None
        self._checked = 0.0
        # Edge documents change with the index: circles are kept briefly, per version.
        self._circles: dict[tuple[float, float, float, int, int], tuple[float, Query, int]] = {}
        self._version = 0
        self._extent_of: tuple[tuple[tuple[int, int], float], BBox | None] | None = None
        self._vectors: tuple[str, SqliteVectorStore] | None = None

    # -- generations ----------------------------------------------------------------------

    def _current_generation(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None

    def _open(self, generation: str) -> tantivy.Index:
        return tantivy.Index(self.schema, path=str(self.root / generation), reuse=True)

    def _ensure_index(self) -> tantivy.Index:
        """The current generation, created empty on first use, reopened after a switch."""
        with self._lock:
            now = time.monotonic()
            if self._index is not None and now - self._checked < 1.0:
                return self._index
            self._checked = now
            generation = self._current_generation()
            if generation is not None and self._outdated(generation):
                raise SearchUnavailable(self._outdated_message())
            if generation is None or not (self.root / generation).is_dir():
                generation = self._new_generation()
                self._index = self._open(generation)
                self._switch(generation)
            if generation != self._generation or self._index is None:
                self._index = self._open(generation)
                self._generation = generation
            return self._index

    def _outdated(self, generation: str) -> bool:
        return not generation.endswith(f"-v{SCHEMA_VERSION}")

    def _outdated_message(self) -> str:
        return (
            f"The search index in {self.root} was built by an earlier version of the portal "
            f"(this one needs index schema {SCHEMA_VERSION}). Run "
            "`manage.py rebuild_search_index`; until then the search is unavailable."
        )

    def problems(self) -> list[str]:
        generation = self._current_generation()
        if generation is not None and self._outdated(generation):
            return [self._outdated_message()]
        return []

    def _new_generation(self) -> str:
        generation = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}-v{SCHEMA_VERSION}"
        (self.root / generation).mkdir(parents=True)
        return generation

    def _switch(self, generation: str) -> None:
        tmp = self.root / f"CURRENT.{uuid.uuid4().hex}"
        tmp.write_text(generation)
        os.replace(tmp, self.root / "CURRENT")
        for old in self.root.iterdir():
            # The content index (search.content) lives beside the generations.
            if old.is_dir() and old.name not in {generation, CONTENT_DIRECTORY}:
                shutil.rmtree(old, ignore_errors=True)

    def vector_store(self) -> VectorStore:
        """The vectors of the current generation (a SQLite file inside its folder)."""
        with self._lock:
            self._ensure_index()
            generation = self._generation
            assert generation is not None
            if self._vectors is None or self._vectors[0] != generation:
                self._vectors = (generation, SqliteVectorStore(self.root / generation / VECTORS))
            return self._vectors[1]

    def searcher(self) -> tantivy.Searcher:
        return self._ensure_index().searcher()

    # -- writing --------------------------------------------------------------------------

    def _writer(self, index: tantivy.Index, heap: int = 50_000_000) -> tantivy.IndexWriter:
        """One writing thread: Tantivy writes a segment per thread (and whenever the
        thread's memory is full), and a rebuild that ends as one segment searches
        fastest (``SEARCH_WRITER_MEMORY_MB``). Python prepares the documents slower than
        one thread indexes them."""
        # One writer at a time per index; another process may hold it for a moment.
        for attempt in range(50):
            try:
                return index.writer(heap_size=heap, num_threads=1)
            except ValueError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        raise RuntimeError("unreachable")

    def update(self, documents: Iterable[SearchDocument], remove: Iterable[int] = ()) -> None:
        with self._lock:
            index = self._ensure_index()
            writer = self._writer(index)
            try:
                documents = list(documents)
                stale = [str(pk) for pk in (*remove, *(doc.id for doc in documents))]
                if stale:
                    writer.delete_documents_by_query(
                        Query.term_set_query(self.schema, "key", stale)
                    )
                for doc in documents:
                    writer.add_json(to_json(doc))
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            index.reload()
            self._version += 1

    def encode(self, doc: SearchDocument) -> str:
        return to_json(doc)

    def rebuild(
        self,
        batches: Iterator[list[Any]],
        total: int,
        progress: Callable[[int], None],
        vectors: Callable[[VectorStore], None] | None = None,
    ) -> None:
        generation = self._new_generation()
        index = self._open(generation)
        memory = getattr(settings, "SEARCH_WRITER_MEMORY_MB", 2000)
        writer = self._writer(index, max(50, min(memory, 4000)) * 1_000_000)
        done = 0
        try:
            for batch in batches:
                for doc in batch:
                    writer.add_json(doc)
                done += len(batch)
                progress(done)
            writer.commit()
            writer.wait_merging_threads()
            if vectors is not None:
                vectors(SqliteVectorStore(self.root / generation / VECTORS))
        except BaseException:
            writer.rollback()
            shutil.rmtree(self.root / generation, ignore_errors=True)
            raise
        with self._lock:
            self._switch(generation)
            self._index = None
            self._generation = None
            self._checked = 0.0
            self._version += 1

    def count(self) -> int:
        return int(self.searcher().num_docs)

    def versions(self) -> Iterator[tuple[int, int]]:
        searcher = self.searcher()
        total = int(searcher.num_docs)
        if not total:
            return
        addresses = [a for _score, a in searcher.search(Query.all_query(), total, count=False).hits]
        for start in range(0, len(addresses), 10_000):
            chunk = addresses[start : start + 10_000]
            ids = searcher.fast_field_values("id", chunk)
            versions = searcher.fast_field_values("version", chunk)
            for pk, version in zip(ids, versions, strict=True):
                yield int(pk or 0), int(version or 0)

    def clear(self) -> None:
        with self._lock:
            index = self._ensure_index()
            writer = self._writer(index)
            writer.delete_all_documents()
            writer.commit()
            writer.wait_merging_threads()
            index.reload()
            self._version += 1
        self.vector_store().clear()

    def size_bytes(self) -> int:
        generation = self._current_generation()
        if generation is None:
            return 0
        return sum(f.stat().st_size for f in (self.root / generation).rglob("*") if f.is_file())

    # -- queries --------------------------------------------------------------------------

    def known(self, terms: Iterable[str]) -> set[str]:
        searcher = self.searcher()
        found = set()
        for term in terms:
            for name in TEXT_FIELDS:
                if searcher.doc_freq(name, term):
                    found.add(term)
                    break
        return found

    def terms_with_prefix(self, prefix: str, limit: int) -> list[str]:
        searcher = self.searcher()
        counts: dict[str, int] = {}
        for name in PHRASE_FIELDS:
            for term, count in searcher.terms_with_prefix(name, prefix, limit=limit):
                counts[term] = counts.get(term, 0) + count
        return [t for t, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:limit]]

    def _field_term(self, term: str, name: str) -> Query:
        return self._term(name, term)

    def _term(self, name: str, term: str) -> Query:
        return Query.term_query(self.schema, name, term, index_option="freq")

    def _across_fields(self, make: Callable[[str], Query | None], fields: Iterable[str]) -> Query:
        clauses = []
        for name in fields:
            q = make(name)
            if q is not None:
                clauses.append((Occur.Should, Query.boost_query(q, FIELD_WEIGHTS[name])))
        return Query.boolean_query(clauses) if clauses else Query.empty_query()

    def _clauses(self, alt: Alternative, searcher: tantivy.Searcher) -> list[tuple[Occur, Query]]:
        """An alternative as should-clauses of its word's query.

        A single term becomes one boosted clause per field, side by side with the other
        alternatives' clauses: the same sum of scores as a nested query per alternative,
        without a boolean scorer per level for each of half a million matches.
        """
        if alt.kind == "terms" and len(alt.terms) == 1:
            term = alt.terms[0]
            return [
                (Occur.Should, Query.boost_query(self._term(f, term), alt.weight * weight))
                for f, weight in FIELD_WEIGHTS.items()
            ]
        return [(Occur.Should, self._alternative(alt, searcher))]

    def _alternative(self, alt: Alternative, searcher: tantivy.Searcher) -> Query:
        if alt.kind == "terms":  # several terms, each in some field (one: see _clauses)
            q = Query.boolean_query(
                [
                    (Occur.Must, self._across_fields(partial(self._field_term, t), TEXT_FIELDS))
                    for t in alt.terms
                ]
            )
        elif alt.kind == "phrase":
            q = self._across_fields(
                lambda f: Query.phrase_query(self.schema, f, list(alt.terms)), PHRASE_FIELDS
            )
        elif alt.kind == "fuzzy":
            q = self._across_fields(
                lambda f: Query.fuzzy_term_query(
                    self.schema, f, alt.terms[0], distance=alt.distance, transposition_cost_one=True
                ),
                TEXT_FIELDS,
            )
        elif alt.kind == "prefix":
            terms = self.terms_with_prefix(alt.terms[0], MAX_PREFIX_TERMS)
            if not terms:
                return Query.empty_query()
            q = self._across_fields(
                lambda f: Query.term_set_query(self.schema, f, terms),
                ("name", "offers", "description"),
            )
        elif alt.kind == "wz":
            q = Query.const_score_query(
                Query.term_set_query(self.schema, "wz", list(alt.terms)), 1.0
            )
        else:  # pragma: no cover - the planner makes no other kinds
            raise ValueError(alt.kind)
        return Query.boost_query(q, alt.weight) if alt.weight != 1.0 else q

    def _text_query(self, plan: QueryPlan, searcher: tantivy.Searcher) -> Query | None:
        if plan.is_empty:
            return None
        clauses = []
        for group in plan.groups:
            alternatives = [c for a in group.alternatives for c in self._clauses(a, searcher)]
            group_query = Query.boolean_query(alternatives)
            clauses.append((Occur.Should if group.optional else Occur.Must, group_query))
        if len(clauses) == 1 and clauses[0][0] == Occur.Must:
            return clauses[0][1]
        return Query.boolean_query(clauses)

    def _filter_clauses(self, query: SearchQuery, without: str | None = None) -> list[Query]:
        return self._facet_clauses(query.facet_filters(without)) + self._geo_clauses(query)

    def _facet_clauses(self, filters: dict[str, list[str]]) -> list[Query]:
        """A facet filter is a set of documents Tantivy builds for every search: for a
        facet with one value per document, the values not chosen where they are the
        smaller set ("every kind but the seven others" instead of "company", which
        970,000 of a million are)."""
        searcher = self.searcher()
        clauses = []
        for facet, values in filters.items():
            chosen = Query.term_set_query(self.schema, facet, list(values))
            if facet in SINGLE_VALUED:
                counts = dict(searcher.terms_with_prefix(facet, ""))
                others = [v for v in counts if v not in values]
                if sum(counts[v] for v in others) < sum(counts.get(v, 0) for v in values):
                    chosen = Query.boolean_query(
                        [
                            (Occur.Must, Query.all_query()),
                            (Occur.MustNot, Query.term_set_query(self.schema, facet, others)),
                        ]
                        if others
                        else [(Occur.Must, Query.all_query())]
                    )
            clauses.append(chosen)
        return clauses

    def _geo_clauses(self, query: SearchQuery) -> list[Query]:
        clauses = []
        if query.is_geo:
            assert query.center is not None and query.radius_km is not None
            clauses.append(self._circle(query.center, query.radius_km))
        if query.bbox is not None:
            clauses.append(self._bbox(query))
        return clauses

    def _circle(self, center: Any, radius_km: float) -> Query:
        """Documents within ``radius_km``: whole cells inside, edge documents one by one.

        Kept for the searcher it was made with: one search asks for its circle for the
        page and for every facet.
        """
        return self._circle_entry(center, radius_km)[1]

    def _circle_bound(self, center: Any, radius_km: float) -> int:
        """At least the number of documents in the circle (from document frequencies)."""
        return self._circle_entry(center, radius_km)[2]

    def _circle_entry(self, center: Any, radius_km: float) -> tuple[float, Query, int]:
        # Another process (the task worker) may have changed the index: the number of
        # documents is part of the key, and an entry lives CIRCLE_TTL seconds at most.
        searcher = self.searcher()
        key = (center.lat, center.lon, radius_km, self._version, int(searcher.num_docs))
        now = time.monotonic()
        cached = self._circles.get(key)
        if cached is not None and now - cached[0] < CIRCLE_TTL:
            return cached
        query, bound = self._make_circle(searcher, center, radius_km)
        if len(self._circles) > 64:
            self._circles.clear()
        entry = (now, query, bound)
        self._circles[key] = entry
        return entry

    def _make_circle(
        self, searcher: tantivy.Searcher, center: Any, radius_km: float
    ) -> tuple[Query, int]:
        """The circle as one set of terms of the cell field: the cells wholly inside
        and the documents inside it from the cells its edge cuts (their own terms, next
        to their cell's in the dictionary); and an upper bound of the documents it holds.
        One term set is one pass over the dictionary and one set of documents: a union
        of two sets cost a quarter more."""
        cover = cover_circle(center, radius_km)
        by_level = {level: cell_terms(level, cells) for level, cells in cover.cells.items()}
        terms = [term for level_terms in by_level.values() for term in level_terms]
        # The bound reads the finest cells' parents (their term less a digit): a quarter
        # as many lookups; a parent also holds documents outside, which only loosens it.
        finest = max(by_level, default=0)
        lookups = {
            term
            for level, level_terms in by_level.items()
            if level != finest
            for term in level_terms
        }
        lookups |= {term[:-1] for term in by_level.get(finest, [])}
        bound = sum(searcher.doc_freq("cells", term) for term in lookups)
        if cover.edge:
            edge = Query.term_set_query(
                self.schema, "cells", cell_terms(cover.edge_level, cover.edge)
            )
            found = searcher.search(edge, EDGE_LIMIT, count=False)
            addresses = [address for _score, address in found.hits]
            ids = self._ids_of(searcher, addresses)
            inside = [
                (pk, at)
                for pk, at in zip(ids, _coordinates(searcher, addresses), strict=True)
                if at is not None and distance_km(center.lat, center.lon, *at) <= radius_km
            ]
            # Each document's own term (see to_json), its cell computed as when indexed.
            cells = [cell_id(lat, lon, POINT_LEVEL) for _pk, (lat, lon) in inside]
            within = [
                f"{term}.{pk}"
                for term, (pk, _at) in zip(cell_terms(POINT_LEVEL, cells), inside, strict=True)
            ]
            terms += within
            bound += len(within)
        if not terms:
            return Query.empty_query(), 0
        return Query.term_set_query(self.schema, "cells", terms), bound

    def _bbox(self, query: SearchQuery) -> Query:
        assert query.bbox is not None
        return self._bbox_query(query.bbox)

    def _bbox_query(self, box: BBox) -> Query:
        """Documents inside ``box``: every document with a position where the box holds
        all of them (the whole region on the map: no column to scan), otherwise the
        ranges of latitude and longitude."""

        def between(name: str, low: float, high: float) -> Query:
            return Query.range_query(self.schema, name, tantivy.FieldType.Float, low, high)

        extent = self._extent()
        if extent is None or (
            box.south <= extent.south
            and box.north >= extent.north
            and box.west <= extent.west
            and box.east >= extent.east
        ):
            return self._located()
        return Query.boolean_query(
            [
                (Occur.Must, between("lat", box.south, box.north)),
                (Occur.Must, between("lon", box.west, box.east)),
            ]
        )

    def _located(self) -> Query:
        """Every document with a position."""
        return Query.boolean_query(
            [
                (Occur.Must, Query.all_query()),
                (Occur.MustNot, Query.term_query(self.schema, "cells", "none")),
            ]
        )

    def _extent(self) -> BBox | None:
        """The box around every document with a position (None: there is none), kept
        like circles: per version of the index, for CIRCLE_TTL seconds at most."""
        searcher = self.searcher()
        key = (self._version, int(searcher.num_docs))
        now = time.monotonic()
        if self._extent_of is not None:
            (known, since), extent = self._extent_of
            if known == key and now - since < CIRCLE_TTL:
                return extent
        stats = searcher.aggregate(
            self._located(),
            {"lat": {"stats": {"field": "lat"}}, "lon": {"stats": {"field": "lon"}}},
        )
        lat, lon = stats.get("lat") or {}, stats.get("lon") or {}
        extent = None
        if lat.get("count"):
            extent = BBox(south=lat["min"], west=lon["min"], north=lat["max"], east=lon["max"])
        self._extent_of = ((key, now), extent)
        return extent

    def _compose(self, text: Query | None, filters: list[Query]) -> Query:
        """The words (scored) and the filters (not scored); the profile quality's factor is
        applied when collecting (``weight_by_field``), not by extra clauses per match."""
        if not filters:
            return text if text is not None else Query.all_query()
        clauses: list[tuple[Occur, Query]] = []
        if text is not None:
            clauses.append((Occur.Must, text))
        for f in filters:
            clauses.append((Occur.Must, Query.const_score_query(f, 0.0)))
        return Query.boolean_query(clauses)

    def search(
        self,
        query: SearchQuery,
        plan: QueryPlan,
        on_page: Callable[[list[Hit]], None] | None = None,
    ) -> EngineResult:
        """The page and the facets; the facets are counted beside the page, in a thread
        of the pool (Tantivy releases the GIL while it searches; ``SEARCH_PARALLEL``).

        The page is searched in the calling thread, which then runs ``on_page`` (what
        the caller makes of the hits, such as reading them from the database) while
        the facets are still being counted. A task of the pool never waits for another
        one; the facets without a selection wait at most for the page's number of hits.
        """
        searcher = self.searcher()
        text = self._text_query(plan, searcher)
        full = self._compose(text, self._filter_clauses(query))

        def page() -> tuple[list[Hit], int]:
            return self._page(searcher, query, full, query.offset, query.limit, plan)

        if not query.facets:
            hits, total = page()
            if on_page is not None:
                on_page(hits)
            return EngineResult(hits=hits, total=total)
        terms = self._facet_terms(query)
        chosen = [f for f in FACETS if query.filters.get(f) and f != "wz"]
        if chosen:
            work = _submit(self._facets_with_choices, searcher, query, plan, text, chosen, terms)
            hits, total = page()
        else:
            counted: Future[int] = Future()
            facets_of = partial(
                self._plain_facets, searcher, query, plan, full, list(FACETS), terms
            )
            if _parallel():
                work = _submit(facets_of, counted.result, True)
                try:
                    hits, total = page()
                except BaseException as exc:
                    counted.set_exception(exc)
                    raise
                counted.set_result(total)
            else:
                hits, total = page()
                work = _submit(facets_of, lambda: total, True)
        if on_page is not None:
            on_page(hits)
        facets, approximate = work.result()
        return EngineResult(hits=hits, total=total, facets=facets, facets_approximate=approximate)

    def ids(self, query: SearchQuery, plan: QueryPlan, limit: int) -> list[int]:
        searcher = self.searcher()
        text = self._text_query(plan, searcher)
        full = self._compose(text, self._filter_clauses(query))
        hits, _total = self._page(searcher, query, full, 0, limit, plan)
        return [h.id for h in hits]

    def filter_ids(self, query: SearchQuery, ids: list[int]) -> list[int]:
        if not ids:
            return []
        searcher = self.searcher()
        keys = Query.term_set_query(self.schema, "key", [str(pk) for pk in ids])
        full = self._compose(None, [keys, *self._filter_clauses(query)])
        result = searcher.search(full, len(ids), count=False)
        return self._ids_of(searcher, [address for _score, address in result.hits])

    def _ids_of(self, searcher: tantivy.Searcher, addresses: list[Any]) -> list[int]:
        return [int(v) for v in searcher.fast_field_values("id", addresses) if v is not None]

    def _page(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        full: Query,
        offset: int,
        limit: int,
        plan: QueryPlan | None = None,
    ) -> tuple[list[Hit], int]:
        if limit <= 0:
            return [], _count(searcher, full)
        if query.sort == "distance" and query.center is not None:
            return self._nearest(searcher, query, full, offset, limit, plan)
        order_by = {"name": "name_sort", "updated": "updated"}.get(query.sort)
        ranked = plan is not None and not plan.is_empty
        if order_by is None and not ranked:
            # Relevance without words: the best profiles first.
            order_by = "boost"
        if order_by:
            order = tantivy.Order.Asc if query.sort == "name" else tantivy.Order.Desc
            result = searcher.search(
                full, limit, count=True, order_by_field=order_by, offset=offset, order=order
            )
            addresses = [address for _value, address in result.hits]
            scores = [0.0] * len(addresses)
            total = int(result.count or 0)  # type: ignore[attr-defined]
        else:
            addresses, scores, total = self._best(searcher, full, offset, limit)
        ids = self._ids_of(searcher, addresses)
        hits = [Hit(pk, score) for pk, score in zip(ids, scores, strict=True)]
        if query.center is not None:
            self._add_distances(searcher, query, addresses, hits)
        return hits, total

    def _best(
        self, searcher: tantivy.Searcher, full: Query, offset: int, limit: int
    ) -> tuple[list[Any], list[float], int]:
        """The page of best matches by relevance × quality factor, and the total.

        The best ``n`` by relevance alone, re-sorted with their factors, hold the page
        exactly once the page's last score is at least what any match beyond them could
        reach (its relevance, at most the ``n``-th, times the largest factor). Collecting
        with the factor in Tantivy (``weight_by_field``) is the same order but reads a
        fast field for every match, which costs twice as much for a common word; it is
        the way where the scores are too even for the proof (a typo's near spellings).
        """
        wanted = offset + limit
        n = max(RERANK_FIRST, 4 * wanted)
        if n <= RERANK_MAX:
            result = searcher.search(full, n, count=True)
            found = result.hits
            factors = searcher.fast_field_values("boost", [a for _s, a in found])
            ranked = sorted(
                (
                    (-(score * math.log2(2.0 + (boost or 0.0))), a.segment_ord, a.doc, a)
                    for (score, a), boost in zip(found, factors, strict=True)
                ),
                key=lambda row: row[:3],
            )
            complete = len(found) < n
            if complete or (
                len(ranked) >= wanted and -ranked[wanted - 1][0] >= found[-1][0] * MAX_FACTOR
            ):
                page = ranked[offset:wanted]
                total = int(result.count or 0)  # type: ignore[attr-defined]
                return [row[3] for row in page], [-row[0] for row in page], total
        result = searcher.search(full, limit, count=True, offset=offset, weight_by_field="boost")
        return (
            [a for _s, a in result.hits],
            [float(score) for score, _a in result.hits],
            int(result.count or 0),  # type: ignore[attr-defined]
        )

    def _add_distances(
        self, searcher: tantivy.Searcher, query: SearchQuery, addresses: list[Any], hits: list[Hit]
    ) -> None:
        assert query.center is not None
        for hit, at in zip(hits, _coordinates(searcher, addresses), strict=True):
            if at is not None:
                hit.distance_km = distance_km(query.center.lat, query.center.lon, *at)

    def _nearest(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        full: Query,
        offset: int,
        limit: int,
        plan: QueryPlan | None = None,
    ) -> tuple[list[Hit], int]:
        """Nearest first, exactly: grow a circle around the centre until it holds the
        page, then sort the matches inside it. Every match outside the circle is farther
        than every match inside, so the page is complete."""
        assert query.center is not None
        center = query.center
        total = _count(searcher, full)
        wanted = min(offset + limit, total)
        if wanted == 0:
            return [], total
        limit_km = min(query.radius_km or NEAREST_MAX_KM, NEAREST_MAX_KM)
        # As if the matches were spread evenly: the circle that should hold the page.
        radius = max(0.5, (query.radius_km or 50.0) * math.sqrt(wanted / total))
        text = self._text_query(plan, searcher) if plan is not None else None
        no_circle = dataclasses.replace(query, center=None, radius_km=None)
        unlimited = self._compose(text, self._filter_clauses(no_circle))
        while True:
            radius = min(radius, limit_km)
            if radius >= limit_km:
                if query.is_geo or limit_km < NEAREST_MAX_KM:
                    candidates, count = full, total
                else:
                    candidates = unlimited
                    count = _count(searcher, candidates)
                break
            candidates = Query.boolean_query(
                [
                    (Occur.Must, unlimited),
                    (Occur.Must, Query.const_score_query(self._circle(center, radius), 0.0)),
                ]
            )
            count = _count(searcher, candidates)
            if count >= wanted:
                break
            radius *= max(1.5, math.sqrt(wanted / max(count, 1)) * 1.2)
        # Every candidate: the circle holds the page, but its order is by distance.
        result = searcher.search(candidates, max(wanted, count), count=False)
        addresses = [address for _score, address in result.hits]
        ids = self._ids_of(searcher, addresses)
        hits = [Hit(pk, 0.0) for pk in ids]
        self._add_distances(searcher, query, addresses, hits)
        hits.sort(key=lambda h: (h.distance_km if h.distance_km is not None else math.inf, h.id))
        return hits[offset : offset + limit], total

    def _facet_terms(self, query: SearchQuery) -> Callable[[str], dict[str, Any]]:
        """The terms aggregation of a facet (WZ: the level below the deepest choice)."""
        field = {f: (wz_facet_field(query) if f == "wz" else f) for f in FACETS}

        def terms(f: str) -> dict[str, Any]:
            return {"terms": {"field": field[f], "size": FACET_SIZE.get(f, 100)}}

        return terms

    def _plain_facets(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        plan: QueryPlan,
        full: Query,
        plain: list[str],
        terms: Callable[[str], dict[str, Any]],
        total_of_page: Callable[[], int],
        guess: bool,
    ) -> tuple[dict[str, dict[str, int]], bool]:
        """The facets without a selection, counted on the result itself.

        Facet counts honour every filter but the facet's own (docs/search.md); for
        these that is the result. A result of more than ``FACET_SAMPLE_ABOVE`` documents
        is counted on sample buckets and scaled up (shown as "about"). With ``guess``,
        the size is taken from term statistics (an upper bound) where they know one, so
        that the pass runs while the page is searched; a guess the page's number of
        hits shows to be far off is counted again.
        """
        high, known = self._result_bound(searcher, query, plan)
        aggs = {f: terms(f) for f in plain}
        if high <= FACET_SAMPLE_ABOVE:
            size = high  # surely small: exact, at once
        elif guess and known:
            size = high
        else:
            size = total_of_page()
        counted, scale = self._sample(size)
        result = searcher.aggregate(counted(full), aggs)
        if size > FACET_SAMPLE_ABOVE:
            total = total_of_page()
            if total <= FACET_SAMPLE_ABOVE or total / scale < FACET_SAMPLE_SIZE / 2:
                counted, scale = self._sample(total)  # the guess was far off
                result = searcher.aggregate(counted(full), aggs)
        return {f: _buckets(result.get(f), scale) for f in plain}, scale > 1

    def _facets_with_choices(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        plan: QueryPlan,
        text: Query | None,
        chosen: list[str],
        terms: Callable[[str], dict[str, Any]],
    ) -> tuple[dict[str, dict[str, int]], bool]:
        """Every facet when some have a selection, in one aggregation pass.

        Each facet counts under every filter but its own (docs/search.md). The pass
        runs over the words and the area (with the WZ filter, under which its facet
        counts too); inside it, terms aggregations nest the facets with a selection,
        each restricted to its selected values (``include``). A chosen facet's counts
        are its buckets summed over the selected values of the others; the facets
        without a selection are summed over the selected values of all. Exact as long
        as a document falls into one bucket per level: a facet with one value per
        document, or one selected value. A facet with several selected values that a
        document may have together (growth fields, certifications, networks) is a
        filter of the pass instead, and counts its own values in a pass of its own.

        Counted exactly where the pass's set is estimated small enough, otherwise on a
        sample; a set the sample shows to be small is counted again exactly.
        """
        filters = query.facet_filters()
        nested = [f for f in chosen if f in SINGLE_VALUED or len(filters[f]) == 1]
        # Every combination of selected values is a branch of the nesting: past a few
        # dozen (twenty districts, five sizes, ...), the facet with the most values
        # becomes a filter of the pass and counts itself apart.
        while math.prod(len(filters[f]) for f in nested) > NESTED_MAX_COMBINATIONS:
            nested.remove(max(nested, key=lambda f: len(filters[f])))
        apart = [f for f in chosen if f not in nested]
        plain = [f for f in FACETS if f not in chosen]
        pass_filters = {f: v for f, v in filters.items() if f not in nested}
        base = self._compose(text, self._facet_clauses(pass_filters) + self._geo_clauses(query))
        estimate = self._estimate(searcher, query, plan, pass_filters)
        exact_up_to = NESTED_EXACT_FACTOR * FACET_SAMPLE_ABOVE
        sampled = estimate > exact_up_to
        # Sizes of the sets are needed only to judge a sample (a nested bucket has its
        # own number of documents; a count per document costs a millisecond).
        count = {"value_count": {"field": "id"}}
        aggs: dict[str, Any] = {"_n": count} if sampled else {}
        branches = {"": (nested, plain)}
        branches.update({f: ([o for o in nested if o != f], [f]) for f in nested})
        for branch, (levels, own) in branches.items():
            leaf = {f"{branch}:{f}": terms(f) for f in own}
            if sampled and not levels:
                leaf[f"{branch}:_n"] = count
            aggs.update(_nest(branch, levels, filters, leaf))

        def run(scale_for: int) -> tuple[dict[str, Any], float]:
            counted, scale = self._sample(scale_for)
            return searcher.aggregate(counted(base), aggs), scale

        result, scale = run(estimate if sampled else 0)
        if scale > 1 and _value(result.get("_n")) * scale <= exact_up_to:
            result, scale = run(0)  # the estimate was far off: the set is small
        facets: dict[str, dict[str, int]] = {}
        approximate = False
        for branch, (levels, own) in branches.items():
            n, counts = _summed(result, branch, levels, own)
            if scale > 1 and n * scale <= FACET_SAMPLE_ABOVE * 1.25:
                # A small set inside a sampled one: counted exactly, on its own.
                only = self._compose(text, self._filter_clauses(query, without=branch or None))
                exact = searcher.aggregate(only, {f: terms(f) for f in own})
                facets.update({f: _buckets(exact.get(f)) for f in own})
                continue
            facets.update({f: _scaled(counts[f], scale) for f in own})
            approximate |= scale > 1
        for f in apart:
            only = self._compose(text, self._filter_clauses(query, without=f))
            own_estimate = self._estimate(searcher, query, plan, query.facet_filters(without=f))
            counted, own_scale = self._sample(own_estimate)
            result = searcher.aggregate(counted(only), {f: terms(f), "_n": count})
            if own_scale > 1 and _value(result.get("_n")) * own_scale <= FACET_SAMPLE_ABOVE:
                result, own_scale = searcher.aggregate(only, {f: terms(f)}), 1.0
            facets[f] = _buckets(result.get(f), own_scale)
            approximate |= own_scale > 1
        return facets, approximate

    def _estimate(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        plan: QueryPlan,
        filters: dict[str, list[str]],
    ) -> int:
        """About how many documents match the words, the area and ``filters``, from term
        statistics, as if they were independent of each other. Only a guess (words and
        places go together): whoever uses it checks it against what it counted."""
        no_area = dataclasses.replace(query, center=None, radius_km=None)
        words, _known = self._size_bound(searcher, no_area, plan)
        total = max(1, int(searcher.num_docs))
        share = words / total
        if query.is_geo:
            assert query.center is not None and query.radius_km is not None
            share *= min(1.0, self._circle_bound(query.center, query.radius_km) / total)
        for facet, values in filters.items():
            share *= min(1.0, sum(searcher.doc_freq(facet, v) for v in values) / total)
        return int(share * total)

    def _result_bound(
        self, searcher: tantivy.Searcher, query: SearchQuery, plan: QueryPlan
    ) -> tuple[int, bool]:
        """At most how many documents match, from term statistics alone, and whether
        that bound says something (see ``_size_bound``)."""
        high, known = self._size_bound(searcher, query, plan)
        for facet, values in query.facet_filters().items():
            high = min(high, sum(searcher.doc_freq(facet, v) for v in values))
        return high, known

    def _size_bound(
        self, searcher: tantivy.Searcher, query: SearchQuery, plan: QueryPlan
    ) -> tuple[int, bool]:
        """At least as many documents as match the words and the circle, without
        evaluating anything (document frequencies, which still count deleted documents,
        only overestimate); and False where a word has spellings or prefixes whose
        documents term statistics cannot tell (then the bound is only the index size)."""
        bound = int(searcher.num_docs)
        known = True
        if query.is_geo:
            assert query.center is not None and query.radius_km is not None
            bound = min(bound, self._circle_bound(query.center, query.radius_km))
        for group in plan.groups:
            if group.optional:
                continue
            words = 0
            for alt in group.alternatives:
                if alt.kind in ("terms", "phrase"):
                    # Every term of the alternative is in the document, in some field.
                    words += min(
                        (sum(searcher.doc_freq(f, t) for f in TEXT_FIELDS) for t in alt.terms),
                        default=0,
                    )
                elif alt.kind == "wz":
                    words += sum(searcher.doc_freq("wz", code) for code in alt.terms)
                else:
                    words, known = bound, False
                    break
            bound = min(bound, words)
        return bound, known

    def _sample(self, size: int) -> tuple[Callable[[Query], Query], float]:
        """For a set of about ``size`` documents: how to restrict a query to a sample of
        about ``FACET_SAMPLE_SIZE`` of them, and the factor that scales counts back."""
        if size <= FACET_SAMPLE_ABOVE:
            return (lambda q: q), 1.0
        buckets = max(1, math.ceil(SAMPLE_BUCKETS * FACET_SAMPLE_SIZE / size))
        if buckets >= SAMPLE_BUCKETS:
            return (lambda q: q), 1.0
        sample = Query.term_set_query(self.schema, "sample", [str(b) for b in range(buckets)])

        def restrict(q: Query) -> Query:
            return Query.boolean_query([(Occur.Must, q), (Occur.Must, sample)])

        return restrict, SAMPLE_BUCKETS / buckets

    def clusters(
        self, query: SearchQuery, plan: QueryPlan, level: int, max_points: int
    ) -> tuple[list[Cluster], int]:
        searcher = self.searcher()
        text = self._text_query(plan, searcher)
        full = self._compose(text, self._filter_clauses(query))
        result = searcher.search(full, max_points + 1, count=True)
        total = int(result.count or 0)  # type: ignore[attr-defined]
        if total <= max_points:
            addresses = [address for _score, address in result.hits]
            ids = self._ids_of(searcher, addresses)
            points = [
                Cluster(*at, 1, pk)
                for pk, at in zip(ids, _coordinates(searcher, addresses), strict=True)
                if at is not None
            ]
            return points, total
        field = f"c{level}"
        aggs = {
            "cells": {
                "terms": {"field": field, "size": 5000},
                "aggs": {"lat": {"avg": {"field": "lat"}}, "lon": {"avg": {"field": "lon"}}},
            }
        }
        buckets = searcher.aggregate(full, aggs).get("cells", {}).get("buckets", [])
        clusters = [
            Cluster(b["lat"]["value"], b["lon"]["value"], int(b["doc_count"]))
            for b in buckets
            if b.get("lat", {}).get("value") is not None
        ]
        return clusters, total


SEARCH_POOL_THREADS = 16
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _submit(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """Run ``fn`` beside the calling thread (which goes on with other passes), or at once
    when ``SEARCH_PARALLEL`` is off. Each concurrent search holds at most one of the
    pool's threads."""
    global _executor
    if not _parallel():
        done: Future[Any] = Future()
        try:
            done.set_result(fn(*args))
        except BaseException as exc:  # handed to whoever asks for the result
            done.set_exception(exc)
        return done
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(SEARCH_POOL_THREADS, thread_name_prefix="search")
    return _executor.submit(fn, *args)


def _forget_executor() -> None:
    """In a forked child the pool's threads are gone: start a new pool on first use."""
    global _executor, _executor_lock
    _executor = None
    _executor_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_executor)


def _count(searcher: tantivy.Searcher, query: Query) -> int:
    # Tantivy wants at least one hit collected; the count is what is asked for.
    return int(searcher.search(query, 1, count=True).count or 0)  # type: ignore[attr-defined]


def _coordinates(
    searcher: tantivy.Searcher, addresses: list[Any]
) -> list[tuple[float, float] | None]:
    lats = searcher.fast_field_values("lat", addresses)
    lons = searcher.fast_field_values("lon", addresses)
    return [
        (lat, lon) if lat is not None and lon is not None and lat != NOWHERE else None
        for lat, lon in zip(lats, lons, strict=True)
    ]


def _parallel() -> bool:
    return bool(getattr(settings, "SEARCH_PARALLEL", True))


def _nest(
    branch: str, levels: list[str], filters: dict[str, list[str]], leaf: dict[str, Any]
) -> dict[str, Any]:
    """``leaf`` inside one terms aggregation per facet of ``levels``, each restricted to
    that facet's selected values; the names start with ``branch``."""
    agg = leaf
    for facet in reversed(levels):
        values = list(filters[facet])
        terms = {"field": facet, "include": values, "size": len(values)}
        agg = {f"{branch}/{facet}": {"terms": terms, "aggs": agg}}
    return agg


def _leaves(node: dict[str, Any], branch: str, levels: list[str]) -> Iterator[dict[str, Any]]:
    if not levels:
        yield node
        return
    for bucket in (node.get(f"{branch}/{levels[0]}") or {}).get("buckets", []):
        yield from _leaves(bucket, branch, levels[1:])


def _summed(
    result: dict[str, Any], branch: str, levels: list[str], facets: list[str]
) -> tuple[int, dict[str, dict[str, int]]]:
    """The documents of a branch of ``_nest`` and its facets' counts, summed over the
    selected values of its levels."""
    n = 0
    counts: dict[str, dict[str, int]] = {f: {} for f in facets}
    for leaf in _leaves(result, branch, levels):
        n += _value(leaf.get(f"{branch}:_n")) if not levels else int(leaf.get("doc_count", 0))
        for f in facets:
            into = counts[f]
            for b in (leaf.get(f"{branch}:{f}") or {}).get("buckets", []):
                key = str(b["key"])
                into[key] = into.get(key, 0) + int(b["doc_count"])
    return n, counts


def _value(metric: dict[str, Any] | None) -> int:
    return int((metric or {}).get("value") or 0)


def _scaled(counts: dict[str, int], scale: float) -> dict[str, int]:
    if scale > 1:
        return {k: max(1, round(v * scale)) for k, v in counts.items()}
    return counts


def _buckets(result: dict[str, Any] | None, scale: float = 1.0) -> dict[str, int]:
    if not result:
        return {}
    return _scaled({str(b["key"]): int(b["doc_count"]) for b in result.get("buckets", [])}, scale)
