"""The content index on Tantivy: one small index in ``SEARCH_INDEX_DIR/content``.

It holds the documents of every registered type besides organisations (``search.content``)
and lives beside the organisation index's generations, which a rebuild of organisations
replaces without touching it. Texts arrive analysed (space-separated terms); the facets
of a type go into the fields ``kw0``…``kw7`` in the order the type declares them, so a
facet is counted by one terms aggregation of its own field.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..content import ContentHit, ContentResult, IndexedContent
from ..query import Alternative, BBox, Point, QueryPlan, distance_km
from .tantivy_engine import CONTENT_DIRECTORY as DIRECTORY

SCHEMA_VERSION = "1"
MAX_FACETS = 8
KEYWORD_FIELDS = tuple(f"kw{i}" for i in range(MAX_FACETS))
FIELD_WEIGHTS = {"title": 3.0, "text": 1.0}
NOWHERE = -999.0
# Values counted per facet (a district or WZ facet has a few hundred).
FACET_SIZE = 5000
# Near spellings: how many terms of the index a fuzzy word may stand for.
FUZZY_WEIGHT = 0.05


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("type", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_text_field("key", tokenizer_name="raw", index_option="basic")  # "type:id"
    sb.add_unsigned_field("id", fast=True)
    for name in FIELD_WEIGHTS:
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_float_field("lat", indexed=True, fast=True)
    sb.add_float_field("lon", indexed=True, fast=True)
    sb.add_integer_field("date", fast=True)
    sb.add_unsigned_field("version", fast=True)
    return sb.build()


def key(type_name: str, pk: int) -> str:
    return f"{type_name}:{pk}"


class TantivyContent:
    def __init__(self, root: Path) -> None:
        self.path = Path(root) / DIRECTORY
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._index: tantivy.Index | None = None
        self._reloaded = 0.0

    # -- the index ------------------------------------------------------------------------

    def _ensure(self) -> tantivy.Index:
        with self._lock:
            if self._index is None:
                marker = self.path / "SCHEMA"
                if self.path.is_dir() and (
                    not marker.exists() or marker.read_text().strip() != SCHEMA_VERSION
                ):
                    # An index of another schema: start empty (the drift check and the
                    # rebuild fill it again).
                    shutil.rmtree(self.path, ignore_errors=True)
                self.path.mkdir(parents=True, exist_ok=True)
                self._index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
                marker.write_text(SCHEMA_VERSION)
                self._reloaded = time.monotonic()
            return self._index

    def _searcher(self) -> tantivy.Searcher:
        index = self._ensure()
        now = time.monotonic()
        if now - self._reloaded > 1.0:  # another process (a worker) may have written
            index.reload()
            self._reloaded = now
        return index.searcher()

    def _write(self, delete: Query | None, documents: list[IndexedContent]) -> None:
        with self._lock:
            index = self._ensure()
            writer = None
            for attempt in range(100):  # one writer per index; another process may hold it
                try:
                    writer = index.writer(heap_size=15_000_000, num_threads=1)
                    break
                except ValueError:
                    if attempt == 99:
                        raise
                    time.sleep(0.1)
            assert writer is not None
            try:
                if delete is not None:
                    writer.delete_documents_by_query(delete)
                for doc in documents:
                    writer.add_json(self._document(doc))
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            index.reload()
            self._reloaded = time.monotonic()

    def _document(self, doc: IndexedContent) -> str:
        """The document as JSON (the schema gives each value its type)."""
        fields: dict[str, Any] = {
            "type": doc.type,
            "key": key(doc.type, doc.id),
            "id": doc.id,
            "title": doc.title_terms,
            "text": doc.text_terms,
            "lat": doc.lat if doc.lat is not None else NOWHERE,
            "lon": doc.lon if doc.lon is not None else NOWHERE,
            "date": doc.date,
            "version": doc.version,
        }
        for position, values in enumerate(doc.facet_values):
            if values:
                fields[KEYWORD_FIELDS[position]] = list(values)
        return json.dumps(fields, ensure_ascii=False)

    def _type(self, type_name: str) -> Query:
        return Query.term_query(self.schema, "type", type_name)

    # -- writing --------------------------------------------------------------------------

    def update(self, type_name: str, documents: list[IndexedContent], remove: list[int]) -> None:
        stale = [key(type_name, pk) for pk in (*remove, *(d.id for d in documents))]
        delete = Query.term_set_query(self.schema, "key", stale) if stale else None
        self._write(delete, documents)

    def replace(self, type_name: str, documents: list[IndexedContent]) -> None:
        self._write(self._type(type_name), documents)

    def clear(self) -> None:
        self._write(Query.all_query(), [])

    # -- reading --------------------------------------------------------------------------

    def _all(self, searcher: tantivy.Searcher, query: Query) -> list[Any]:
        """Every matching document's address."""
        n = int(searcher.num_docs)
        if n == 0:
            return []
        return [address for _score, address in searcher.search(query, n).hits]

    def versions(self, type_name: str) -> dict[int, int]:
        searcher = self._searcher()
        addresses = self._all(searcher, self._type(type_name))
        ids = searcher.fast_field_values("id", addresses)
        versions = searcher.fast_field_values("version", addresses)
        return {
            int(i): int(v)
            for i, v in zip(ids, versions, strict=True)
            if i is not None and v is not None
        }

    def known(self, terms: Iterable[str]) -> set[str]:
        searcher = self._searcher()
        return {t for t in terms if any(searcher.doc_freq(f, t) for f in FIELD_WEIGHTS)}

    def terms_with_prefix(self, prefix: str, limit: int) -> list[str]:
        searcher = self._searcher()
        counts: dict[str, int] = {}
        for name in FIELD_WEIGHTS:
            for term, count in searcher.terms_with_prefix(name, prefix, limit=limit):
                counts[term] = counts.get(term, 0) + count
        return [t for t, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:limit]]

    def _alternative(self, alt: Alternative) -> Query:
        def across(make: Any) -> Query:
            return Query.boolean_query(
                [(Occur.Should, Query.boost_query(make(f), w)) for f, w in FIELD_WEIGHTS.items()]
            )

        if alt.kind == "terms":
            q = Query.boolean_query(
                [
                    (Occur.Must, across(lambda f, t=t: Query.term_query(self.schema, f, t)))
                    for t in alt.terms
                ]
            )
        elif alt.kind == "phrase":
            q = across(lambda f: Query.phrase_query(self.schema, f, list(alt.terms)))
        elif alt.kind == "fuzzy":
            q = Query.const_score_query(
                across(
                    lambda f: Query.fuzzy_term_query(
                        self.schema,
                        f,
                        alt.terms[0],
                        distance=alt.distance,
                        transposition_cost_one=True,
                    )
                ),
                FUZZY_WEIGHT,
            )
        elif alt.kind == "prefix":
            terms = self.terms_with_prefix(alt.terms[0], 40)
            if not terms:
                return Query.empty_query()
            q = across(lambda f: Query.term_set_query(self.schema, f, terms))
        else:  # "wz": the content types have no WZ notes; such a word matches nothing
            return Query.empty_query()
        return Query.boost_query(q, alt.weight) if alt.weight != 1.0 else q

    def _text(self, plan: QueryPlan) -> Query | None:
        if plan.is_empty:
            return None
        clauses = []
        for group in plan.groups:
            alternatives = [(Occur.Should, self._alternative(a)) for a in group.alternatives]
            occur = Occur.Should if group.optional else Occur.Must
            clauses.append((occur, Query.boolean_query(alternatives)))
        # Only optional groups (any word): a boolean query of should-clauses wants one.
        return Query.boolean_query(clauses)

    def _near(
        self, searcher: tantivy.Searcher, type_name: str, geo: tuple[float, float, float]
    ) -> Query:
        """Documents of the type inside the circle: the box in the index, the circle checked
        on the box's documents."""
        lat, lon, radius = geo
        box = BBox.around(Point(lat, lon), radius)
        in_box = Query.boolean_query(
            [
                (Occur.Must, self._type(type_name)),
                (
                    Occur.Must,
                    Query.range_query(
                        self.schema, "lat", tantivy.FieldType.Float, box.south, box.north
                    ),
                ),
                (
                    Occur.Must,
                    Query.range_query(
                        self.schema, "lon", tantivy.FieldType.Float, box.west, box.east
                    ),
                ),
            ]
        )
        addresses = self._all(searcher, in_box)
        ids = searcher.fast_field_values("id", addresses)
        lats = searcher.fast_field_values("lat", addresses)
        lons = searcher.fast_field_values("lon", addresses)
        inside = [
            key(type_name, int(pk))
            for pk, a, b in zip(ids, lats, lons, strict=True)
            if pk is not None
            and a is not None
            and b is not None
            and distance_km(lat, lon, float(a), float(b)) <= radius
        ]
        if not inside:
            return Query.empty_query()
        return Query.term_set_query(self.schema, "key", inside)

    def search(
        self,
        type_name: str,
        plan: QueryPlan,
        filters: dict[str, list[str]],
        facet_names: list[str],
        geo: tuple[float, float, float] | None,
        offset: int,
        limit: int,
        count_facets: bool = True,
    ) -> ContentResult:
        if len(facet_names) > MAX_FACETS:
            raise ValueError(f"A content type has at most {MAX_FACETS} facets")
        searcher = self._searcher()
        field_of = {name: KEYWORD_FIELDS[i] for i, name in enumerate(facet_names)}
        text = self._text(plan)
        base: list[Query] = [self._type(type_name)]
        if geo is not None:
            base.append(self._near(searcher, type_name, geo))

        def compose(without: str | None = None) -> Query:
            clauses: list[tuple[Occur, Query]] = []
            if text is not None:
                clauses.append((Occur.Must, text))
            for q in base:
                clauses.append((Occur.Must, Query.const_score_query(q, 0.0)))
            for name, values in filters.items():
                if name != without and values:
                    q = Query.term_set_query(self.schema, field_of[name], list(values))
                    clauses.append((Occur.Must, Query.const_score_query(q, 0.0)))
            return Query.boolean_query(clauses)

        full = compose()
        if text is None:
            result = searcher.search(
                full,
                max(limit, 1),
                count=True,
                order_by_field="date",
                offset=offset,
                order=tantivy.Order.Desc,
            )
            pairs = [(0.0, address) for _value, address in result.hits]
        else:
            result = searcher.search(full, max(limit, 1), count=True, offset=offset)
            pairs = [(float(score), address) for score, address in result.hits]
        total = int(result.count or 0)  # type: ignore[attr-defined]
        pairs = pairs[:limit]
        ids = searcher.fast_field_values("id", [a for _s, a in pairs])
        hits = [
            ContentHit(id=int(pk), score=score)
            for (score, _a), pk in zip(pairs, ids, strict=True)
            if pk is not None
        ]
        if geo is not None and hits:
            lats = searcher.fast_field_values("lat", [a for _s, a in pairs])
            lons = searcher.fast_field_values("lon", [a for _s, a in pairs])
            for hit, a, b in zip(hits, lats, lons, strict=True):
                if a is not None and b is not None:
                    hit.distance_km = distance_km(geo[0], geo[1], float(a), float(b))
        return ContentResult(
            hits=hits,
            total=total,
            facets=self._facets(searcher, compose, filters, field_of) if count_facets else {},
        )

    def _facets(
        self,
        searcher: tantivy.Searcher,
        compose: Any,
        filters: dict[str, list[str]],
        field_of: dict[str, str],
    ) -> dict[str, dict[str, int]]:
        """Each facet's counts honour every filter but its own: the facets without a
        selection in one pass over the result, each selected one in a pass of its own."""
        counts: dict[str, dict[str, int]] = {}
        plain = [name for name in field_of if not filters.get(name)]
        if plain:
            aggs = {n: {"terms": {"field": field_of[n], "size": FACET_SIZE}} for n in plain}
            result = searcher.aggregate(compose(), aggs)
            for name in plain:
                counts[name] = _buckets(result.get(name))
        for name in field_of:
            if filters.get(name):
                aggs = {name: {"terms": {"field": field_of[name], "size": FACET_SIZE}}}
                counts[name] = _buckets(searcher.aggregate(compose(without=name), aggs).get(name))
        return counts


def _buckets(result: dict[str, Any] | None) -> dict[str, int]:
    if not result:
        return {}
    return {str(b["key"]): int(b["doc_count"]) for b in result.get("buckets", []) if b["doc_count"]}
