"""Small geometry helpers for the tests (the app itself needs no point-in-polygon)."""

from __future__ import annotations

from typing import Any


def _in_ring(ring: list[list[float]], lon: float, lat: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: Any, latitude: float | None, longitude: float | None) -> bool:
    """Whether a GeoJSON Polygon/MultiPolygon contains the point (holes respected)."""
    if not geometry or latitude is None or longitude is None:
        return False
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for outer, *holes in polygons:
        if _in_ring(outer, longitude, latitude) and not any(
            _in_ring(hole, longitude, latitude) for hole in holes
        ):
            return True
    return False


def positions(geometry: Any) -> list[list[float]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [point for polygon in polygons for ring in polygon for point in ring]
