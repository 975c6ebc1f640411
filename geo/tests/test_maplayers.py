"""The place names of the offline map, drawn from the imported reference data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from geo.maplayers import RANK_CITY, RANK_MUNICIPALITY, RANK_TOWN, places
from geo.models import District, Municipality

pytestmark = pytest.mark.usefixtures("geo")


def test_cities_first_largest_first_with_the_population_of_their_district() -> None:
    found = places("16")
    cities = [p for p in found if p.rank == RANK_CITY]
    assert [p.name for p in cities] == ["Erfurt", "Jena", "Gera", "Weimar", "Suhl"]
    assert found[: len(cities)] == cities
    erfurt = cities[0]
    assert erfurt.population == District.objects.get(ags="16051").population
    assert (round(erfurt.lat, 1), round(erfurt.lon, 1)) == (51.0, 11.0)


def test_towns_before_villages_and_every_municipality_of_the_state_once() -> None:
    found = places("16")
    by_name = {p.name: p for p in found}
    assert by_name["Ilmenau"].rank == RANK_TOWN
    assert by_name["Gotha"].rank == RANK_TOWN
    assert by_name["Martinroda"].rank == RANK_MUNICIPALITY
    ranks = [p.rank for p in found]
    assert ranks == sorted(ranks)
    in_state = Municipality.objects.filter(district__state__ags="16").exclude(
        name=Municipality.UNINCORPORATED
    )
    assert len(found) == in_state.count()
    assert "Leipzig" not in by_name  # another state


def test_the_layer_is_served_compact_and_cacheable(client: Any) -> None:
    response = client.get("/karte/orte.json")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["columns"] == ["name", "lat", "lon", "rank", "population"]
    first = dict(zip(data["columns"], data["rows"][0], strict=True))
    assert first["name"] == "Erfurt" and first["rank"] == RANK_CITY
    assert "BKG" in data["attribution"]
    assert len(response.content) < 40_000


def test_the_layer_only_answers_reading(client: Any) -> None:
    assert client.post("/karte/orte.json").status_code == 405


def test_the_layer_names_its_source_in_the_visitors_language(client: Any) -> None:
    german = client.get("/karte/orte.json", HTTP_ACCEPT_LANGUAGE="de")
    english = client.get("/karte/orte.json", HTTP_ACCEPT_LANGUAGE="en")
    assert "Daten verändert" in json.loads(german.content)["attribution"]
    assert "data modified" in json.loads(english.content)["attribution"]
    # A shared cache must not hand one language's answer to the other.
    assert "Accept-Language" in english["Vary"]
