"""PostgreSQL full-text search, for deployments with several web nodes on one database.

The same analysed terms as the Tantivy engine go into one ``tsvector`` per
organisation (name weight A, offers B, description C, place D, WZ codes as
``wz:<code>`` lexemes), built with the ``simple`` configuration, so PostgreSQL
adds no analysis of its own. Typos are looked up in ``search_pg_term`` with
``fuzzystrmatch``. A rebuild runs in one transaction: readers see the old rows
until it commits.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from ..documents import CLUSTER_LEVELS, SearchDocument
from ..query import (
    FIELD_WEIGHTS,
    BBox,
    QueryPlan,
    SearchQuery,
    quality_factor,
)
from ..vectors.store import PostgresVectorStore, VectorStore
from . import postgres_facets
from .base import Cluster, EngineResult, Hit, SearchEngine
from .postgres_beside import beside
from .postgres_cells import CellTable, new_deltas
from .postgres_cells import add as add_cells
from .postgres_facets import (
    SAMPLE_BUCKETS,
    SAMPLE_LEVELS,
    buckets_for,
    count_facets,
    estimate_large,
    exact_count,
    filter_sql,
    sample_counts,
    sample_sql,
)
from .postgres_plans import without
from .postgres_tsquery import TsQueries, TsWords
from .tantivy_engine import sample_bucket, wz_facet_field

# ts_rank weights for {D, C, B, A}: place, description, offers, name (see FIELD_WEIGHTS).
RANK_WEIGHTS = (
    "{"
    + ", ".join(
        f"{FIELD_WEIGHTS[f] / FIELD_WEIGHTS['name']:.3f}"
        for f in ("place", "description", "offers", "name")
    )
    + "}"
)
EARTH_KM = 6371.0088
# Nearest first without a radius: the first circle tried as if this were the radius.
NEAREST_KM = 100.0
COLUMNS = (
    "id, name_sort, kind, size, district, wz, growth, network, cert, quality, lat, lon, "
    "cells, updated, version, sample, boost, body"
)
# Where ``_row`` puts a document's cells, one per level of CLUSTER_LEVELS.
CELLS_COLUMN = [column.strip() for column in COLUMNS.split(",")].index("cells")
# With the RUM index, a ranked page is taken from this many best candidates by RUM's own
# rank (``<=>``, at least four times the page's end), re-ranked with the field weights
# and the quality factor: exact where the candidates are every match.
RERANK_CANDIDATES = 1000
# Up to this many matches (the sample's estimate), every match is ranked even with RUM:
# ordering them by RUM's rank reads and sorts them all too, and costs more than ranking
# them with the field weights (docs/performance.md); the order is then exact.
RANK_EVERY_UP_TO = 5000
# Where any of many words may match and the matches are more than ``RANK_EVERY_UP_TO``,
# up to about this many documents with the rarest of the words are ranked
# (``_rarest_words``; 2,000 lost more good candidates of the matching, docs/performance.md).
RARE_WORDS_RANKED = 5000
RUM_INDEX = "search_pg_document_rum"
# The names alone (weight A), and RUM's index of them (migration 0007): a common word's
# best candidates are taken there first.
NAMES = "ts_filter(body, '{a}')"
NAMES_INDEX = "search_pg_document_names"
# Where the words are in more documents of the whole index than this, the candidates are
# taken from the names first: RUM's order reads them all, whatever the filters, and costs
# more than 100 ms for such a word at a million (docs/performance.md).
NAMES_FIRST_ABOVE = 100_000
CREATE_NAMES = (
    f"CREATE INDEX IF NOT EXISTS {NAMES_INDEX} ON search_pg_document "
    f"USING rum ({NAMES} rum_tsvector_ops)"
)
# Where a rebuild writes before it takes the table's place.
NEW_TABLE = "search_pg_document_new"
# The RUM index covers every row but only serves statements that say so (this
# condition, always true): its bitmap scans are many times slower than GIN's (a need of
# three words in a 20 km circle at 100,000: 88 against 3 ms), and the planner, costing
# both alike, took either (migration 0008).
RUM_ROWS = "sample >= 0"
CREATE_RUM = (
    f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON search_pg_document "
    f"USING rum (body rum_tsvector_ops) WHERE {RUM_ROWS}"
)
BODY = (
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') || "
    "setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D') || "
    "setweight(array_to_tsvector(%s::text[]), 'D')"
)


@dataclasses.dataclass
class Sampled:
    """What the smallest sample level tells of a search's result (``sample_counts``)."""

    # About how many documents match (the estimate, or the sample scaled up).
    rough: int
    # About how many match the words and the area without the facet filters (0: none).
    base: int
    # The estimated number of a large result; None where it is counted exactly.
    estimate: int | None


def _row(doc: SearchDocument) -> list[Any]:
    cells = doc.cells()
    return [
        doc.id,
        doc.name_sort,
        doc.kind,
        doc.size or "unknown",
        doc.district or "none",
        doc.wz,
        doc.growth,
        doc.network,
        doc.cert,
        doc.quality,
        doc.lat,
        doc.lon,
        [cells.get(level, -1) for level in CLUSTER_LEVELS],
        doc.updated,
        doc.version(),
        sample_bucket(doc.id),
        quality_factor(doc.quality),
        doc.name_terms,
        doc.offers_terms,
        doc.description_terms,
        doc.place_terms,
        [f"wz:{code}" for code in doc.wz],
    ]


INSERT = (
    f"INSERT INTO search_pg_document ({COLUMNS}) VALUES "
    f"(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, {BODY})"
)


class PostgresEngine(TsQueries, SearchEngine):
    name = "postgres"

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                "SEARCH_ENGINE=postgres needs DATABASE_URL to point at PostgreSQL"
            )
        self._vectors = PostgresVectorStore()
        self._rum: set[str] | None = None
        self._cells = CellTable()

    def vector_store(self) -> VectorStore:
        return self._vectors

    # -- writing --------------------------------------------------------------------------

    def update(self, documents: Iterable[SearchDocument], remove: Iterable[int] = ()) -> None:
        documents = list(documents)
        stale = [*remove, *(d.id for d in documents)]
        deltas = new_deltas()
        with transaction.atomic(), connection.cursor() as cursor:
            if stale:
                cursor.execute(
                    "DELETE FROM search_pg_document WHERE id = ANY(%s) RETURNING cells, lat, lon",
                    [stale],
                )
                for cells, lat, lon in cursor.fetchall():
                    if lat is not None and lon is not None:
                        add_cells(deltas, cells, lat, lon, -1)
            if documents:
                rows = [_row(d) for d in documents]
                cursor.executemany(INSERT, rows)
                self._add_terms(cursor, documents)
                for doc, row in zip(documents, rows, strict=True):
                    if doc.lat is not None and doc.lon is not None:
                        add_cells(deltas, row[CELLS_COLUMN], doc.lat, doc.lon, 1)
            self._cells.record(cursor, deltas)

    def _add_terms(self, cursor: Any, documents: list[SearchDocument]) -> None:
        terms = set()
        for doc in documents:
            for text in (doc.name_terms, doc.offers_terms, doc.description_terms, doc.place_terms):
                terms.update(text.split())
        cursor.execute(
            "INSERT INTO search_pg_term (term) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
            [sorted(terms)],
        )

    def encode(self, doc: SearchDocument) -> list[Any]:
        return _row(doc)

    def rebuild(
        self,
        batches: Iterator[list[Any]],
        total: int,
        progress: Callable[[int], None],
        vectors: Callable[[VectorStore], None] | None = None,
    ) -> None:
        """Writes a new table without indexes, indexes it in one go (far cheaper than
        keeping GIN and RUM indexes current row by row) and puts it in the old one's
        place, all in one transaction: readers see the old table until the commit and
        wait only for the switch itself."""
        done = 0
        with transaction.atomic(), connection.cursor() as cursor:
            self._ensure_rum(cursor)
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                "current_schema() AND tablename = 'search_pg_document' "
                "AND indexname <> 'search_pg_document_pkey'"
            )
            indexes = cursor.fetchall()
            cursor.execute(f"DROP TABLE IF EXISTS {NEW_TABLE}")
            cursor.execute(f"CREATE TABLE {NEW_TABLE} (LIKE search_pg_document INCLUDING DEFAULTS)")
            insert = INSERT.replace("search_pg_document", NEW_TABLE, 1)
            for batch in batches:
                cursor.executemany(insert, batch)
                done += len(batch)
                progress(done)
            cursor.execute(
                f"ALTER TABLE {NEW_TABLE} "
                "ADD CONSTRAINT search_pg_document_pkey_new PRIMARY KEY (id)"
            )
            for name, definition in indexes:
                cursor.execute(
                    definition.replace(f"INDEX {name} ON", f"INDEX {name}_new ON", 1).replace(
                        ".search_pg_document ", f".{NEW_TABLE} ", 1
                    )
                )
            cursor.execute(f"ANALYZE {NEW_TABLE}")
            cursor.execute("DROP TABLE search_pg_document")
            cursor.execute(f"ALTER TABLE {NEW_TABLE} RENAME TO search_pg_document")
            for name in ["search_pg_document_pkey", *(name for name, _d in indexes)]:
                cursor.execute(f"ALTER INDEX {name}_new RENAME TO {name}")
            cursor.execute("DELETE FROM search_pg_term")
            cursor.execute(
                "INSERT INTO search_pg_term (term, documents) SELECT word, ndoc FROM "
                "ts_stat('SELECT body FROM search_pg_document') WHERE word NOT LIKE 'wz:%%'"
            )
            self._cells.refill(cursor)
        if not connection.in_atomic_block:
            with connection.cursor() as cursor:
                # The visibility map: counts read the index without visiting the rows.
                cursor.execute("VACUUM search_pg_document")
        if vectors is not None:
            # In batches of their own: the model must not hold the index transaction.
            vectors(self._vectors)

    def _ensure_rum(self, cursor: Any) -> None:
        """The RUM index where the extension was installed after the migrations ran
        (``scripts/ensure-postgres-rum``); in a savepoint: a role that may not create
        the extension keeps GIN alone."""
        cursor.execute(
            "SELECT to_regclass(%s) IS NULL AND EXISTS "
            "(SELECT 1 FROM pg_available_extensions WHERE name = 'rum')",
            [RUM_INDEX],
        )
        if not cursor.fetchone()[0]:
            return
        try:
            with transaction.atomic():
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
                cursor.execute(CREATE_RUM)
                cursor.execute(CREATE_NAMES)
        except DatabaseError:
            return
        self._rum = None

    def summary_drift(self) -> list[str]:
        with connection.cursor() as cursor:
            differing = self._cells.differing(cursor)
        if not differing:
            return []
        return [
            _("The map clusters kept per zoom level differ from the index in %(count)s cells.")
            % {"count": f"{differing:,}"}
        ]

    def refresh_summaries(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("LOCK TABLE search_pg_cell IN EXCLUSIVE MODE")
            self._cells.refill(cursor)

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_pg_document")
            return int(cursor.fetchone()[0])

    def versions(self) -> Iterator[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, version FROM search_pg_document")
            while rows := cursor.fetchmany(10_000):
                yield from ((int(pk), int(version)) for pk, version in rows)

    def clear(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_pg_document")
            cursor.execute("DELETE FROM search_pg_term")
            cursor.execute("DELETE FROM search_pg_cell")
        self._vectors.clear()

    # -- terms ----------------------------------------------------------------------------

    def known(self, terms: Iterable[str]) -> set[str]:
        terms = list(terms)
        if not terms:
            return set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT term FROM search_pg_term WHERE term = ANY(%s)", [terms])
            return {row[0] for row in cursor.fetchall()}

    def terms_with_prefix(self, prefix: str, limit: int) -> list[str]:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_pg_term WHERE term LIKE %s "
                "ORDER BY documents DESC, term LIMIT %s",
                [pattern, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def _near_terms(self, term: str, distance: int) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_pg_term WHERE length(term) BETWEEN %s AND %s "
                "AND levenshtein_less_equal(term, %s, %s) <= %s "
                "ORDER BY documents DESC LIMIT 50",
                [len(term) - distance, len(term) + distance, term, distance, distance],
            )
            return [row[0] for row in cursor.fetchall()]

    # -- queries --------------------------------------------------------------------------

    def _where(
        self, query: SearchQuery, must: str | None, without: str | None = None
    ) -> tuple[str, list[Any]]:
        conditions: list[str] = ["TRUE"]
        params: list[Any] = []
        if must is not None:
            conditions.append("body @@ %s::tsquery")
            params.append(must)
        for facet, values in query.facet_filters(without).items():
            conditions.append(filter_sql(facet))
            params.append(list(values))
        if query.is_geo:
            assert query.center is not None and query.radius_km is not None
            b = BBox.around(query.center, query.radius_km)
            box = [b.south, b.north, b.west, b.east]
            conditions.append(
                f"lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s AND {_distance_sql()} <= %s"
            )
            params += [*box, query.center.lat, query.center.lat, query.center.lon, query.radius_km]
        if query.bbox is not None:
            b = query.bbox
            conditions.append("lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s")
            params += [b.south, b.north, b.west, b.east]
        return " AND ".join(conditions), params

    def search(
        self,
        query: SearchQuery,
        plan: QueryPlan,
        on_page: Callable[[list[Hit]], None] | None = None,
    ) -> EngineResult:
        """The page, the number of hits and the facets.

        One count on the smallest sample level tells how large the result is (and the
        set without the facet filters, and the matches of the words as typed). The
        facets, and the exact number of hits of a small result, are then counted beside
        the page on a second connection (``postgres_beside``), the exact number taken
        from the facet pass where that pass is exact. The page is searched in the
        calling thread, which then runs ``on_page`` while the facets are still being
        counted."""
        words = self._words(plan)
        must, ranked = words.must, words.ranked
        where, params = self._where(query, must)
        filters = query.facet_filters()
        base, base_params = (
            self._where(dataclasses.replace(query, filters={}), must)
            if filters
            else (where, params)
        )
        typed = self._core(plan)
        with connection.cursor() as cursor:
            found, base_found, typed_found = sample_counts(
                cursor, base, base_params, filters, typed
            )
            estimate = estimate_large(
                cursor, where, params, found, postgres_facets.TOTAL_EXACT_UP_TO
            )
        sampled = Sampled(
            found * SAMPLE_BUCKETS // SAMPLE_LEVELS[0] if estimate is None else estimate,
            base_found * SAMPLE_BUCKETS // SAMPLE_LEVELS[0] if filters else 0,
            estimate,
        )

        def counts() -> tuple[int, dict[str, dict[str, int]], bool]:
            with connection.cursor() as cursor:
                return self._counts(cursor, query, where, params, base, base_params, sampled)

        if query.facets:
            counted = beside(counts)
            total = sampled.rough
        elif query.count:
            counted = None
            total, _facets, _approximate = counts()
        else:
            # The best hits alone: the sample tells whether every match is ranked (a
            # small result, which the smallest sample level may even miss) or the best
            # candidates; no count of its own.
            counted = None
            total = max(sampled.rough, 1)
        hits: list[Hit] = []
        if query.limit > 0 and (total > 0 or counted is not None):
            with connection.cursor() as cursor:
                page_where, page_params, page_must, page_total = where, params, must, total
                rarest = self._rarest_words(cursor, query, plan, words, where, params, total)
                if rarest is not None:
                    page_must, page_total = rarest
                    page_where, page_params = self._where(query, page_must)
                hits = self._page(
                    cursor,
                    query,
                    page_where,
                    page_params,
                    (page_must, ranked, typed),
                    query.offset,
                    query.limit,
                    page_total,
                    typed_found,
                )
        if on_page is not None:
            on_page(hits)
        if counted is None:
            approximate = estimate is not None or not query.count
            return EngineResult(hits=hits, total=total, total_approximate=approximate)
        total, facets, facets_approximate = counted.result()
        return EngineResult(
            hits=hits,
            total=total,
            facets=facets,
            facets_approximate=facets_approximate,
            total_approximate=estimate is not None,
        )

    def _rarest_words(
        self,
        cursor: Any,
        query: SearchQuery,
        plan: QueryPlan,
        words: TsWords,
        where: str,
        params: list[Any],
        total: int,
    ) -> tuple[str, int] | None:
        """Where any of many words may match (a need of several sentences, a search
        widened to some of its words) and the matches are too many to rank them all:
        the words that the fewest documents hold, as a tsquery of what must match, and
        about how many do. Ranking every match of every word (``ts_rank`` has no notion
        of a word's rarity) cost a second for a need of nine words at 100,000; the
        documents with none of its rarer words would rank low anyway. Every word still
        adds to the rank. None where this does not apply."""
        if query.sort != "relevance" or total <= RANK_EVERY_UP_TO or len(plan.groups) < 2:
            return None
        if not all(group.optional for group in plan.groups):
            return None
        texts = words.optional
        if len(texts) < 2:
            return None
        cursor.execute(
            "SELECT "
            + ", ".join("count(*) FILTER (WHERE body @@ %s::tsquery)" for _t in texts)
            + f" FROM search_pg_document WHERE {where}{sample_sql(SAMPLE_LEVELS[0])}",
            [*texts, *params],
        )
        scale = SAMPLE_BUCKETS // SAMPLE_LEVELS[0]
        found = sorted(
            zip((int(n) * scale for n in cursor.fetchone()), texts, strict=True),
            key=lambda pair: pair[0],
        )
        wanted = max(4 * (query.offset + query.limit), RARE_WORDS_RANKED)
        chosen: list[str] = []
        about = 0
        for count, text in found:
            if chosen and about + count > wanted:
                break
            chosen.append(text)
            about += count
        if about > RANK_EVERY_UP_TO or len(chosen) == len(texts):
            return None  # even the rarest word is common: the candidates as before
        return " | ".join(chosen), max(about, 1)

    def _counts(
        self,
        cursor: Any,
        query: SearchQuery,
        where: str,
        params: list[Any],
        base: str,
        base_params: list[Any],
        sampled: Sampled,
    ) -> tuple[int, dict[str, dict[str, int]], bool]:
        """The number of hits (the estimate of a large result, else exact) and, where
        the query asks for them, the facets (``postgres_facets``: in one pass over the
        words and the area, each facet under every filter but its own). A small result
        whose facets are counted exactly takes its number from the same pass."""
        total = sampled.estimate
        if not query.facets:
            return (exact_count(cursor, where, params) if total is None else total), {}, False
        size = max(sampled.rough, sampled.base)
        if total is None and buckets_for(size) < SAMPLE_BUCKETS:
            # Too many to count the facets exactly: the number of hits decides the
            # sample level, as the facet pass would see it.
            total = exact_count(cursor, where, params)
            size = max(total, sampled.base)
        level = int(wz_facet_field(query).removeprefix("wz"))
        facets, approximate, counted = count_facets(
            cursor, base, base_params, query.facet_filters(), size, level, total is None
        )
        if total is None:
            # The pass was exact (it said so); ``exact_count`` where a test makes it not.
            total = counted if counted is not None else exact_count(cursor, where, params)
        return total, facets, approximate

    def ids(self, query: SearchQuery, plan: QueryPlan, limit: int) -> list[int]:
        must, ranked = self._tsquery(plan)
        where, params = self._where(query, must)
        words = (must, ranked, self._core(plan))
        with connection.cursor() as cursor:
            return [h.id for h in self._page(cursor, query, where, params, words, 0, limit)]

    def filter_ids(self, query: SearchQuery, ids: list[int]) -> list[int]:
        if not ids:
            return []
        where, params = self._where(query, None)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM search_pg_document WHERE id = ANY(%s) AND {where}",
                [list(ids), *params],
            )
            return [int(row[0]) for row in cursor.fetchall()]

    def _core(self, plan: QueryPlan) -> str | None:
        """The words as typed (each required word's alternatives of full weight, no
        synonyms, parts or near spellings) as a tsquery: the candidates of a large
        result are the best documents that have them (None: a word has none)."""
        parts = []
        for group in plan.groups:
            if group.optional:
                continue
            typed = [
                self._alternative(a)
                for a in group.alternatives
                if a.kind in ("terms", "phrase") and a.weight >= 1.0
            ]
            if not typed:
                return None
            parts.append("(" + " | ".join(t for t in typed if t) + ")")
        return " & ".join(parts) if parts else None

    def has_rum(self, index: str = RUM_INDEX) -> bool:
        """Whether a RUM index exists (migrations 0006 and 0007 make them where the
        extension is available); looked up once per process."""
        if self._rum is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT name FROM unnest(%s::text[]) AS name "
                    "WHERE to_regclass(name) IS NOT NULL",
                    [[RUM_INDEX, NAMES_INDEX]],
                )
                self._rum = {name for (name,) in cursor.fetchall()}
        return index in self._rum

    def _listed(self, cursor: Any, words: str) -> int:
        """About how many documents of the whole index hold ``words``: RUM's order reads
        every one of them, whatever the filters (the smallest sample level, scaled up)."""
        cursor.execute(
            "SELECT count(*) FROM search_pg_document WHERE body @@ %s::tsquery"
            f"{sample_sql(SAMPLE_LEVELS[0])}",
            [words],
        )
        return int(cursor.fetchone()[0]) * SAMPLE_BUCKETS // SAMPLE_LEVELS[0]

    def _name_candidates(
        self, cursor: Any, query: SearchQuery, by: str, candidates: int
    ) -> list[int] | None:
        """The best ``candidates`` matches by RUM's rank among those with the words in
        their name or offers (weights A and B, the small index ``NAMES_INDEX``), which
        outrank a match in the description alone; None where fewer have them there."""
        where, params = self._where(query, None)
        # Along RUM's order, the filters checked row by row until the candidates are
        # there: the planner would rather combine the area's bitmap with the text's
        # and read every match (a word, a circle and two facets at a million: 157
        # against 12 ms).
        with without(cursor, "bitmapscan"):
            cursor.execute(
                f"SELECT id FROM search_pg_document WHERE {where} "
                f"AND {NAMES} @@ %s::tsquery ORDER BY {NAMES} <=> %s::tsquery "
                f"LIMIT {int(candidates)}",
                [*params, by, by],
            )
            ids = [int(pk) for (pk,) in cursor.fetchall()]
        return ids if len(ids) >= candidates else None

    def _page(
        self,
        cursor: Any,
        query: SearchQuery,
        where: str,
        params: list[Any],
        words: tuple[str | None, str | None, str | None],
        offset: int,
        limit: int,
        total: int | None = None,
        typed_found: int | None = None,
    ) -> list[Hit]:
        """A page of matches in the query's order; ``words``: what must match, what
        ranks, the words as typed (tsquery texts, see ``_tsquery`` and ``_core``).

        By relevance with words: ``ts_rank`` with the field weights times the profile
        quality's factor (``boost``). Up to ``RANK_EVERY_UP_TO`` matches (``total``),
        every match. Above, with the RUM index, only the best candidates are
        ranked so (``RERANK_CANDIDATES``, at least four times the page's end): every
        match where there are no more (exact); otherwise the best by RUM's rank among
        the matches of the words as typed, or among all matches where those are too
        few. Without RUM, every match is ranked (exact, slower for a common word in a
        large index). Without words, the best profiles first.

        Nearest first among many matches (``total``): first inside circles that should
        hold the page were the matches spread evenly, grown until one does; everything
        outside a circle is farther than everything inside, so a page it fills is
        exact."""
        must, ranked, typed = words
        wanted = offset + limit
        if query.sort == "distance" and query.center is not None and total and total > 4 * wanted:
            limit_km = min(query.radius_km or NEAREST_KM, NEAREST_KM)
            radius = max(0.5, limit_km * math.sqrt(2 * wanted / total))
            while radius < limit_km:
                inner = dataclasses.replace(query, radius_km=radius)
                where_inner, params_inner = self._where(inner, must)
                hits = self._page(cursor, query, where_inner, params_inner, words, offset, limit)
                if len(hits) == limit:
                    return hits
                radius *= 2
        select_params: list[Any] = []
        source, source_where = "search_pg_document", where
        source_params: list[Any] = []
        where_params = params
        relevance = query.sort == "relevance" or (query.sort == "distance" and not query.center)
        candidates = max(RERANK_CANDIDATES, 4 * wanted)
        if ranked:
            score = f"ts_rank('{RANK_WEIGHTS}'::float4[], body, %s::tsquery) * boost"
            select_params.append(ranked)
            if relevance and must and self.has_rum() and not (total and total <= RANK_EVERY_UP_TO):
                # Among many matches, the words as typed where they are many too (a
                # document with them matches: they are alternatives of every word).
                by = must
                if typed and total and total > candidates:
                    if typed_found is None:
                        cursor.execute(
                            f"SELECT count(*) FROM search_pg_document WHERE {where} "
                            f"AND body @@ %s::tsquery{sample_sql(SAMPLE_LEVELS[0])}",
                            [*params, typed],
                        )
                        typed_found = int(cursor.fetchone()[0])
                    if typed_found * SAMPLE_BUCKETS >= 4 * candidates:
                        by = typed
                best = None
                if (
                    total
                    and total > 4 * candidates
                    and self.has_rum(NAMES_INDEX)
                    and self._listed(cursor, must) > NAMES_FIRST_ABOVE
                ):
                    best = self._name_candidates(cursor, query, must, candidates)
                if best is not None:
                    source = "search_pg_document"
                    source_where, where_params = "id = ANY(%s)", [best]
                else:
                    where_by, params_by = self._where(query, by)
                    source = (
                        f"(SELECT * FROM search_pg_document WHERE {where_by} AND {RUM_ROWS} "
                        f"ORDER BY body <=> %s::tsquery LIMIT {int(candidates)}) AS candidates"
                    )
                    source_params = [*params_by, by]
                    source_where, where_params = "TRUE", []
        else:
            score = "boost"
        distance = "NULL"
        if query.center is not None:
            distance = _distance_sql()
            select_params += [query.center.lat, query.center.lat, query.center.lon]
        order = {
            "relevance": f"{'score' if ranked else 'boost'} DESC, id",
            "name": "name_sort, id",
            "updated": "updated DESC, id",
            "distance": "distance NULLS LAST, id" if query.center else "score DESC, id",
        }[query.sort]
        # A few thousand matches at most, known from the sample: read through the text
        # index. The planner, adding up the estimates of many alternatives, would read
        # the whole table (a need of twelve words at 100,000: 207 against 52 ms).
        few = (
            bool(must)
            and source == "search_pg_document"
            and total is not None
            and total <= RANK_EVERY_UP_TO
        )
        with without(cursor, *(["seqscan"] if few else [])):
            cursor.execute(
                f"SELECT id, {score} AS score, {distance} AS distance "
                f"FROM {source} WHERE {source_where} ORDER BY {order} LIMIT %s OFFSET %s",
                [*select_params, *source_params, *where_params, limit, offset],
            )
            rows = cursor.fetchall()
        return [
            Hit(int(pk), float(score or 0.0), float(dist) if dist is not None else None)
            for pk, score, dist in rows
        ]

    def clusters(
        self, query: SearchQuery, plan: QueryPlan, level: int, max_points: int
    ) -> tuple[list[Cluster], int]:
        must, _ranked = self._tsquery(plan)
        if must is None and not query.facet_filters() and not query.is_geo and query.bbox:
            return self._kept_clusters(query.bbox, level, max_points)
        return self._grouped_clusters(query, must, level, max_points)

    def _grouped_clusters(
        self, query: SearchQuery, must: str | None, level: int, max_points: int
    ) -> tuple[list[Cluster], int]:
        """The matches in a view grouped by their cells, read from the documents."""
        where, params = self._where(query, must)
        where += " AND lat IS NOT NULL"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM search_pg_document WHERE {where}", params)
            total = int(cursor.fetchone()[0])
            if total <= max_points:
                cursor.execute(f"SELECT id, lat, lon FROM search_pg_document WHERE {where}", params)
                return [Cluster(lat, lon, 1, int(pk)) for pk, lat, lon in cursor.fetchall()], total
            position = CLUSTER_LEVELS.index(level) + 1
            cursor.execute(
                f"SELECT avg(lat), avg(lon), count(*) FROM search_pg_document WHERE {where} "
                f"GROUP BY cells[{position}]",
                params,
            )
            return [Cluster(lat, lon, int(n)) for lat, lon, n in cursor.fetchall()], total

    def _kept_clusters(self, box: BBox, level: int, max_points: int) -> tuple[list[Cluster], int]:
        """Everything in a view, from the clusters kept per level (``postgres_cells``)."""
        with connection.cursor() as cursor:
            groups, total = self._cells.clusters(cursor, box, level)
            if total <= max_points:
                cursor.execute(
                    "SELECT id, lat, lon FROM search_pg_document "
                    "WHERE lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s",
                    [box.south, box.north, box.west, box.east],
                )
                return [Cluster(lat, lon, 1, int(pk)) for pk, lat, lon in cursor.fetchall()], total
        return [Cluster(lat / n, lon / n, int(n)) for n, lat, lon in groups.values()], total


def _distance_sql() -> str:
    """Haversine distance in km to the point given as (lat, lat, lon) parameters; NULL
    for a document without coordinates (``least`` alone would skip the NULL and give
    half the Earth's circumference)."""
    return (
        f"(CASE WHEN lat IS NULL OR lon IS NULL THEN NULL ELSE 2 * {EARTH_KM} * "
        "asin(least(1, sqrt(power(sin(radians(lat - %s) / 2), 2) + "
        "cos(radians(%s)) * cos(radians(lat)) * power(sin(radians(lon - %s) / 2), 2)))) END)"
    )
