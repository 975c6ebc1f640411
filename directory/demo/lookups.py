"""Reference data the generator builds on, held in memory: WZ codes with their notes, places."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from classification.models import WzCode
from geo.models import District, Municipality, PostalCode, State
from geo.names import fold_place_name

from .common import (
    NACE_FILE,
    DemoDataError,
    clean_title,
    fold,
    fold_text,
    note_bullets,
    note_sentences,
    stems,
    without_exclusions,
)

# Businesses cluster in the cities: a city resident counts more than a rural one.
URBAN_WEIGHT = 1.6

# --- Reference lookups ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Code:
    id: int
    code: str
    section: str
    title: str
    bullets: tuple[str, ...]
    sentences: tuple[str, ...]
    english: str
    # Word heads of what the code leaves out (its excludes, its title's "ohne …") and of
    # what it holds (title and includes): a text of the code names none of the first
    # unless it is also one of the second.
    excluded: frozenset[str] = frozenset()
    own: frozenset[str] = frozenset()
    # The only subclass of its class.
    single: bool = False
    # Title and notes, folded: "kabels" (Kabelsätze) is in "elektrokabelsätzen".
    own_text: str = ""


@dataclass(frozen=True)
class _Place:
    code: str
    place: str
    latitude: float
    longitude: float
    district_id: int
    municipality_id: int | None


def _nace_titles() -> dict[str, str]:
    """English NACE Rev. 2 class titles by code ("25.62" → "Machining"), if the file is there."""
    path = Path(settings.REFERENCE_DATA_DIR) / NACE_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["Code"]: row["Description"].strip()
            for row in csv.DictReader(handle, delimiter=";")
            if row.get("Level") == "4"
        }


def _wz_codes() -> dict[str, _Code]:
    """Every WZ 2008 subclass with text usable for descriptions, by code.

    A subclass's texts come from its own notes; from its class's only where the class
    has no other subclass (".0" subclasses often leave the notes to the class): the
    notes of a group or of a class with several subclasses list what its other
    subclasses do, and their excludes may leave it out.
    """
    notes: dict[str, tuple[str, str, str, str]] = {}
    rows = WzCode.objects.filter(version="2008").order_by("code")
    subclasses = []
    per_class: dict[str, int] = {}
    for item in rows.values_list(
        "id", "code", "level", "section", "title", "includes", "also_includes", "excludes"
    ):
        pk, code, level, section, title, includes, also, excludes = item
        notes[code] = (title, includes, also, excludes)
        if level == 5:
            subclasses.append((pk, code, section, title))
            per_class[code[:5]] = per_class.get(code[:5], 0) + 1
    english = _nace_titles()
    codes: dict[str, _Code] = {}
    for pk, code, section, title in subclasses:
        bullets: list[str] = []
        sentences: list[str] = []
        keys = (code, code[:5]) if per_class[code[:5]] == 1 else (code,)
        for key in keys:
            if key in notes:
                _title, includes, also, _excludes = notes[key]
                text = f"{includes}\n\n{also}"
                bullets.extend(b for b in note_bullets(text) if b not in bullets)
                sentences.extend(s for s in note_sentences(text) if s not in sentences)
            if bullets:
                break
        plain = without_exclusions(clean_title(title))
        if not bullets:
            # "Herstellung von Gesenkschmiedeteilen": the title names the product.
            bullets.append(plain)
        left_out = " ".join(notes[k][3] for k in (code, code[:5], code[:4]) if k in notes)
        own_text = " ".join((plain, *bullets, *sentences))
        own = stems(own_text)
        folded = fold_text(own_text)
        # The heads the title's "(ohne …)" adds are what it leaves out.
        excluded = stems(left_out) | (stems(clean_title(title)) - stems(plain))
        codes[code] = _Code(
            id=pk,
            code=code,
            section=section,
            title=plain,
            bullets=tuple(bullets),
            sentences=tuple(sentences),
            english=english.get(code[:5], ""),
            # A head inside a word of its own notes ("Elektrokabelsätze") is its own.
            excluded=frozenset(h for h in excluded - own if h not in folded),
            single=per_class[code[:5]] == 1,
            own_text=folded,
            own=own,
        )
    return codes


def _nearest(lat: float, lon: float, candidates: Sequence[tuple[int, float, float]]) -> int | None:
    best, best_distance = None, math.inf
    scale = math.cos(math.radians(lat))
    for pk, mlat, mlon in candidates:
        distance = (mlat - lat) ** 2 + ((mlon - lon) * scale) ** 2
        if distance < best_distance:
            best, best_distance = pk, distance
    return best


class _Geography:
    """The state's postal codes, weighted by district population, with their municipality."""

    def __init__(self, state_ags: str) -> None:
        self.state_ags = state_ags
        state = State.objects.filter(ags=state_ags).first()
        self.state_name = state.name if state else ""
        districts = District.objects.filter(ags__startswith=state_ags)
        current: dict[int, int] = {}
        population: dict[int, float] = {}
        for pk, merged_into, people, kind in districts.values_list(
            "id", "merged_into", "population", "kind"
        ):
            # Businesses cluster in the cities: a city resident counts more than a rural one.
            weight = (people or 0) * (URBAN_WEIGHT if "Stadt" in (kind or "") else 1)
            current[pk] = merged_into or pk
            population[merged_into or pk] = population.get(merged_into or pk, 0) + weight
        self.current_district = current
        self.municipalities: dict[int, list[tuple[int, float, float]]] = {}
        self.municipality_names: dict[int, str] = {}
        for pk, district, lat, lon, name in (
            Municipality.objects.filter(district__in=list(current))
            .order_by("ags")
            .values_list("id", "district", "latitude", "longitude", "name")
        ):
            self.municipalities.setdefault(current[district], []).append((pk, lat, lon))
            self.municipality_names[pk] = name
        rows = (
            PostalCode.objects.filter(district__in=list(current), is_large_customer=False)
            .order_by("code", "place")
            .values_list("code", "place", "latitude", "longitude", "district")
        )
        places: list[_Place] = []
        for code, name, lat, lon, district in rows:
            district = current[district]
            municipality = _nearest(lat, lon, self.municipalities.get(district, ()))
            places.append(_Place(code, name, lat, lon, district, municipality))
        if not places:
            raise DemoDataError(
                _("No postal codes for state %(ags)s: run “manage.py import_reference_data” first.")
                % {"ags": state_ags}
            )
        per_district: dict[int, int] = {}
        for place in places:
            per_district[place.district_id] = per_district.get(place.district_id, 0) + 1
        weights = [
            max(population.get(p.district_id, 0), 1) / per_district[p.district_id] for p in places
        ]
        self.places = places
        self.cum_weights = list(accumulate(weights))
        self.total_weight = self.cum_weights[-1]

    def town(self, word: str) -> tuple[int, float, float, int] | None:
        """The municipality named ``word`` exactly (id, latitude, longitude, district)."""
        if not hasattr(self, "_towns"):
            self._towns: dict[str, tuple[int, float, float, int]] = {}
            for district, members in self.municipalities.items():
                for pk, lat, lon in members:
                    key = fold_place_name(self.municipality_names[pk])
                    self._towns.setdefault(key, (pk, lat, lon, district))
        key = fold_place_name(word)
        return self._towns.get(key) if len(key) > 3 else None

    def postal_place_near(
        self, lat: float, lon: float, district: int, name: str = ""
    ) -> _Place | None:
        """The postal code nearest to a point, among those of the place ``name`` if any."""
        candidates = [p for p in self.places if p.district_id == district]
        key = fold_place_name(name)
        named = [p for p in candidates if fold_place_name(p.place) == key]
        candidates = named or candidates
        scale = math.cos(math.radians(lat))
        return min(
            candidates,
            key=lambda p: (p.latitude - lat) ** 2 + ((p.longitude - lon) * scale) ** 2,
            default=None,
        )

    def find(self, town: str) -> _Place | None:
        key = fold(town)
        for place in self.places:
            if fold(place.place) == key:
                return place
        for place in self.places:
            if fold(place.place).startswith(key):
                return place
        return None

    def locate(self, lat: float, lon: float, district_ags: str) -> tuple[int | None, int | None]:
        """District and nearest municipality of a point with a known district key."""
        district = District.objects.filter(ags=district_ags).values_list("id", flat=True).first()
        if district is None:
            return None, None
        district = self.current_district.get(district, district)
        return district, _nearest(lat, lon, self.municipalities.get(district, ()))
