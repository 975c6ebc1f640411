"""Facet counts of the PostgreSQL engine: every facet in one pass over the result.

Each facet honours every filter but its own (docs/search.md). The pass reads the
documents that match the words and the area once (a materialised CTE) with one flag
per selected facet (whether the document passes that facet's filter); a facet counts
the rows that pass every flag but its own. A set larger than ``FACET_EXACT_UP_TO`` is
read on the documents of a few fixed sample buckets (``sample``, the buckets of the
Tantivy engine, each level with a partial text index of its own) and scaled up: the
counts are then marked approximate, which the page shows as "about". A sample that
shows the set to be small after all is counted again exactly.
"""

from __future__ import annotations

from typing import Any

from ..query import FACETS

# The fixed pseudo-random buckets of ``tantivy_engine.sample_bucket``.
SAMPLE_BUCKETS = 64
# A partial text index covers the documents of buckets below each of these
# (migration 0006): 1/64, 1/16 and 1/4 of the documents.
SAMPLE_LEVELS = (1, 4, 16)
# Facets of a set up to this size are counted exactly; above, on a sample of at least
# ``FACET_SAMPLE_SIZE`` documents where the sample levels allow.
FACET_EXACT_UP_TO = 5_000
FACET_SAMPLE_SIZE = 1_500
# The number of hits up to this size is counted exactly; above, on the sample.
TOTAL_EXACT_UP_TO = 20_000
ARRAY_FACETS = ("wz", "growth", "network", "cert")
# Where a pass returns the number of documents of the result (under every filter).
TOTAL = "total"
TOTAL_ROW = -99
# The length of a WZ code per level: section C, division 25, group 25.6, class 25.62,
# subclass 25.62.0 (``tantivy_engine.wz_level``).
WZ_LENGTH = {1: 1, 2: 2, 3: 4, 4: 5, 5: 7}


def sample_sql(buckets: int) -> str:
    """The condition that keeps the documents of the first ``buckets`` buckets, written
    as a literal so that the planner picks the level's partial index."""
    return "" if buckets >= SAMPLE_BUCKETS else f" AND sample < {int(buckets)}"


def buckets_for(size: int) -> int:
    """How many buckets to read for a set of about ``size`` documents: all of them
    (exact) up to ``FACET_EXACT_UP_TO``, otherwise the smallest level that holds about
    ``FACET_SAMPLE_SIZE`` of them."""
    if size <= FACET_EXACT_UP_TO:
        return SAMPLE_BUCKETS
    for level in SAMPLE_LEVELS:
        if size * level / SAMPLE_BUCKETS >= FACET_SAMPLE_SIZE:
            return level
    return SAMPLE_LEVELS[-1]


def sample_counts(
    cursor: Any,
    base: str,
    params: list[Any],
    filters: dict[str, list[str]],
    typed: str | None,
) -> tuple[int, int, int]:
    """One count on the smallest sample level of the documents matching ``base`` (the
    words and the area): of the result (``base`` and ``filters``), of ``base`` itself
    and of the result's documents with the words as typed (``typed``, a tsquery text).
    Enough to choose how to count, sample and rank; scaled up they are estimates."""
    chosen = [f for f in filters if filters[f]]
    result = " AND ".join(filter_sql(f) for f in chosen) or "TRUE"
    typed_sql = f"({result}) AND body @@ %s::tsquery" if typed else "FALSE"
    cursor.execute(
        f"SELECT count(*) FILTER (WHERE {result}), count(*), count(*) FILTER (WHERE {typed_sql}) "
        f"FROM search_pg_document WHERE {base}{sample_sql(SAMPLE_LEVELS[0])}",
        [
            *(list(filters[f]) for f in chosen),
            *((*(list(filters[f]) for f in chosen), typed) if typed else ()),
            *params,
        ],
    )
    found, base_found, typed_found = cursor.fetchone()
    return int(found), int(base_found), int(typed_found)


def estimate_large(
    cursor: Any, where: str, params: list[Any], first_found: int, exact_up_to: int
) -> int | None:
    """The estimated number of documents matching ``where`` where that is more than
    ``exact_up_to``, otherwise None (count them exactly). ``first_found``: how many the
    smallest sample level holds; a finer level is counted where it holds too few to
    tell."""
    for position, level in enumerate(SAMPLE_LEVELS):
        if position:
            cursor.execute(
                f"SELECT count(*) FROM search_pg_document WHERE {where}{sample_sql(level)}",
                params,
            )
            found = int(cursor.fetchone()[0])
        else:
            found = first_found
        estimate = found * SAMPLE_BUCKETS // level
        if estimate <= exact_up_to:
            return None
        if found >= 500 or level == SAMPLE_LEVELS[-1]:
            return estimate
    return None  # pragma: no cover - the last level always answers


def exact_count(cursor: Any, where: str, params: list[Any]) -> int:
    cursor.execute(f"SELECT count(*) FROM search_pg_document WHERE {where}", params)
    return int(cursor.fetchone()[0])


def filter_sql(facet: str) -> str:
    """A facet's filter condition; its parameter is the list of selected values."""
    if facet in ARRAY_FACETS:
        return f"{facet} && %s::text[]"
    return f"{facet} = ANY(%s::text[])"


def count_facets(
    cursor: Any,
    base: str,
    params: list[Any],
    filters: dict[str, list[str]],
    size: int,
    wz_level: int = 0,
    with_total: bool = False,
) -> tuple[dict[str, dict[str, int]], bool, int | None]:
    """Counts per facet and value of the documents matching ``base`` (the words and the
    area, SQL with ``params``) and ``filters``, each facet without its own filter;
    whether some are estimated; and, with ``with_total`` where the pass is exact, the
    number of documents of the result (else None). ``size``: about how many documents
    match ``base``.

    A facet whose own set the sample shows to be small (a selection elsewhere that few
    documents have) is counted again exactly, in one more pass over those sets only."""
    buckets = buckets_for(size)
    exact = buckets >= SAMPLE_BUCKETS
    facets, sizes = _pass(
        cursor, base, params, filters, buckets, FACETS, wz_level, with_total and exact
    )
    total = sizes.pop(TOTAL, None)
    if exact:
        return facets, False, total
    scale = SAMPLE_BUCKETS / buckets
    small = [f for f in FACETS if sizes[f] * scale <= FACET_EXACT_UP_TO]
    if small:
        again, _sizes = _pass(cursor, base, params, filters, SAMPLE_BUCKETS, small, wz_level)
        facets.update(again)
    estimated = [f for f in FACETS if f not in small]
    for facet in estimated:
        facets[facet] = {value: max(1, round(n * scale)) for value, n in facets[facet].items()}
    return facets, bool(estimated), None


def _pass(
    cursor: Any,
    base: str,
    params: list[Any],
    filters: dict[str, list[str]],
    buckets: int,
    counted: tuple[str, ...] | list[str],
    wz_level: int = 0,
    with_total: bool = False,
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """One scan of the documents of ``buckets`` matching ``base`` and, for some facet of
    ``counted``, every filter but that facet's own: the counts of ``counted`` and, on a
    sample, the size of each one's set; with ``with_total``, the number of documents
    that pass every filter too (under ``TOTAL``)."""
    chosen = [f for f in FACETS if f in filters]
    flags = "".join(f", ({filter_sql(f)}) AS p_{f}" for f in chosen)
    flag_params: list[Any] = [list(filters[f]) for f in chosen]
    # Only documents some counted facet counts (all of them where one has no other filter).
    wanted = [[g for g in chosen if g != f] for f in counted]
    restrict, restrict_params = "", []
    if all(wanted):
        restrict = (
            " AND ("
            + " OR ".join(
                "(" + " AND ".join(filter_sql(g) for g in others) + ")" for others in wanted
            )
            + ")"
        )
        restrict_params = [list(filters[g]) for others in wanted for g in others]
    parts = []
    # On a sample, the size of each facet's set: one count per distinct set.
    same_set: dict[str, list[str]] = {}
    for facet, others in zip(counted, wanted, strict=True):
        position = FACETS.index(facet)
        where = f" WHERE {' AND '.join(f'p_{g}' for g in others)}" if others else ""
        if facet in ARRAY_FACETS:
            # Most documents have no growth field, network or certification: rows
            # without values are not unnested. The values are unnested in the select
            # list (one set-returning projection, not a function scan per row).
            filled = f"cardinality(m.{facet}) > 0"
            where_filled = f"{where} AND {filled}" if where else f" WHERE {filled}"
            level = (
                f" WHERE length(v) = {WZ_LENGTH[wz_level]}"
                if facet == "wz" and wz_level in WZ_LENGTH
                else ""
            )
            parts.append(
                f"SELECT {position}, v, count(*) FROM (SELECT unnest(m.{facet}) AS v "
                f"FROM m{where_filled}) AS u{level} GROUP BY v"
            )
        else:
            parts.append(f"SELECT {position}, {facet}, count(*) FROM m{where} GROUP BY {facet}")
        if buckets < SAMPLE_BUCKETS:
            if where not in same_set:
                parts.append(f"SELECT {-1 - position}, NULL, count(*) FROM m{where}")
            same_set.setdefault(where, []).append(facet)
    if with_total:
        every = f" WHERE {' AND '.join(f'p_{g}' for g in chosen)}" if chosen else ""
        parts.append(f"SELECT {TOTAL_ROW}, NULL, count(*) FROM m{every}")
    cursor.execute(
        f"WITH m AS MATERIALIZED (SELECT {', '.join(counted)}{flags} "
        f"FROM search_pg_document WHERE {base}{sample_sql(buckets)}{restrict}) "
        + " UNION ALL ".join(parts),
        [*flag_params, *params, *restrict_params],
    )
    facets: dict[str, dict[str, int]] = {facet: {} for facet in counted}
    sizes: dict[str, int] = {}
    for position, value, n in cursor.fetchall():
        if position == TOTAL_ROW:
            sizes[TOTAL] = int(n)
        elif position < 0:
            for facet in next(f for f in same_set.values() if f[0] == FACETS[-1 - position]):
                sizes[facet] = int(n)
        else:
            facets[FACETS[position]][str(value)] = int(n)
    return facets, sizes
