"""PostgreSQL full-text search, for deployments with several web nodes on one database.

The same analysed terms as the Tantivy engine go into one ``tsvector`` per
organisation (name weight A, offers B, description C, place D, WZ codes as
``wz:<code>`` lexemes), built with the ``simple`` configuration, so PostgreSQL
adds no analysis of its own. Typos are looked up in ``search_pg_term`` with
``fuzzystrmatch``. A rebuild runs in one transaction: readers see the old rows
until it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from ..documents import CLUSTER_LEVELS, SearchDocument
from ..query import (
    FACETS,
    FIELD_WEIGHTS,
    MAX_PREFIX_TERMS,
    QUALITY_FACTORS,
    Alternative,
    BBox,
    QueryPlan,
    SearchQuery,
)
from ..vectors.store import PostgresVectorStore, VectorStore
from .base import Cluster, EngineResult, Hit, SearchEngine

# ts_rank weights for {D, C, B, A}: place, description, offers, name (see FIELD_WEIGHTS).
RANK_WEIGHTS = (
    "{"
    + ", ".join(
        f"{FIELD_WEIGHTS[f] / FIELD_WEIGHTS['name']:.3f}"
        for f in ("place", "description", "offers", "name")
    )
    + "}"
)
ARRAY_FACETS = ("wz", "growth", "network", "cert")
EARTH_KM = 6371.0088
COLUMNS = (
    "id, name_sort, kind, size, district, wz, growth, network, cert, quality, lat, lon, "
    "cells, updated, version, body"
)
BODY = (
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') || "
    "setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D') || "
    "setweight(array_to_tsvector(%s::text[]), 'D')"
)


def lexeme(term: str) -> str:
    """A term as a tsquery operand, taken literally."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


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
        doc.name_terms,
        doc.offers_terms,
        doc.description_terms,
        doc.place_terms,
        [f"wz:{code}" for code in doc.wz],
    ]


INSERT = (
    f"INSERT INTO search_pg_document ({COLUMNS}) VALUES "
    f"(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, {BODY})"
)


class TsQueries:
    """A query plan as tsquery texts; the content index (``content_postgres``) shares it.
    Near spellings and prefixes come from the subclass's own table of terms."""

    def _near_terms(self, term: str, distance: int) -> list[str]:
        raise NotImplementedError

    def terms_with_prefix(self, prefix: str, limit: int) -> list[str]:
        raise NotImplementedError

    def _alternative(self, alt: Alternative) -> str | None:
        if alt.kind == "terms":
            return "(" + " & ".join(lexeme(t) for t in alt.terms) + ")"
        if alt.kind == "phrase":
            return "(" + " <-> ".join(lexeme(t) for t in alt.terms) + ")"
        if alt.kind == "fuzzy":
            near = self._near_terms(alt.terms[0], alt.distance)
            return "(" + " | ".join(lexeme(t) for t in near) + ")" if near else None
        if alt.kind == "prefix":
            found = self.terms_with_prefix(alt.terms[0], MAX_PREFIX_TERMS)
            return "(" + " | ".join(lexeme(t) for t in found) + ")" if found else None
        if alt.kind == "wz":
            return "(" + " | ".join(lexeme(f"wz:{c}") for c in alt.terms) + ")"
        raise ValueError(alt.kind)  # pragma: no cover - the planner makes no other kinds

    def _tsquery(self, plan: QueryPlan) -> tuple[str | None, str | None]:
        """(what must match, what only adds to the rank) as tsquery texts."""
        required: list[str] = []
        optional: list[str] = []
        # Near spellings find documents but add nothing to their rank: a match as typed
        # ranks above a corrected one.
        rank_required: list[str] = []
        rank_optional: list[str] = []
        for group in plan.groups:
            texts = [(a.kind, self._alternative(a)) for a in group.alternatives]
            parts = [p for _kind, p in texts if p]
            if not parts:
                if group.optional:
                    continue
                return "''", None  # a word nothing can match: no hit
            text = "(" + " | ".join(parts) + ")"
            (optional if group.optional else required).append(text)
            exact = [p for kind, p in texts if p and kind != "fuzzy"]
            if exact:
                rank_text = "(" + " | ".join(exact) + ")"
                (rank_optional if group.optional else rank_required).append(rank_text)
        must = " & ".join(required) if required else None
        ranked = " & ".join(rank_required) if rank_required else None
        if rank_optional:
            ranked = " | ".join([*([ranked] if ranked else []), *rank_optional])
        if must is None and optional:
            # Only optional groups (any word may match): a document must match one.
            must = " | ".join(optional)
        elif must is None and plan.groups and all(g.optional for g in plan.groups):
            return "''", None  # any word may match, but none can: no hit
        return must, ranked


class PostgresEngine(TsQueries, SearchEngine):
    name = "postgres"

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                "SEARCH_ENGINE=postgres needs DATABASE_URL to point at PostgreSQL"
            )
        self._vectors = PostgresVectorStore()

    def vector_store(self) -> VectorStore:
        return self._vectors

    # -- writing --------------------------------------------------------------------------

    def update(self, documents: Iterable[SearchDocument], remove: Iterable[int] = ()) -> None:
        documents = list(documents)
        stale = [*remove, *(d.id for d in documents)]
        with transaction.atomic(), connection.cursor() as cursor:
            if stale:
                cursor.execute("DELETE FROM search_pg_document WHERE id = ANY(%s)", [stale])
            if documents:
                cursor.executemany(INSERT, [_row(d) for d in documents])
                self._add_terms(cursor, documents)

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
        done = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_pg_document")
            for batch in batches:
                cursor.executemany(INSERT, batch)
                done += len(batch)
                progress(done)
            cursor.execute("DELETE FROM search_pg_term")
            cursor.execute(
                "INSERT INTO search_pg_term (term, documents) SELECT word, ndoc FROM "
                "ts_stat('SELECT body FROM search_pg_document') WHERE word NOT LIKE 'wz:%%'"
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_pg_document")
        if vectors is not None:
            # In batches of their own: the model must not hold the index transaction.
            vectors(self._vectors)

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
            if facet in ARRAY_FACETS:
                conditions.append(f"{facet} && %s::text[]")
            else:
                conditions.append(f"{facet} = ANY(%s::text[])")
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
        must, ranked = self._tsquery(plan)
        where, params = self._where(query, must)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM search_pg_document WHERE {where}", params)
            total = int(cursor.fetchone()[0])
            hits = (
                self._page(cursor, query, where, params, ranked, query.offset, query.limit)
                if query.limit > 0
                else []
            )
        if on_page is not None:
            on_page(hits)
        with connection.cursor() as cursor:
            facets = self._facets(cursor, query, must) if query.facets else {}
        return EngineResult(hits=hits, total=total, facets=facets)

    def ids(self, query: SearchQuery, plan: QueryPlan, limit: int) -> list[int]:
        must, ranked = self._tsquery(plan)
        where, params = self._where(query, must)
        with connection.cursor() as cursor:
            return [h.id for h in self._page(cursor, query, where, params, ranked, 0, limit)]

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

    def _page(
        self,
        cursor: Any,
        query: SearchQuery,
        where: str,
        params: list[Any],
        ranked: str | None,
        offset: int,
        limit: int,
    ) -> list[Hit]:
        select_params: list[Any] = []
        if ranked:
            score = f"ts_rank('{RANK_WEIGHTS}'::float4[], body, %s::tsquery)"
            select_params.append(ranked)
        else:
            score = "1"
        # Relevance times the profile quality's factor; without words, the factor alone.
        factor = " * ".join(
            f"(CASE WHEN quality @> ARRAY['{name}'] THEN {value} ELSE 1 END)"
            for name, value in QUALITY_FACTORS.items()
        )
        distance = "NULL"
        if query.center is not None:
            distance = _distance_sql()
            select_params += [query.center.lat, query.center.lat, query.center.lon]
        order = {
            "relevance": "score DESC, id",
            "name": "name_sort, id",
            "updated": "updated DESC, id",
            "distance": "distance NULLS LAST, id" if query.center else "score DESC, id",
        }[query.sort]
        cursor.execute(
            f"SELECT id, {score} * {factor} AS score, {distance} AS distance "
            f"FROM search_pg_document WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
            [*select_params, *params, limit, offset],
        )
        return [
            Hit(int(pk), float(score or 0.0), float(dist) if dist is not None else None)
            for pk, score, dist in cursor.fetchall()
        ]

    def _facets(
        self, cursor: Any, query: SearchQuery, must: str | None
    ) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            where, params = self._where(query, must, without=facet)
            value = f"unnest({facet})" if facet in ARRAY_FACETS else facet
            cursor.execute(
                f"SELECT value, count(*) FROM (SELECT {value} AS value FROM search_pg_document "
                f"WHERE {where}) AS v GROUP BY value",
                params,
            )
            facets[facet] = {str(v): int(n) for v, n in cursor.fetchall()}
        return facets

    def clusters(
        self, query: SearchQuery, plan: QueryPlan, level: int, max_points: int
    ) -> tuple[list[Cluster], int]:
        must, _ranked = self._tsquery(plan)
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


def _distance_sql() -> str:
    """Haversine distance in km to the point given as (lat, lat, lon) parameters; NULL
    for a document without coordinates (``least`` alone would skip the NULL and give
    half the Earth's circumference)."""
    return (
        f"(CASE WHEN lat IS NULL OR lon IS NULL THEN NULL ELSE 2 * {EARTH_KM} * "
        "asin(least(1, sqrt(power(sin(radians(lat - %s) / 2), 2) + "
        "cos(radians(%s)) * cos(radians(lat)) * power(sin(radians(lon - %s) / 2), 2)))) END)"
    )
