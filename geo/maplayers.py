"""What the portal's own map draws where no tile server is configured.

The reference data holds a point and a kind for every municipality and a population
for every district, not for every municipality. So the places are ranked by what is
known: cities that are districts of their own (kreisfreie Städte) with their
population, then the other towns (Stadt), then the other municipalities; within a
rank, larger or busier places first (population, then the number of postal codes that
carry the place's name). The browser labels the first ranks at low zooms and more as
one zooms in, skipping labels that would collide with one already placed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from core.attribution import ATTRIBUTIONS

from .models import District, Municipality, PostalCode

RANK_CITY = 1
RANK_TOWN = 2
RANK_MUNICIPALITY = 3

TOWN_KINDS = frozenset({"Stadt", "Große Kreisstadt", "Große kreisangehörige Stadt"})
CITY_DISTRICT_KINDS = frozenset({"Kreisfreie Stadt", "Stadtkreis"})


def places_attribution() -> str:
    """The line BKG's licence asks for (the municipality points come from VG5000), in the
    active language: the same text the boundaries carry, so the map names it once."""
    return next((str(a.text) for a in ATTRIBUTIONS if "BKG" in str(a.text)), "© GeoBasis-DE / BKG")


COLUMNS = ("name", "lat", "lon", "rank", "population")


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    rank: int
    population: int | None


def places(state_ags: str) -> list[Place]:
    """The state's municipalities as map labels, most important first."""
    districts = {
        d.pk: d
        for d in District.objects.filter(state__ags=state_ags).only("pk", "kind", "population")
    }
    municipalities = list(
        Municipality.objects.filter(district_id__in=districts)
        .exclude(name=Municipality.UNINCORPORATED)
        .only("name", "kind", "district_id", "latitude", "longitude")
    )
    per_district = Counter(m.district_id for m in municipalities)
    postal_codes: Counter[str] = Counter(
        place
        for place, _code in set(
            PostalCode.objects.filter(district_id__in=districts, is_large_customer=False)
            .values_list("place", "code")
            .distinct()
        )
    )
    found: list[Place] = []
    for m in municipalities:
        district = districts[m.district_id]
        is_city = district.kind in CITY_DISTRICT_KINDS and per_district[m.district_id] == 1
        if is_city:
            rank, population = RANK_CITY, district.population
        else:
            rank = RANK_TOWN if m.kind in TOWN_KINDS else RANK_MUNICIPALITY
            population = None
        found.append(Place(m.name, round(m.latitude, 4), round(m.longitude, 4), rank, population))
    found.sort(key=lambda p: (p.rank, -(p.population or 0), -postal_codes[p.name], p.name))
    return found


def places_layer(state_ags: str) -> dict[str, Any]:
    """The places as compact JSON (one row per place, columns named once)."""
    return {
        "columns": list(COLUMNS),
        "rows": [[p.name, p.lat, p.lon, p.rank, p.population] for p in places(state_ags)],
        "attribution": places_attribution(),
    }
