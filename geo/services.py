"""Importers for the official geography files, and district look-ups.

The files are read from ``settings.REFERENCE_DATA_DIR`` (never copied into the
repository; see docs/reference-data/geo.md):

- ``bkg/Ebene_Laender.geojson``: states (BKG VG5000, 1 Jan 2021)
- ``bkg/Ebene_Kreise.geojson``: the 401 districts of 1 Jan 2021
- ``bkg/thueringen_kreise_22_simplified.geojson``: Thuringia's districts today
- ``bkg/gemeinden_vg5000_2021_points.csv``: one point per municipality
- ``districts_population/districts.csv``: area and population, 31 Dec 2018
- ``geonames/DE.zip`` (or ``geonames/zipcodes.de.csv``): postal codes

Every importer reads and checks its whole file before it writes anything, writes in
one transaction, and compares with what is stored: a second run creates and updates
nothing. A broken file raises :class:`ReferenceDataError` naming the file and the line
or feature; the database is then left as it was.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.progress import Progress, silent, track

from .models import District, Municipality, PostalCode, State
from .names import fold_place_name, repair_mojibake

__all__ = [
    "CURRENT_BOUNDARY_FILES",
    "DISTRICTS_FILE",
    "DISTRICT_MERGERS",
    "MUNICIPALITIES_FILE",
    "POPULATION_DATE",
    "POPULATION_FILE",
    "POSTAL_CODES_CSV",
    "POSTAL_CODES_ZIP",
    "STATES_FILE",
    "ImportResult",
    "ReferenceDataError",
    "current_districts",
    "import_all",
    "import_districts",
    "import_municipalities",
    "import_population",
    "import_postal_codes",
    "import_states",
]

STATES_FILE = "bkg/Ebene_Laender.geojson"
DISTRICTS_FILE = "bkg/Ebene_Kreise.geojson"
# Districts as they are today, where they differ from the 2021 boundary data.
CURRENT_BOUNDARY_FILES = ("bkg/thueringen_kreise_22_simplified.geojson",)
MUNICIPALITIES_FILE = "bkg/gemeinden_vg5000_2021_points.csv"
POPULATION_FILE = "districts_population/districts.csv"
POPULATION_DATE = date(2018, 12, 31)
POSTAL_CODES_ZIP = "geonames/DE.zip"
POSTAL_CODES_CSV = "geonames/zipcodes.de.csv"

# Territorial reforms after the boundary data's reference date (1 Jan 2021):
# dissolved district → (district it was merged into, date).
DISTRICT_MERGERS: dict[str, tuple[str, date]] = {
    "16056": ("16063", date(2021, 7, 1)),  # Eisenach → Wartburgkreis
}

# Coordinates are stored with 5 decimals (about 1 m); VG5000 is generalised for
# 1:5,000,000 already, so a further simplification would save only a few per cent.
COORDINATE_DECIMALS = 5

# State names as GeoNames spells them (German and, for large-customer rows, English),
# folded with ``fold_place_name`` → state key (AGS).
STATE_NAMES: dict[str, str] = {
    fold_place_name(name): ags
    for ags, names in {
        "01": ("Schleswig-Holstein",),
        "02": ("Hamburg", "Freie und Hansestadt Hamburg"),
        "03": ("Niedersachsen", "Lower Saxony"),
        "04": ("Bremen", "Freie Hansestadt Bremen"),
        "05": ("Nordrhein-Westfalen", "North Rhine-Westphalia"),
        "06": ("Hessen", "Hesse"),
        "07": ("Rheinland-Pfalz", "Rhineland-Palatinate"),
        "08": ("Baden-Württemberg",),
        "09": ("Bayern", "Bavaria", "Freistaat Bayern"),
        "10": ("Saarland",),
        "11": ("Berlin", "Land Berlin"),
        "12": ("Brandenburg",),
        "13": ("Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania"),
        "14": ("Sachsen", "Saxony", "Freistaat Sachsen"),
        "15": ("Sachsen-Anhalt", "Saxony-Anhalt"),
        "16": ("Thüringen", "Thuringia", "Freistaat Thüringen"),
    }.items()
    for name in names
}
ENGLISH_STATE_NAMES = frozenset(
    fold_place_name(name)
    for name in (
        "Lower Saxony",
        "North Rhine-Westphalia",
        "Hesse",
        "Rhineland-Palatinate",
        "Bavaria",
        "Land Berlin",
        "Mecklenburg-Western Pomerania",
        "Saxony",
        "Saxony-Anhalt",
        "Thuringia",
    )
)

GEONAMES_COLUMNS = (
    "country_code",
    "zipcode",
    "place",
    "state",
    "state_code",
    "province",
    "province_code",
    "community",
    "community_code",
    "latitude",
    "longitude",
)

# Germany with a margin; anything outside is a broken coordinate.
LATITUDE_RANGE = (46.0, 56.0)
LONGITUDE_RANGE = (5.0, 16.0)


class ReferenceDataError(Exception):
    """A reference file is missing, unreadable or inconsistent; nothing was written."""

    def __init__(self, path: Path | str, problem: str, where: object = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.where = str(where)
        location = f"{self.path}, {self.where}" if self.where else str(self.path)
        super().__init__(f"{location}: {problem}")


@dataclass
class ImportResult:
    """What one importer did. A second run over unchanged files reports only ``unchanged``."""

    dataset: str
    label: str
    sources: list[Path] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    # Rows stored earlier that the file no longer lists; kept because sites may refer to them.
    not_in_file: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        text = _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.deleted:
            text += _(", %(deleted)d deleted") % {"deleted": self.deleted}
        if self.not_in_file:
            text += _(", %(kept)d kept although no longer in the file") % {"kept": self.not_in_file}
        if self.sources:
            text += " (" + ", ".join(path.name for path in self.sources) + ")"
        text += _(" in %(seconds).1f s") % {"seconds": self.seconds}
        return text


# --- Reading files -------------------------------------------------------------------


def _reference_path(relative: str, path: Path | None = None) -> Path:
    resolved = Path(path) if path is not None else Path(settings.REFERENCE_DATA_DIR) / relative
    if not resolved.is_file():
        raise ReferenceDataError(resolved, _("file not found (check REFERENCE_DATA_DIR)"))
    return resolved


def _read_features(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except UnicodeDecodeError as error:
        raise ReferenceDataError(
            path, _("not UTF-8 text (%(error)s)") % {"error": error}
        ) from error
    except json.JSONDecodeError as error:
        raise ReferenceDataError(
            path,
            _("not valid JSON: %(error)s") % {"error": error.msg},
            _("line %(line)d") % {"line": error.lineno},
        ) from error
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ReferenceDataError(path, _("not a GeoJSON FeatureCollection"))
    return features


def _properties(path: Path, number: int, feature: Any) -> dict[str, Any]:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict):
        raise ReferenceDataError(
            path, _("not a GeoJSON feature with properties"), _feature_where(number)
        )
    return properties


def _feature_where(number: int, properties: dict[str, Any] | None = None) -> str:
    where = _("feature %(number)d") % {"number": number}
    key = (properties or {}).get("ARS") or (properties or {}).get("AGS")
    return f"{where} ({key})" if key else where


def _read_csv(
    path: Path, required: Iterable[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row of a UTF-8 CSV file with a header."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from _csv_rows(handle, path, required, delimiter)
    except UnicodeDecodeError as error:
        raise ReferenceDataError(
            path, _("not UTF-8 text (%(error)s)") % {"error": error}
        ) from error


def _csv_rows(
    handle: Iterable[str], path: Path, required: Iterable[str], delimiter: str
) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ReferenceDataError(path, _("the file is empty")) from None
    missing = [name for name in required if name not in header]
    if missing:
        raise ReferenceDataError(
            path,
            _("missing columns: %(columns)s") % {"columns": ", ".join(missing)},
            _("line %(line)d") % {"line": 1},
        )
    width = len(header)
    for values in reader:
        if not values or all(not value.strip() for value in values):
            continue
        if len(values) != width:
            raise ReferenceDataError(
                path,
                _("expected %(expected)d fields, found %(found)d")
                % {"expected": width, "found": len(values)},
                _("line %(line)d") % {"line": reader.line_num},
            )
        yield (
            reader.line_num,
            {name: value.strip() for name, value in zip(header, values, strict=True)},
        )


class _Line:
    """ "line N", translated only when an error message needs it."""

    __slots__ = ("number",)

    def __init__(self, number: int) -> None:
        self.number = number

    def __str__(self) -> str:
        return _("line %(line)d") % {"line": self.number}


def _line(number: int) -> _Line:
    return _Line(number)


def _float(path: Path, where: object, column: str, text: str, bounds: tuple[float, float]) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not bounds[0] <= value <= bounds[1]:
        raise ReferenceDataError(
            path,
            _("%(column)s %(value)r is not a number between %(low)s and %(high)s")
            % {"column": column, "value": text, "low": bounds[0], "high": bounds[1]},
            where,
        )
    return value


def _digits(path: Path, where: object, column: str, text: str, length: int) -> str:
    if len(text) != length or not text.isdigit() or not text.isascii():
        raise ReferenceDataError(
            path,
            _("%(column)s %(value)r is not a %(length)d-digit key")
            % {"column": column, "value": text, "length": length},
            where,
        )
    return text


# --- Geometry ------------------------------------------------------------------------


def _round_ring(ring: Any, path: Path, where: str) -> list[list[float]]:
    if not isinstance(ring, list):
        raise ReferenceDataError(path, _("a ring is not a list of positions"), where)
    rounded: list[list[float]] = []
    for position in ring:
        try:
            lon, lat = float(position[0]), float(position[1])
        except (TypeError, ValueError, IndexError):
            raise ReferenceDataError(
                path, _("invalid position %(position)r") % {"position": position}, where
            ) from None
        if not (
            LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]
            and LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]
        ):
            raise ReferenceDataError(
                path,
                _("position %(position)r lies outside Germany (expected lon, lat in WGS84)")
                % {"position": position},
                where,
            )
        point = [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def _clean_geometry(geometry: Any, path: Path, where: str) -> dict[str, Any]:
    """A Polygon/MultiPolygon with rounded coordinates; rings that collapse are dropped."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ReferenceDataError(path, _("geometry is not a Polygon or MultiPolygon"), where)
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list):
        raise ReferenceDataError(path, _("geometry has no coordinates"), where)
    cleaned: list[list[list[list[float]]]] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ReferenceDataError(path, _("a polygon has no rings"), where)
        rings = [_round_ring(ring, path, where) for ring in polygon]
        if len(rings[0]) < 4:
            continue  # an outer ring that rounding collapsed: a sliver
        cleaned.append([rings[0], *(ring for ring in rings[1:] if len(ring) >= 4)])
    if not cleaned:
        raise ReferenceDataError(path, _("geometry has no usable polygon"), where)
    if len(cleaned) == 1:
        return {"type": "Polygon", "coordinates": cleaned[0]}
    return {"type": "MultiPolygon", "coordinates": cleaned}


def _planar_area(geometry: dict[str, Any]) -> float:
    """Area in square degrees: enough to tell land from the coastal-water features."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    total = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            twice = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
            total += abs(twice) / 2 * (1 if index == 0 else -1)
    return total


# --- Writing -------------------------------------------------------------------------


def _sync(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    wanted: dict[Any, dict[str, Any]],
    result: ImportResult,
    queryset: models.QuerySet[Any] | None = None,
    delete_missing: bool = False,
) -> None:
    """Create, update (changed fields only) or count as unchanged what ``wanted`` lists.

    ``wanted`` maps the key (one value, or a tuple for several ``key_fields``) to the
    field values of a row; stored rows are compared as plain values, not model objects.
    """
    if queryset is None:
        queryset = model._default_manager.all()
    compared = sorted({name for values in wanted.values() for name in values} - set(key_fields))

    def identity(values: dict[str, Any]) -> Any:
        if len(key_fields) == 1:
            return values[key_fields[0]]
        return tuple(values[name] for name in key_fields)

    existing = {identity(row): row for row in queryset.values("pk", *key_fields, *compared)}
    to_create = []
    to_update = []
    changed_fields: set[str] = set()
    for key, values in wanted.items():
        stored = existing.get(key)
        if stored is None:
            to_create.append(model(**values))
            continue
        changed = [name for name in compared if name in values and stored[name] != values[name]]
        if changed:
            changed_fields.update(changed)
            to_update.append(model(pk=stored["pk"], **values))
        else:
            result.unchanged += 1
    missing = [row["pk"] for key, row in existing.items() if key not in wanted]
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=1000)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    if missing:
        if delete_missing:
            for start in range(0, len(missing), 500):
                model._default_manager.filter(pk__in=missing[start : start + 500]).delete()
            result.deleted += len(missing)
        else:
            result.not_in_file += len(missing)
    result.created += len(to_create)
    result.updated += len(to_update)


def _finish(result: ImportResult, started: float) -> ImportResult:
    result.seconds = time.monotonic() - started
    return result


# --- States --------------------------------------------------------------------------


def import_states(path: Path | None = None, progress: Progress = silent) -> ImportResult:
    """The 16 states with their boundaries from ``bkg/Ebene_Laender.geojson``.

    The file has extra features for coastal waters and Lake Constance under the same key;
    the largest feature of each key is the state's land area and is what is kept.
    """
    started = time.monotonic()
    source = _reference_path(STATES_FILE, path)
    result = ImportResult("states", _("States"), [source])
    features = _read_features(source)
    largest: dict[str, tuple[float, str, dict[str, Any]]] = {}
    for number, feature in enumerate(track(features, len(features), result.label, progress), 1):
        properties = _properties(source, number, feature)
        where = _feature_where(number, properties)
        ags = _digits(source, where, "ARS", str(properties.get("ARS", "")), 2)
        name = str(properties.get("GEN") or "").strip()
        if not name:
            raise ReferenceDataError(source, _("GEN (name) is empty"), where)
        geometry = _clean_geometry(feature.get("geometry"), source, where)
        area = _planar_area(geometry)
        if ags not in largest or area > largest[ags][0]:
            largest[ags] = (area, name, geometry)
    wanted = {
        ags: {"ags": ags, "name": name, "geometry": geometry}
        for ags, (_area, name, geometry) in sorted(largest.items())
    }
    with transaction.atomic():
        _sync(State, ("ags",), wanted, result)
    return _finish(result, started)


# --- Districts -----------------------------------------------------------------------


def _read_current_boundaries(
    relative: str, known: set[str], result: ImportResult
) -> dict[str, dict[str, Any]]:
    source = Path(settings.REFERENCE_DATA_DIR) / relative
    if not source.is_file():
        result.warnings.append(
            _("%(path)s not found: the 2021 boundaries are used instead.") % {"path": source}
        )
        return {}
    result.sources.append(source)
    boundaries: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(_read_features(source), 1):
        properties = _properties(source, number, feature)
        where = _feature_where(number, properties)
        ags = _digits(source, where, "AGS", str(properties.get("AGS", "")), 5)
        if ags not in known:
            raise ReferenceDataError(
                source,
                _("district %(ags)s is not in %(file)s") % {"ags": ags, "file": DISTRICTS_FILE},
                where,
            )
        if ags in DISTRICT_MERGERS:
            raise ReferenceDataError(
                source, _("district %(ags)s was dissolved by a merger") % {"ags": ags}, where
            )
        boundaries[ags] = _clean_geometry(feature.get("geometry"), source, where)
    return boundaries


def import_districts(path: Path | None = None, progress: Progress = silent) -> ImportResult:
    """Districts (Kreise) from ``bkg/Ebene_Kreise.geojson`` (needs the states).

    Boundaries of today's districts replace the 2021 ones where
    ``CURRENT_BOUNDARY_FILES`` has them (Wartburgkreis with Eisenach); districts
    dissolved since (``DISTRICT_MERGERS``) stay, with ``merged_into`` set.
    """
    started = time.monotonic()
    source = _reference_path(DISTRICTS_FILE, path)
    result = ImportResult("districts", _("Districts"), [source])
    features = _read_features(source)
    states = dict(State.objects.values_list("ags", "pk"))
    wanted: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(track(features, len(features), result.label, progress), 1):
        properties = _properties(source, number, feature)
        where = _feature_where(number, properties)
        ags = _digits(source, where, "ARS", str(properties.get("ARS", "")), 5)
        if ags in wanted:
            raise ReferenceDataError(
                source, _("district %(ags)s appears twice") % {"ags": ags}, where
            )
        if ags[:2] not in states:
            raise ReferenceDataError(
                source,
                _("state %(state)s is not imported; import the states first") % {"state": ags[:2]},
                where,
            )
        name = str(properties.get("GEN") or "").strip()
        if not name:
            raise ReferenceDataError(source, _("GEN (name) is empty"), where)
        wanted[ags] = {
            "ags": ags,
            "name": name,
            "kind": str(properties.get("BEZ") or "").strip(),
            "state_id": states[ags[:2]],
            "geometry": _clean_geometry(feature.get("geometry"), source, where),
        }
    for relative in CURRENT_BOUNDARY_FILES:
        for ags, geometry in _read_current_boundaries(relative, set(wanted), result).items():
            wanted[ags]["geometry"] = geometry
    mergers: dict[str, tuple[str, date]] = {}
    for dissolved, (successor, merged_on) in DISTRICT_MERGERS.items():
        if dissolved not in wanted:
            continue  # newer boundary data: the district is gone already
        if successor not in wanted:
            raise ReferenceDataError(
                source,
                _("district %(successor)s, which %(dissolved)s was merged into, is missing")
                % {"successor": successor, "dissolved": dissolved},
            )
        mergers[dissolved] = (successor, merged_on)
    with transaction.atomic():
        stored = dict(District.objects.values_list("ags", "pk"))
        pending = []
        for ags, values in wanted.items():
            merger = mergers.get(ags)
            values["merged_on"] = merger[1] if merger else None
            values["merged_into_id"] = stored.get(merger[0]) if merger else None
            if merger and values["merged_into_id"] is None:
                pending.append(ags)  # the successor is created in this run
        _sync(District, ("ags",), wanted, result)
        for ags in pending:
            District.objects.filter(ags=ags).update(
                merged_into=District.objects.get(ags=mergers[ags][0])
            )
    return _finish(result, started)


def current_districts(state_ags: str | None = None) -> models.QuerySet[District]:
    """Districts that exist today (dissolved ones excluded), of one state or all of Germany."""
    queryset = District.objects.current().select_related("state")
    if state_ags:
        queryset = queryset.in_state(state_ags)
    return queryset.order_by("name")


# --- Municipalities ------------------------------------------------------------------


def import_municipalities(path: Path | None = None, progress: Progress = silent) -> ImportResult:
    """One point per municipality from ``bkg/gemeinden_vg5000_2021_points.csv``.

    Needs the districts; a municipality of a dissolved district is put into the
    district it was merged into (Eisenach → Wartburgkreis).
    """
    started = time.monotonic()
    source = _reference_path(MUNICIPALITIES_FILE, path)
    result = ImportResult("municipalities", _("Municipalities"), [source])
    districts = _current_district_ids()
    wanted: dict[str, dict[str, Any]] = {}
    rows = list(_read_csv(source, ("AGS", "ARS", "name", "bez", "kreis_ags", "lat", "lon")))
    for line, row in track(rows, len(rows), result.label, progress):
        where = _line(line)
        ags = _digits(source, where, "AGS", row["AGS"], 8)
        if ags in wanted:
            raise ReferenceDataError(
                source, _("municipality %(ags)s appears twice") % {"ags": ags}, where
            )
        district_ags = _digits(source, where, "kreis_ags", row["kreis_ags"], 5)
        district_id = districts.get(district_ags)
        if district_id is None:
            raise ReferenceDataError(
                source,
                _("district %(ags)s is not imported; import the districts first")
                % {"ags": district_ags},
                where,
            )
        name = row["name"]
        if not name:
            raise ReferenceDataError(source, _("name is empty"), where)
        wanted[ags] = {
            "ags": ags,
            "ars": row["ARS"],
            "name": name,
            "name_folded": fold_place_name(name),
            "kind": row["bez"],
            "district_id": district_id,
            "latitude": _float(source, where, "lat", row["lat"], LATITUDE_RANGE),
            "longitude": _float(source, where, "lon", row["lon"], LONGITUDE_RANGE),
        }
    with transaction.atomic():
        _sync(Municipality, ("ags",), wanted, result)
    return _finish(result, started)


def _current_district_ids() -> dict[str, int]:
    """District key → primary key of the district it stands for today (following mergers)."""
    rows = list(District.objects.values_list("ags", "pk", "merged_into_id"))
    successor = {pk: merged_into for _ags, pk, merged_into in rows}
    current = {}
    for ags, pk, _merged_into in rows:
        seen = {pk}
        while successor.get(pk) is not None and successor[pk] not in seen:
            pk = successor[pk]  # type: ignore[assignment]
            seen.add(pk)
        current[ags] = pk
    return current


# --- Population ----------------------------------------------------------------------


def import_population(
    path: Path | None = None, progress: Progress = silent, as_of: date = POPULATION_DATE
) -> ImportResult:
    """Population, area and NUTS-3 code per district from ``districts_population/districts.csv``.

    A district that others were merged into gets their figures added, so that the numbers
    describe its territory today (Wartburgkreis = Wartburgkreis + Eisenach as of ``as_of``).
    """
    started = time.monotonic()
    source = _reference_path(POPULATION_FILE, path)
    result = ImportResult("population", _("District population"), [source])
    known = set(District.objects.values_list("ags", flat=True))
    figures: dict[str, dict[str, Any]] = {}
    rows = list(_read_csv(source, ("AGS", "NUTS3", "area_km2", "population"), delimiter=";"))
    for line, row in track(rows, len(rows), result.label, progress):
        where = _line(line)
        ags = _digits(source, where, "AGS", row["AGS"], 5)
        if ags not in known:
            raise ReferenceDataError(
                source,
                _("district %(ags)s is not imported; import the districts first") % {"ags": ags},
                where,
            )
        if ags in figures:
            raise ReferenceDataError(
                source, _("district %(ags)s appears twice") % {"ags": ags}, where
            )
        population = row["population"].replace(".", "").replace(" ", "")
        if not population.isdigit():
            raise ReferenceDataError(
                source,
                _("population %(value)r is not a whole number") % {"value": row["population"]},
                where,
            )
        try:
            area = Decimal(row["area_km2"].replace(",", ".")).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ReferenceDataError(
                source, _("area_km2 %(value)r is not a number") % {"value": row["area_km2"]}, where
            ) from None
        figures[ags] = {
            "ags": ags,
            "population": int(population),
            "area_km2": area,
            "population_date": as_of,
            "nuts3": row["NUTS3"][:5],
        }
    for dissolved, (successor, _merged_on) in DISTRICT_MERGERS.items():
        if dissolved in figures and successor in figures:
            figures[successor]["population"] += figures[dissolved]["population"]
            figures[successor]["area_km2"] += figures[dissolved]["area_km2"]
    with transaction.atomic():
        _sync(
            District,
            ("ags",),
            figures,
            result,
            queryset=District.objects.filter(ags__in=list(figures)),
        )
        result.not_in_file = District.objects.exclude(ags__in=list(figures)).count()
    return _finish(result, started)


# --- Postal codes --------------------------------------------------------------------


def _postal_code_source(path: Path | None) -> Path:
    if path is not None:
        return _reference_path("", path)
    base = Path(settings.REFERENCE_DATA_DIR)
    for relative in (POSTAL_CODES_ZIP, POSTAL_CODES_CSV):
        if (base / relative).is_file():
            return base / relative
    raise ReferenceDataError(
        base / POSTAL_CODES_ZIP,
        _("file not found, nor %(csv)s (check REFERENCE_DATA_DIR)")
        % {"csv": base / POSTAL_CODES_CSV},
    )


def _geonames_rows(source: Path) -> tuple[Path, list[tuple[int, dict[str, str]]]]:
    """(name for messages, rows) of a GeoNames file or zip."""
    if source.suffix.lower() != ".zip":
        return source, list(_read_csv(source, GEONAMES_COLUMNS))
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            member = next((name for name in ("zipcodes.de.csv", "DE.txt") if name in names), None)
            if member is None:
                raise ReferenceDataError(
                    source, _("the zip contains neither zipcodes.de.csv nor DE.txt")
                )
            data = archive.read(member).decode("utf-8-sig")
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError) as error:
        raise ReferenceDataError(
            source, _("not a readable zip file (%(error)s)") % {"error": error}
        ) from error
    label = Path(f"{source}!{member}")
    if member == "DE.txt":
        # The download from download.geonames.org/export/zip/: tab-separated, no header.
        return label, list(_geonames_txt_rows(data, label))
    return label, list(_csv_rows(io.StringIO(data, newline=""), label, GEONAMES_COLUMNS, ","))


def _geonames_txt_rows(data: str, label: Path) -> Iterator[tuple[int, dict[str, str]]]:
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        values = line.split("\t")
        if len(values) < 11:
            raise ReferenceDataError(
                label,
                _("expected %(expected)d fields, found %(found)d")
                % {"expected": 12, "found": len(values)},
                _line(number),
            )
        yield (
            number,
            {
                name: value.strip()
                for name, value in zip(GEONAMES_COLUMNS, values[:11], strict=True)
            },
        )


def import_postal_codes(path: Path | None = None, progress: Progress = silent) -> ImportResult:
    """GeoNames postal codes: ``geonames/DE.zip``, else ``geonames/zipcodes.de.csv``.

    Rows whose state code is a number (their state is often spelled in English) are
    large-customer postal codes of a single organisation and are flagged. States are
    normalised to the imported ones; the district comes from the 5-digit community
    code (following mergers). Rows no longer in the file are deleted.
    """
    started = time.monotonic()
    source = _postal_code_source(path)
    result = ImportResult("postal_codes", _("Postal codes"), [source])
    label, rows = _geonames_rows(source)
    districts = _current_district_ids()
    district_states = dict(District.objects.values_list("pk", "state__ags"))
    states = dict(State.objects.values_list("ags", "pk"))
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    unknown_districts: dict[str, int] = {}
    folded_states: dict[str, str] = {}
    state_conflicts = 0
    duplicates = 0
    repaired = 0
    for line, row in track(rows, len(rows), result.label, progress):
        where = _line(line)
        code = _digits(label, where, "zipcode", row["zipcode"], 5)
        place = " ".join(repair_mojibake(row["place"]).split())
        if place != " ".join(row["place"].split()):
            repaired += 1
        if not place:
            raise ReferenceDataError(label, _("place is empty"), where)
        latitude = _float(label, where, "latitude", row["latitude"], LATITUDE_RANGE)
        longitude = _float(label, where, "longitude", row["longitude"], LONGITUDE_RANGE)
        state_name = folded_states.get(row["state"])
        if state_name is None:
            state_name = folded_states[row["state"]] = fold_place_name(row["state"])
        state_code = row["state_code"]
        is_large_customer = (state_code.isdigit() and state_code.isascii()) or (
            state_name in ENGLISH_STATE_NAMES
        )
        district_id = None
        community_code = row["community_code"]
        if community_code:
            district_id = districts.get(community_code)
            if district_id is None:
                unknown_districts[community_code] = unknown_districts.get(community_code, 0) + 1
        state_ags = STATE_NAMES.get(state_name)
        district_state = district_states.get(district_id) if district_id else None
        if state_ags and district_state and state_ags != district_state:
            state_conflicts += 1
        state_ags = state_ags or district_state
        key = (code, place)
        if key in wanted:
            duplicates += 1
            continue
        wanted[key] = {
            "code": code,
            "place": place,
            "state_id": states.get(state_ags) if state_ags else None,
            "district_id": district_id,
            "latitude": latitude,
            "longitude": longitude,
            "is_large_customer": is_large_customer,
        }
    if unknown_districts:
        result.warnings.append(
            _("%(rows)d rows name a district key that is not imported: %(keys)s")
            % {
                "rows": sum(unknown_districts.values()),
                "keys": ", ".join(sorted(unknown_districts)),
            }
        )
    if state_conflicts:
        result.warnings.append(
            _("%(rows)d rows name a state other than their district's") % {"rows": state_conflicts}
        )
    if duplicates:
        result.warnings.append(
            _("%(rows)d rows repeat a postal code and place; the first was kept")
            % {"rows": duplicates}
        )
    if repaired:
        result.warnings.append(
            _('%(rows)d place names had broken umlauts ("KÃ¶ln") and were repaired')
            % {"rows": repaired}
        )
    with transaction.atomic():
        _sync(
            PostalCode,
            ("code", "place"),
            wanted,
            result,
            delete_missing=True,
        )
    return _finish(result, started)


# --- All -----------------------------------------------------------------------------


def import_all(progress: Progress = silent) -> dict[str, ImportResult]:
    """Every geography dataset in dependency order, in one transaction."""
    with transaction.atomic():
        results = {}
        for importer in (
            import_states,
            import_districts,
            import_municipalities,
            import_population,
            import_postal_codes,
        ):
            result = importer(progress=progress)
            results[result.dataset] = result
    return results
