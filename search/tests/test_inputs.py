"""Refused input on the search page, map, API and exports: a message, never everything.

A value that would narrow the search and cannot be understood (an unknown filter
value, a query too long or without a word, an unknown place) gives the message and no
results, with the search without it offered and counted; it never silently widens
to the whole directory. Paging past the end says so and leads to the last page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from classification.models import CertificationStandard, GrowthField
from directory.choices import OrganisationKind
from search import services

from .helpers import index_all, make_org

pytestmark = pytest.mark.django_db

PLACES = ("erfurt", "jena", "ilmenau", "gera", "eisenach", "arnstadt")


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def hits(response: Any) -> int:
    return response.content.decode().count('class="hit"')


@pytest.fixture
def firms(settings: Any, tmp_path: Any) -> dict[str, str]:
    settings.SEARCH_ENGINE = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    services.engine().clear()
    network = make_org("Netzwerk Optik", kind=OrganisationKind.NETWORK, place="jena")
    growth = GrowthField.objects.order_by("pk").first()
    cert = CertificationStandard.objects.order_by("pk").first()
    assert growth is not None and cert is not None
    for place in PLACES:
        make_org(
            f"Laserzentrum {place.title()} GmbH",
            description="Laserschneiden und Laserschweißen von Blechen.",
            place=place,
            wz="25.62.0",
            growth=[growth.name],
            certs=[cert.name],
            networks=[network],
        )
    index_all()
    return {"growth": str(growth.pk), "cert": str(cert.pk), "network": str(network.pk)}


# -- unicode digits and ids beyond 64 bits ------------------------------------------------


@pytest.mark.parametrize("name", ["growth", "cert", "network"])
@pytest.mark.parametrize("value", ["²", "١", str(2**63), "9" * 30])
def test_an_id_that_is_no_number_is_an_unknown_value_everywhere(
    client: Any, firms: dict[str, str], name: str, value: str
) -> None:
    page = client.get("/suche/", {"q": "Laser", name: value})
    assert page.status_code == 200
    assert value in text_of(page)  # the message names the value
    assert hits(page) == 0

    data = client.get("/suche/karte/", {"q": "Laser", name: value}).json()
    assert data["features"] == [] and data["total"] == 0 and data["messages"]

    api = client.get("/api/v1/search", {"q": "Laser", name: value})
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == [name]

    for export in ("/suche/export.csv", "/suche/export.xlsx", "/suche/export.geojson"):
        response = client.get(export, {"q": "Laser", name: value})
        assert response.status_code == 400
        assert value in text_of(response)


def test_a_known_id_beside_an_unknown_one_is_kept_by_the_offered_search(
    client: Any, firms: dict[str, str]
) -> None:
    page = client.get("/suche/", {"q": "Laser", "growth": [firms["growth"], "²"]})
    assert hits(page) == 0
    # The offered search keeps the known value, drops the unknown one and counts 6.
    (offer,) = re.findall(r'<ul class="relaxations"><li><a href="([^"]+)"', page.content.decode())
    assert f"growth={firms['growth']}" in offer and "growth=%C2%B2" not in offer
    assert "6 Organisationen" in text_of(page)


# -- NUL in any parameter or path segment ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("/suche/?wz=%00", "wz"),
        ("/suche/?district=a%00b", "district"),
        ("/suche/karte/?q=Laser&wz=25%00", "wz"),
        ("/suche/export.csv?near=a%00b", "near"),
        ("/organisationen/?district=a%00b", "district"),
        ("/organisationen/a%00b/", None),
    ],
)
def test_nul_in_an_address_is_refused_with_a_message(
    client: Any, url: str, where: str | None
) -> None:
    response = client.get(url)
    assert response.status_code == 400
    text = text_of(response)
    assert "NUL" in text
    assert (f"„{where}“" in text) if where else ("Pfad" in text)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/suggest?q=a%00b", "q"),
        ("/api/v1/search?wz=%00", "wz"),
        ("/api/v1/organisations/a%00b", ""),
    ],
)
def test_nul_in_an_api_address_is_a_422_naming_the_parameter(
    client: Any, url: str, field: str
) -> None:
    response = client.get(url)
    assert response.status_code == 422
    body = response.json()
    assert "NUL" in body["detail"]
    assert [e["field"] for e in body["errors"]] == [field]


# -- limits that must not hide errors ------------------------------------------------------

REFUSED = [
    pytest.param({"q": "Laser " * 1000}, "300", id="query of 6000 characters"),
    pytest.param({"q": "!!! ?"}, "!!! ?", id="punctuation alone"),
    pytest.param(
        {"q": "Laser", "near": "Atlantis", "radius": "30"}, "Atlantis", id="unknown place"
    ),
    pytest.param({"q": "Laser", "district": "99999"}, "99999", id="unknown district"),
    pytest.param({"q": "Laser", "bbox": "x"}, "vier Zahlen", id="unreadable map area"),
]


@pytest.mark.parametrize(("params", "said"), REFUSED)
def test_refused_input_gives_the_message_and_no_results_on_the_page(
    client: Any, firms: dict[str, str], params: dict[str, str], said: str
) -> None:
    page = client.get("/suche/", params)
    assert page.status_code == 200
    text = text_of(page)
    assert said in text
    assert hits(page) == 0
    assert "0 Organisationen" in text
    # The search without what was not understood is offered, with its count.
    assert "ohne das Unverstandene" in text


@pytest.mark.parametrize(("params", "said"), REFUSED)
def test_refused_input_gives_no_data_on_the_map_api_and_exports(
    client: Any, firms: dict[str, str], params: dict[str, str], said: str
) -> None:
    data = client.get("/suche/karte/", params).json()
    assert data["features"] == [] and data["total"] == 0
    assert any(said in m for m in data["messages"])

    api = client.get("/api/v1/search", params)
    assert api.status_code == 422
    assert api.json()["errors"]

    csv = client.get("/suche/export.csv", params)
    assert csv.status_code == 400
    assert "Laserzentrum" not in csv.content.decode()
    assert said in text_of(csv)


def test_the_unknown_place_is_offered_without_place_and_radius(
    client: Any, firms: dict[str, str]
) -> None:
    html = client.get(
        "/suche/", {"q": "Laser", "near": "Atlantis", "radius": "30"}
    ).content.decode()
    (offer,) = re.findall(r'<ul class="relaxations"><li><a href="([^"]+)"', html)
    assert "near=" not in offer and "radius=" not in offer and "q=Laser" in offer


def test_autocomplete_of_punctuation_suggests_nothing(client: Any, firms: dict[str, str]) -> None:
    assert client.get("/suche/vorschlaege/", {"q": "!!!"}).json()["suggestions"] == []
    assert client.get("/api/v1/suggest", {"q": "?!?"}).json() == []


# -- paging past the end -------------------------------------------------------------------


def test_a_page_past_the_end_says_so_and_leads_to_the_last(
    client: Any, firms: dict[str, str]
) -> None:
    response = client.get("/suche/", {"q": "Laser", "page": "10"})
    assert response.status_code == 404
    text = text_of(response)
    assert "Es gibt keine Seite 10" in text
    assert "Keine Organisation passt" not in text
    assert "Seite 1 von" not in text and "Seite 10 von" not in text
    html = response.content.decode()
    assert 'href="?q=Laser&amp;page=1"' in html
    # htmx swaps no 404: the partial says the same with a 200.
    partial = client.get("/suche/", {"q": "Laser", "page": "10"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "Es gibt keine Seite 10" in text_of(partial)


def test_the_api_answers_a_page_past_the_end_empty_with_the_real_total(
    client: Any, firms: dict[str, str]
) -> None:
    data = client.get("/api/v1/search", {"q": "Laser", "page": "10"}).json()
    assert data["total"] == 6 and data["results"] == [] and data["page"] == 10
    assert any("no page 10" in message for message in data["messages"])


def test_a_page_beyond_the_deepest_shown_is_past_the_end_not_page_one(
    client: Any, firms: dict[str, str]
) -> None:
    # Pages stop at 500; a larger number must not fall back to page 1 and its results.
    response = client.get("/suche/", {"q": "Laser", "page": "99999"})
    assert response.status_code == 404
    text = text_of(response)
    assert "Es gibt keine Seite 99999" in text
    assert "Seite 1 von" not in text
    assert 'href="?q=Laser&amp;page=1"' in response.content.decode()
