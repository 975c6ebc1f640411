"""The search page, its partials and exports, through real requests."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import content

from .helpers import index_all, make_org

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """What a reader sees: the page without its tags."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


@pytest.fixture
def laser_firms(engine_name):
    for i, place in enumerate(["erfurt", "jena", "ilmenau", "gera", "eisenach", "arnstadt"]):
        make_org(
            f"Laserzentrum {place.title()} GmbH",
            description="Laserschneiden und Laserschweißen von Blechen.",
            place=place,
            wz="25.62.0",
            size="small" if i % 2 else "medium",
        )
    make_org("Bäckerei Schmidt", description="Brot und Brötchen.", place="jena")
    index_all()
    return engine_name


def test_search_page_shows_hits_with_highlights_and_facets(client, laser_firms):
    response = client.get("/suche/", {"q": "Laserschweißen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "6 Organisationen" in html or "6 organisations" in html
    assert "<mark>Laserschweißen</mark>" in html
    assert "Bäckerei" not in html
    assert 'href="/suche/?q=Laserschwei%C3%9Fen&amp;district=16053"' in html
    assert 'id="search-form"' in html and 'hx-get="/suche/"' in html


def test_facet_link_filters_and_the_url_holds_the_state(client, laser_firms):
    response = client.get("/suche/", {"q": "Laser", "district": "16053"})
    html, text = response.content.decode(), text_of(response)
    assert "Laserzentrum Jena GmbH" in text
    assert "Laserzentrum Erfurt GmbH" not in text
    # The selected value is pressed and can be removed again.
    assert 'aria-pressed="true"' in html
    assert 'href="/suche/?q=Laser"' in html


def test_htmx_request_gets_the_results_partial_only(client, laser_firms):
    response = client.get("/suche/", {"q": "Laser"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="search-results"' in html
    assert "<html" not in html
    assert 'id="search-state" hx-swap-oob="true"' in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_radius_around_a_place_name(client, laser_firms):
    html = text_of(client.get("/suche/", {"q": "Laser", "near": "Ilmenau", "radius": "30"}))
    assert "Laserzentrum Ilmenau GmbH" in html
    assert "Laserzentrum Arnstadt GmbH" in html  # 20 km from the town's point
    assert "Laserzentrum Gera GmbH" not in html
    assert "km entfernt" in html or "km away" in html


def test_bad_input_says_what_and_where_and_finds_nothing_rather_than_everything(
    client, laser_firms
):
    html = text_of(
        client.get(
            "/suche/",
            {"q": "Laser", "district": "99999", "near": "Atlantis", "bbox": "x", "radius": "7"},
        )
    )
    assert "99999" in html
    assert "Atlantis" in html
    assert "0 Organisationen" in html
    # The search without what was not understood is offered, counted.
    assert "ohne das Unverstandene" in html and "6 Organisationen" in html


def test_empty_result_offers_relaxations(client, laser_firms):
    html = client.get("/suche/", {"q": "Laser Brötchen"}).content.decode()
    assert "Brötchen" in html
    assert "relaxations" in html
    assert "/suche/?q=Laser" in html


def _reads(captured: CaptureQueriesContext) -> list[str]:
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET LOCAL")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]


def test_query_count_does_not_grow_with_hits(client, laser_firms):
    client.get("/suche/", {"q": "Laser"})  # vocabulary loaded once per process
    with CaptureQueriesContext(connection) as few:
        client.get("/suche/", {"q": "Laser", "district": "16053"})
    with CaptureQueriesContext(connection) as many:
        client.get("/suche/", {"q": "Laser", "district": ["16053", "16051", "16052", "16070"]})
    # Reading queries only: the PostgreSQL engine wraps its page in a savepoint with a
    # planner setting where its sample shows few matches (``postgres_plans``), which
    # depends on which sample bucket the firms' ids fall in, not on the number of hits.
    few_reads, many_reads = _reads(few), _reads(many)
    assert len(many_reads) == len(few_reads), (few_reads, many_reads)
    # Tantivy: the page's own queries; PostgreSQL adds count, page and one per facet of
    # the organisations, one look-up of the words for the other kinds of content and one
    # query for each of them ("Auch gefunden").
    kinds = len(content.content_types())
    assert len(many_reads) <= (12 if laser_firms == "tantivy" else 15 + kinds)


def test_csv_and_geojson_export_of_the_result_set(client, laser_firms):
    response = client.get("/suche/export.csv", {"q": "Laser", "size": "small"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(rows) == 3
    assert {r["Postleitzahl"] for r in rows} <= {
        "07743",
        "07545",
        "99310",
        "99084",
        "98693",
        "99817",
    }
    response = client.get("/suche/export.geojson", {"q": "Laser"})
    data = json.loads(b"".join(response.streaming_content))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 6
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert 50 < lat < 52 and 9 < lon < 13


def test_autocomplete_offers_organisations_while_typing(client, laser_firms):
    data = client.get("/suche/vorschlaege/", {"q": "Laserz"}).json()
    labels = [s["label"] for s in data["suggestions"]]
    assert "Laserzentrum Jena GmbH" in labels
    html = client.get(
        "/suche/vorschlaege/", {"q": "Laserz"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert '<a href="/organisationen/laserzentrum-jena-gmbh/">' in html


def test_map_endpoint_returns_geojson_points_and_clusters(client, laser_firms, monkeypatch):
    from search import services

    data = client.get(
        "/suche/karte/", {"q": "Laser", "zoom": "8", "bbox": "50,9.5,51.8,12.8"}
    ).json()
    assert data["total"] == 6
    assert len(data["features"]) == 6 and not data["clustered"]
    assert all(f["properties"]["url"].startswith("/organisationen/") for f in data["features"])
    monkeypatch.setattr(services, "MAP_MAX_POINTS", 2)
    data = client.get(
        "/suche/karte/", {"q": "Laser", "zoom": "7", "bbox": "50,9.5,51.8,12.8"}
    ).json()
    assert data["clustered"]
    assert sum(f["properties"]["count"] for f in data["features"]) == 6
    assert client.get("/suche/karte/", {"zoom": "x"}).status_code == 400


def test_map_leaves_out_organisations_the_index_still_holds_but_the_database_lost(
    client, laser_firms, settings
):
    # Deleted in bulk without telling the index (as a raw SQL clean-up would): the list
    # and the map both leave it out until the next index update.
    from directory.models import Organisation

    settings.SEARCH_AUTO_UPDATE = False
    Organisation.objects.filter(name="Laserzentrum Gera GmbH").delete()
    data = client.get(
        "/suche/karte/", {"q": "Laser", "zoom": "8", "bbox": "50,9.5,51.8,12.8"}
    ).json()
    names = sorted(f["properties"]["name"] for f in data["features"])
    assert len(names) == 5 and "Laserzentrum Gera GmbH" not in names
    assert "Laserzentrum Gera" not in text_of(client.get("/suche/", {"q": "Laser"}))


def test_district_boundaries_are_served_for_the_map(client, db):
    data = client.get("/suche/kreise.geojson").json()
    assert len(data["features"]) == 22
    assert {f["properties"]["name"] for f in data["features"]} >= {"Erfurt", "Jena", "Ilm-Kreis"}


def test_large_numbers_of_hits_are_grouped_in_the_page_language(client, laser_firms, monkeypatch):
    """An index of a state: "etwa 44.608 Organisationen", "≈ 44.688" beside a facet value,
    not a run of digits (the number itself as the engine estimated it)."""
    from dataclasses import replace

    from search import services

    real = services.search

    def large(query, *args, **kwargs):
        found = real(query, *args, **kwargs)
        facets = [
            replace(f, values=[replace(v, count=v.count * 7448) for v in f.values])
            for f in found.facets
        ]
        return replace(
            found, total=44608, total_approximate=True, facets=facets, facets_approximate=True
        )

    monkeypatch.setattr(services, "search", large)
    german = text_of(client.get("/suche/", {"q": "Laserschweißen"}, HTTP_ACCEPT_LANGUAGE="de"))
    assert "etwa 44.608 Organisationen" in german
    assert "44.688" in german  # a facet value of six, 7,448 times as many
    client.cookies["django_language"] = "en"
    english = text_of(client.get("/suche/", {"q": "Laserschweißen"}))
    assert "about 44,608 organisations" in english
