"""Map clusters of the PostgreSQL engine kept per zoom level (docs/search.md, "The
PostgreSQL engine"): how many documents with coordinates lie in each cell of each level of
``CLUSTER_LEVELS`` (``search.documents``), and the sums of their coordinates.

The table ``search_pg_cell`` holds signed changes: every write of the engine appends one
row per cell and level it changes (``record``), so that writers on several nodes never
wait for one another on a cell's row; ``compact`` folds them into one row per cell. A
cell's figures are the sums of its rows.

A map of everything in a view (no words, no filters) is answered from the table
(``clusters``): the cells that lie wholly in the view, the coarsest first and finer ones
along its edges, grouped into the cluster cells of the zoom's level; only the documents
in the thin strip along the view's edge that no cell of the finest level covers wholly
are read from the documents themselves. The figures are exact: every document in the
view is counted once, in the cell that holds it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..documents import CLUSTER_LEVELS, mercator
from ..query import BBox

# After this many change rows written by one process, it folds the table.
COMPACT_AFTER = 20_000
# Strips along the view's edge are read a hair wider than the wholly covered cells' edge,
# so that rounding never loses a document (those inside are excluded by their cell).
EPSILON = 1e-9

Deltas = dict[tuple[int, int, int], list[float]]


def add(deltas: Deltas, cells: Iterable[int], lat: float, lon: float, sign: int) -> None:
    """One document's share of every level (``cells`` in the order of CLUSTER_LEVELS)."""
    for level, cell in zip(CLUSTER_LEVELS, cells, strict=True):
        if cell < 0:
            return
        n = 1 << level
        row, col = divmod(int(cell), n)
        entry = deltas[(level, row, col)]
        entry[0] += sign
        entry[1] += sign * lat
        entry[2] += sign * lon


def new_deltas() -> Deltas:
    return defaultdict(lambda: [0, 0.0, 0.0])


class CellTable:
    """The cell table's writes and reads; one per engine (its counter is per process)."""

    def __init__(self) -> None:
        self._written = 0

    def record(self, cursor: Any, deltas: Deltas) -> None:
        rows = [
            (level, row, col, int(n), lat, lon)
            for (level, row, col), (n, lat, lon) in sorted(deltas.items())
            if n or lat or lon  # a move inside a cell changes its centre alone
        ]
        if not rows:
            return
        cursor.execute(
            "INSERT INTO search_pg_cell (level, row, col, n, lat, lon) "
            "SELECT * FROM unnest(%s::smallint[], %s::integer[], %s::integer[], "
            "%s::integer[], %s::float8[], %s::float8[])",
            [list(column) for column in zip(*rows, strict=True)],
        )
        self._written += len(rows)
        if self._written >= COMPACT_AFTER:
            self.compact(cursor)

    def compact(self, cursor: Any) -> None:
        """Folds the change rows into one row per cell. Safe beside writers and other
        folds: it removes only the rows it read, in one statement, and passes over rows
        that another fold still holds (a writer's transaction can be long: an import)
        instead of waiting for it."""
        cursor.execute(
            "WITH gone AS (DELETE FROM search_pg_cell WHERE ctid = ANY(ARRAY("
            "SELECT ctid FROM search_pg_cell FOR UPDATE SKIP LOCKED)) RETURNING *) "
            "INSERT INTO search_pg_cell (level, row, col, n, lat, lon) "
            "SELECT level, row, col, sum(n), sum(lat), sum(lon) FROM gone "
            "GROUP BY level, row, col HAVING sum(n) <> 0"
        )
        self._written = 0

    def refill(self, cursor: Any) -> None:
        """The table anew from every document (a rebuild, in its transaction)."""
        cursor.execute("DELETE FROM search_pg_cell")
        for position, level in enumerate(CLUSTER_LEVELS, start=1):
            cursor.execute(
                "INSERT INTO search_pg_cell (level, row, col, n, lat, lon) "
                + _summed(position, level)
            )
        self._written = 0

    def differing(self, cursor: Any) -> int:
        """How many cells' kept figures differ from the documents' (their count, or their
        centre by more than rounding)."""
        fresh = " UNION ALL ".join(
            _summed(position, level) for position, level in enumerate(CLUSTER_LEVELS, start=1)
        )
        cursor.execute(
            f"WITH fresh AS ({fresh}), kept AS (SELECT level, row, col, sum(n) AS n, "
            "sum(lat) AS lat, sum(lon) AS lon FROM search_pg_cell GROUP BY 1, 2, 3 "
            "HAVING sum(n) <> 0) SELECT count(*) FROM fresh FULL JOIN kept "
            "USING (level, row, col) WHERE fresh.n IS DISTINCT FROM kept.n "
            "OR abs(fresh.lat - kept.lat) > 1e-6 * fresh.n "
            "OR abs(fresh.lon - kept.lon) > 1e-6 * fresh.n"
        )
        return int(cursor.fetchone()[0])

    def clusters(self, cursor: Any, box: BBox, level: int) -> tuple[dict[int, list[float]], int]:
        """Every document with coordinates in ``box``, grouped by its cell of ``level``:
        cell → [count, sum of latitudes, sum of longitudes]; and the total."""
        groups: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        n_level = 1 << level
        covered: tuple[int, int, int, int] | None = None  # rows and columns, finest so far
        finest = level
        for fine in (lv for lv in CLUSTER_LEVELS if lv >= level):
            inner = _inner(box, fine)
            if inner is None:
                continue
            shift = fine - level
            r0, r1, c0, c1 = inner
            if covered is None:
                parts = [(r0, r1, c0, c1)]
            else:
                # The ring between the coarser cells and these, in four strips, each read
                # along the index that orders it (rows, or columns).
                scale = 1 << (fine - finest)
                p0, p1 = covered[0] * scale, (covered[1] + 1) * scale - 1
                q0, q1 = covered[2] * scale, (covered[3] + 1) * scale - 1
                parts = [
                    (r0, p0 - 1, c0, c1),
                    (p1 + 1, r1, c0, c1),
                    (p0, p1, c0, q0 - 1),
                    (p0, p1, q1 + 1, c1),
                ]
            parts = [(a, b, c, d) for a, b, c, d in parts if a <= b and c <= d]
            if not parts:
                covered, finest = inner, fine
                continue
            cursor.execute(
                " UNION ALL ".join(
                    f"(SELECT row >> {shift}, col >> {shift}, sum(n), sum(lat), sum(lon) "
                    "FROM search_pg_cell WHERE level = %s AND row BETWEEN %s AND %s "
                    "AND col BETWEEN %s AND %s GROUP BY 1, 2)"
                    for _part in parts
                ),
                [value for part in parts for value in (fine, *part)],
            )
            for row, col, count, lat, lon in cursor.fetchall():
                if count:
                    entry = groups[int(row) * n_level + int(col)]
                    entry[0] += int(count)
                    entry[1] += float(lat)
                    entry[2] += float(lon)
            covered, finest = inner, fine
        self._edge(cursor, box, level, covered, finest, groups)
        total = sum(int(entry[0]) for entry in groups.values())
        return {cell: entry for cell, entry in groups.items() if entry[0] > 0}, total

    def _edge(
        self,
        cursor: Any,
        box: BBox,
        level: int,
        covered: tuple[int, int, int, int] | None,
        finest: int,
        groups: dict[int, list[float]],
    ) -> None:
        """The documents in the view outside every wholly covered cell, read from the
        documents: in strips along the edge (by the latitude and the longitude index)."""
        position = CLUSTER_LEVELS.index(level) + 1
        view = "lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s"
        params: list[Any] = [box.south, box.north, box.west, box.east]
        if covered is None:
            strips = [(view, params)]
        else:
            r0, r1, c0, c1 = covered
            south, west, north, east = _rect_bounds(covered, finest)
            inner_lat = "lat > %s AND lat < %s"
            strips = [
                (f"{view} AND lat <= %s", [*params, south + EPSILON]),
                (f"{view} AND lat >= %s", [*params, north - EPSILON]),
                (
                    f"{view} AND {inner_lat} AND lon <= %s",
                    [*params, south + EPSILON, north - EPSILON, west + EPSILON],
                ),
                (
                    f"{view} AND {inner_lat} AND lon >= %s",
                    [*params, south + EPSILON, north - EPSILON, east - EPSILON],
                ),
            ]
            n_fine = 1 << finest
            fine_position = CLUSTER_LEVELS.index(finest) + 1
            outside = (
                f" AND NOT (cells[{fine_position}] / {n_fine} BETWEEN {r0} AND {r1} "
                f"AND mod(cells[{fine_position}], {n_fine}) BETWEEN {c0} AND {c1})"
            )
            strips = [(sql + outside, p) for sql, p in strips]
        sql = " UNION ALL ".join(
            f"(SELECT cells[{position}] AS cell, lat, lon FROM search_pg_document WHERE {s})"
            for s, _p in strips
        )
        cursor.execute(
            f"SELECT cell, count(*), sum(lat), sum(lon) FROM ({sql}) AS edge GROUP BY cell",
            [value for _s, p in strips for value in p],
        )
        for cell, count, lat, lon in cursor.fetchall():
            entry = groups[int(cell)]
            entry[0] += int(count)
            entry[1] += float(lat)
            entry[2] += float(lon)


def _summed(position: int, level: int) -> str:
    """The documents' figures per cell of ``level`` (``cells[position]``), as the
    columns level, row, col, n, lat, lon."""
    n = 1 << level
    return (
        f"SELECT {level} AS level, cells[{position}] / {n} AS row, "
        f"mod(cells[{position}], {n}) AS col, count(*) AS n, sum(lat) AS lat, "
        "sum(lon) AS lon FROM search_pg_document WHERE lat IS NOT NULL "
        f"AND cells[{position}] >= 0 GROUP BY cells[{position}]"
    )


def _inner(box: BBox, level: int) -> tuple[int, int, int, int] | None:
    """Rows and columns of the cells of ``level`` that lie wholly in ``box``; None where
    none does."""
    n = 1 << level
    x_west, y_north = mercator(box.north, box.west)
    x_east, y_south = mercator(box.south, box.east)
    c0, c1 = math.ceil(x_west * n), math.floor(x_east * n) - 1
    r0, r1 = math.ceil(y_north * n), math.floor(y_south * n) - 1
    if c0 > c1 or r0 > r1:
        return None
    return r0, r1, c0, c1


def _rect_bounds(rect: tuple[int, int, int, int], level: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of the cells ``rect`` of ``level`` together."""
    r0, r1, c0, c1 = rect
    n = 1 << level

    def lat_of(y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))

    return lat_of((r1 + 1) / n), c0 / n * 360 - 180, lat_of(r0 / n), (c1 + 1) / n * 360 - 180
