"""Radius filters as sets of precomputed grid cells, so that an engine needs no geo type.

Every document carries the id of its cell at several levels of a quadtree over the
Web Mercator square (``search.documents.CLUSTER_LEVELS``). A circle is covered by
coarse cells wholly inside it (``cells``) and, along its edge, by the fine cells
(about 1/320 of the radius across) that it cuts (``edge``). The few documents in edge cells are
checked one by one against the exact distance, so the filter is exact. The cover is
computed with numpy: a few thousand cells in about a millisecond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .documents import CLUSTER_LEVELS
from .query import BBox, Point

EARTH_KM = 6371.0088
COVER_LEVELS = tuple(level for level in CLUSTER_LEVELS if level >= 8)
FINEST = CLUSTER_LEVELS[-1]


@dataclass
class Cover:
    cells: dict[int, list[int]] = field(default_factory=dict)  # level → cells wholly inside
    edge: list[int] = field(default_factory=list)  # finest cells the circle cuts
    edge_level: int = FINEST

    @property
    def size(self) -> int:
        return sum(len(c) for c in self.cells.values()) + len(self.edge)


def _row_lat(rows: np.ndarray, n: int) -> np.ndarray:
    return np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * rows / n))))


def _haversine(lat0: float, lon0: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    p0, p = np.radians(lat0), np.radians(lat)
    h = np.sin((p - p0) / 2) ** 2 + np.cos(p0) * np.cos(p) * np.sin(np.radians(lon - lon0) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _grid(level: int, lat: float, lon: float) -> tuple[int, int]:
    n = 1 << level
    x = (lon + 180.0) / 360.0
    s = np.sin(np.radians(max(min(lat, 85.0511), -85.0511)))
    y = 0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)
    return min(int(y * n), n - 1), min(int(x * n), n - 1)


def cover_circle(center: Point, radius_km: float) -> Cover:
    """Cells that together are the circle (see the module doc); cached per circle.

    A search's facets, pages and map all ask for the same circle, and people search
    the same places: the cover is a pure function of centre and radius.
    """
    return _cover(round(center.lat, 6), round(center.lon, 6), round(radius_km, 3))


@lru_cache(maxsize=512)
def _cover(lat: float, lon: float, radius_km: float) -> Cover:
    center = Point(lat, lon)
    box = BBox.around(center, radius_km)
    start = COVER_LEVELS[0]
    for level in COVER_LEVELS:
        top, left = _grid(level, box.north, box.west)
        bottom, right = _grid(level, box.south, box.east)
        start = level
        if (bottom - top + 1) * (right - left + 1) >= 4:
            break
    top, left = _grid(start, box.north, box.west)
    bottom, right = _grid(start, box.south, box.east)
    rr, cc = np.meshgrid(np.arange(top, bottom + 1), np.arange(left, right + 1), indexing="ij")
    rows, cols = rr.ravel().astype(np.int64), cc.ravel().astype(np.int64)
    cover = Cover()
    # The finest level: cells about 1/320 of the radius across. Finer means more cell
    # terms to look up for every use of the filter; coarser, more edge documents (a term
    # each, checked one by one). Fine cells of one parent are neighbours in Tantivy's
    # term dictionary and cheap to look up together: at 30 km, level 18 (3,700 more cells,
    # 1,200 instead of 2,600 edge documents) builds the circle in 4.2 ms instead of 7.1.
    cell_km = 40075.0 * math.cos(math.radians(center.lat))
    finest = next(
        (lv for lv in reversed(COVER_LEVELS) if cell_km / (1 << lv) >= radius_km / 320),
        COVER_LEVELS[0],
    )
    levels = [lv for lv in COVER_LEVELS if start <= lv <= max(finest, start)]
    for i, level in enumerate(levels):
        if rows.size == 0:
            break
        n = 1 << level
        north, south = _row_lat(rows, n), _row_lat(rows + 1, n)
        west, east = cols / n * 360.0 - 180.0, (cols + 1) / n * 360.0 - 180.0
        near = _haversine(
            center.lat,
            center.lon,
            np.clip(center.lat, south, north),
            np.clip(center.lon, west, east),
        )
        touching = near <= radius_km
        rows, cols = rows[touching], cols[touching]
        north, south, west, east = north[touching], south[touching], west[touching], east[touching]
        far = np.maximum.reduce(
            [
                _haversine(center.lat, center.lon, lat, lon)
                for lat in (north, south)
                for lon in (west, east)
            ]
        )
        inside = far <= radius_km
        if inside.any():
            cover.cells[level] = (rows[inside] * n + cols[inside]).tolist()
        rows, cols = rows[~inside], cols[~inside]
        if level == levels[-1]:
            cover.edge = (rows * n + cols).tolist()
            cover.edge_level = level
            break
        shift = levels[i + 1] - level
        k = 1 << shift
        dr, dc = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
        rows = ((rows[:, None] << shift) + dr.ravel()[None, :]).ravel()
        cols = ((cols[:, None] << shift) + dc.ravel()[None, :]).ravel()
    return cover
