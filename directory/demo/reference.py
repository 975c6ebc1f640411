"""Real organisations from the reference files, added with nothing invented about them."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from geo.choices import GeocodePrecision

from ..choices import LegalForm, OrganisationKind, PublicationStatus, Source
from ..models import Organisation, Site
from .common import GROSSKUNDEN_FILE, STATE_NAMES_EN, UNIVERSITIES_FILE, ascii_slug, fold
from .lookups import _Geography

# --- Real organisations from the reference files ------------------------------------------

_LEGAL_SUFFIXES = tuple(
    sorted(
        (f.value for f in LegalForm if f.value not in ("other", "Stiftung")), key=len, reverse=True
    )
)
_PUBLIC_WORDS = (
    "agentur",
    "amt",
    "ministerium",
    "stadtverwaltung",
    "gericht",
    "bußgeldstelle",
    "rentenversicherung",
    "familienkasse",
    "rundfunk",
)


def reference_kind(name: str) -> str:
    """The kind of a real organisation, told from its name."""
    lowered = name.lower()
    if "universität" in lowered or "hochschule" in lowered or "university" in lowered:
        return OrganisationKind.UNIVERSITY
    if "kammer" in lowered:
        return OrganisationKind.CHAMBER
    if any(word in lowered for word in _PUBLIC_WORDS):
        return OrganisationKind.PUBLIC_BODY
    return OrganisationKind.COMPANY


def _legal_form_of(name: str) -> str:
    for suffix in _LEGAL_SUFFIXES:
        if name.endswith(" " + suffix):
            return suffix
    return ""


@dataclass
class _RealOrganisation:
    name: str
    kind: str
    source_detail: str
    website: str = ""
    postal_code: str = ""
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    precision: str = GeocodePrecision.NONE
    district_id: int | None = None
    municipality_id: int | None = None
    tokens: frozenset[str] = frozenset()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reference_organisations(state_ags: str) -> list[_RealOrganisation]:
    """The state's real organisations in the reference files, merged by name."""
    directory = Path(settings.REFERENCE_DATA_DIR)
    geography = _Geography(state_ags)
    found: dict[str, _RealOrganisation] = {}
    path = directory / GROSSKUNDEN_FILE
    if path.is_file():
        for row in _read_csv(path):
            if not row.get("community_code", "").startswith(state_ags):
                continue
            name = " ".join(row["place"].split())
            key = fold(name)
            if key in found:
                continue
            lat, lon = float(row["latitude"]), float(row["longitude"])
            district, municipality = geography.locate(lat, lon, row["community_code"])
            found[key] = _RealOrganisation(
                name=name,
                kind=reference_kind(name),
                source_detail=GROSSKUNDEN_FILE,
                postal_code=row["zipcode"],
                place=geography.municipality_names.get(municipality or 0, ""),
                latitude=lat,
                longitude=lon,
                precision=GeocodePrecision.POSTAL_CODE,
                district_id=district,
                municipality_id=municipality,
                tokens=frozenset(fold(name).split()),
            )
    path = directory / UNIVERSITIES_FILE
    if path.is_file():
        state_names = {fold(geography.state_name), fold(STATE_NAMES_EN.get(state_ags, "-"))}
        for row in _read_csv(path):
            name = " ".join(row["name"].split())
            domain = (row.get("domains") or "").split(" ")[0]
            # Whole words only: "Berlin-Weissensee" is not Weißensee in Thuringia.
            words_ = [w for w in re.split(r"[\s/,()]+", name) if w]
            words_ += domain.split(".")[0].split("-")
            town = next((t for t in map(geography.town, words_) if t is not None), None)
            in_state = fold(row.get("state_province") or "-") in state_names
            if not in_state and town is None:
                continue
            website = (row.get("web_pages") or "").split(" ")[0].strip()
            tokens = frozenset(fold(name).split())
            match = next(
                (
                    org
                    for org in found.values()
                    if org.kind == OrganisationKind.UNIVERSITY
                    and org.tokens
                    and org.tokens <= tokens
                ),
                None,
            )
            if match:
                match.name = name
                match.website = match.website or website
                match.source_detail = f"{match.source_detail}, {UNIVERSITIES_FILE}"
                continue
            key = fold(name)
            if key in found:
                continue
            org = _RealOrganisation(
                name=name,
                kind=OrganisationKind.UNIVERSITY,
                source_detail=UNIVERSITIES_FILE,
                website=website,
            )
            if town is not None:
                # Only the town is known: its centre, and the postal code nearest to it.
                municipality, lat, lon, district = town
                postal = geography.postal_place_near(
                    lat, lon, district, geography.municipality_names[municipality]
                )
                org.postal_code = postal.code if postal else ""
                org.place = postal.place if postal else ""
                org.latitude = lat
                org.longitude = lon
                org.precision = GeocodePrecision.MUNICIPALITY
                org.district_id = district
                org.municipality_id = municipality
            found[key] = org
    return list(found.values())


def _import_reference(state_ags: str) -> int:
    """Create the real organisations not yet present (matched by name); return how many."""
    created = 0
    existing = set(
        Organisation.objects.filter(source=Source.REFERENCE).values_list("name", flat=True)
    )
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    for real in reference_organisations(state_ags):
        if real.name in existing:
            continue
        base = ascii_slug(real.name)[:240]
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        org = Organisation.objects.create(
            kind=real.kind,
            name=real.name,
            slug=slug,
            legal_form=_legal_form_of(real.name),
            website=real.website,
            status=PublicationStatus.PUBLISHED,
            source=Source.REFERENCE,
            source_detail=real.source_detail,
        )
        if real.postal_code:
            Site.objects.create(
                organisation=org,
                postal_code=real.postal_code,
                place=real.place,
                latitude=real.latitude,
                longitude=real.longitude,
                geocode_precision=real.precision,
                district_id=real.district_id,
                municipality_id=real.municipality_id,
            )
        created += 1
    return created
