"""The content index on PostgreSQL: the table ``search_pg_content`` (migration 0005).

The same analysed terms as on Tantivy go into one ``tsvector`` per document (title
weight A, text B) with the ``simple`` configuration; the values of a type's facets are
``<position>=<value>`` strings in ``keywords`` (the position of the facet in the type's
declaration, as on Tantivy). Near spellings are looked up in ``search_pg_content_term``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from ..content import ContentHit, ContentResult, IndexedContent
from ..query import BBox, Point, QueryPlan
from .postgres_engine import EARTH_KM
from .postgres_tsquery import TsQueries

# ts_rank weights {D, C, B, A}: the text counts a third of the title.
RANK_WEIGHTS = "{0, 0, 0.333, 1}"
INSERT = (
    "INSERT INTO search_pg_content (type, id, version, keywords, lat, lon, date, body) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, "
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B'))"
)
DISTANCE = (
    f"(2 * {EARTH_KM} * asin(sqrt(power(sin(radians(lat - %s) / 2), 2) + cos(radians(%s)) "
    "* cos(radians(lat)) * power(sin(radians(lon - %s) / 2), 2))))"
)


def _keywords(doc: IndexedContent) -> list[str]:
    return [f"{i}={v}" for i, values in enumerate(doc.facet_values) for v in values]


class PostgresContent(TsQueries):
    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                "SEARCH_ENGINE=postgres needs DATABASE_URL to point at PostgreSQL"
            )

    # -- writing --------------------------------------------------------------------------

    def _insert(self, cursor: Any, documents: list[IndexedContent]) -> None:
        if not documents:
            return
        cursor.executemany(
            INSERT,
            [
                (d.type, d.id, d.version, _keywords(d), d.lat, d.lon, d.date, *d.terms())
                for d in documents
            ],
        )
        terms = {t for d in documents for t in (*d.title_terms.split(), *d.text_terms.split())}
        cursor.execute(
            "INSERT INTO search_pg_content_term (term) SELECT unnest(%s::text[]) "
            "ON CONFLICT DO NOTHING",
            [sorted(terms)],
        )

    def update(self, type_name: str, documents: list[IndexedContent], remove: list[int]) -> None:
        stale = [*remove, *(d.id for d in documents)]
        with transaction.atomic(), connection.cursor() as cursor:
            if stale:
                cursor.execute(
                    "DELETE FROM search_pg_content WHERE type = %s AND id = ANY(%s)",
                    [type_name, stale],
                )
            self._insert(cursor, documents)

    def replace(self, type_name: str, documents: list[IndexedContent]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_pg_content WHERE type = %s", [type_name])
            self._insert(cursor, documents)

    def clear(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_pg_content")
            cursor.execute("DELETE FROM search_pg_content_term")

    # -- reading --------------------------------------------------------------------------

    def versions(self, type_name: str) -> dict[int, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, version FROM search_pg_content WHERE type = %s", [type_name])
            return {int(pk): int(v) for pk, v in cursor.fetchall()}

    def known(self, terms: Iterable[str]) -> set[str]:
        terms = list(terms)
        if not terms:
            return set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT term FROM search_pg_content_term WHERE term = ANY(%s)", [terms])
            return {row[0] for row in cursor.fetchall()}

    def terms_with_prefix(self, prefix: str, limit: int) -> list[str]:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_pg_content_term WHERE term LIKE %s ORDER BY term LIMIT %s",
                [pattern, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def _near_terms(self, term: str, distance: int) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_pg_content_term WHERE length(term) BETWEEN %s AND %s "
                "AND levenshtein_less_equal(term, %s, %s) <= %s ORDER BY term LIMIT 50",
                [len(term) - distance, len(term) + distance, term, distance, distance],
            )
            return [row[0] for row in cursor.fetchall()]

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
        position = {name: i for i, name in enumerate(facet_names)}
        must, ranked = self._tsquery(plan) if not plan.is_empty else (None, None)

        def where(without: str | None = None) -> tuple[str, list[Any]]:
            conditions = ["type = %s"]
            params: list[Any] = [type_name]
            if must is not None:
                conditions.append("body @@ %s::tsquery")
                params.append(must)
            for name, values in filters.items():
                if name != without and values:
                    conditions.append("keywords && %s::text[]")
                    params.append([f"{position[name]}={v}" for v in values])
            if geo is not None:
                lat, lon, radius = geo
                b = BBox.around(Point(lat, lon), radius)
                conditions.append(
                    f"lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s AND {DISTANCE} <= %s"
                )
                params += [b.south, b.north, b.west, b.east, lat, lat, lon, radius]
            return " AND ".join(conditions), params

        sql, params = where()
        distance = f"{DISTANCE}" if geo is not None else "NULL::float"
        distance_params = [geo[0], geo[0], geo[1]] if geo is not None else []
        with connection.cursor() as cursor:
            if ranked is not None:
                score = f"ts_rank('{RANK_WEIGHTS}', body, %s::tsquery)"
                score_params: list[Any] = [ranked]
            else:
                score, score_params = "0::float", []
            order = "score DESC, date DESC, id DESC" if must is not None else "date DESC, id DESC"
            # The total rides along with the page (counted before LIMIT): one query for
            # hits and total, which the search page runs once per kind of content.
            cursor.execute(
                f"SELECT id, {score} AS score, {distance}, count(*) OVER () "
                f"FROM search_pg_content WHERE {sql} ORDER BY {order} LIMIT %s OFFSET %s",
                [*score_params, *distance_params, *params, limit, offset],
            )
            rows = cursor.fetchall()
            if rows:
                total = int(rows[0][3])
            elif offset == 0:
                total = 0
            else:  # past the last page: the total on its own
                cursor.execute(f"SELECT count(*) FROM search_pg_content WHERE {sql}", params)
                total = int(cursor.fetchone()[0])
            hits = [
                ContentHit(id=int(pk), score=float(s), distance_km=d) for pk, s, d, _total in rows
            ]
            facets: dict[str, dict[str, int]] = {}
            for name, i in (position if count_facets else {}).items():
                facet_sql, facet_params = where(without=name)
                cursor.execute(
                    f"SELECT substr(k, %s), count(*) FROM search_pg_content, unnest(keywords) k "
                    f"WHERE {facet_sql} AND k LIKE %s GROUP BY k",
                    [len(f"{i}=") + 1, *facet_params, f"{i}=%"],
                )
                facets[name] = {str(v): int(n) for v, n in cursor.fetchall()}
        return ContentResult(hits=hits, total=total, facets=facets)
