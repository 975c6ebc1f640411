"""The search as JSON and its OpenAPI description."""

from __future__ import annotations

import re

import pytest

from .helpers import index_all, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(engine_name):
    make_org("Optikwerk Jena GmbH", description="Linsen und Objektive.", place="jena", size="small")
    make_org("Linsenschleiferei Gera", description="Präzisionslinsen.", place="gera")
    make_org("Brauerei Erfurt", description="Bier.", place="erfurt")
    index_all()


def test_search_api_returns_hits_facets_and_messages(client, firms):
    data = client.get("/api/v1/search", {"q": "Linsen", "district": "16053"}).json()
    assert data["total"] == 1
    hit = data["results"][0]
    assert hit["name"] == "Optikwerk Jena GmbH"
    assert hit["postal_code"] == "07743" and hit["district"] == "Jena"
    assert "<mark>Linsen</mark>" in hit["snippet_html"]
    assert hit["generated"] is False
    district = next(f for f in data["facets"] if f["name"] == "district")
    # Counted without the district filter: Gera's "Präzisionslinsen" counts too.
    assert {v["value"]: v["count"] for v in district["values"]} == {"16053": 1, "16052": 1}
    # An unknown district is refused (422), never searched as if no district were asked.
    response = client.get("/api/v1/search", {"q": "Linsen", "district": "00000"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["district"]
    assert "00000" in response.json()["detail"]


def test_search_api_paginates_and_sorts_by_distance(client, firms):
    data = client.get(
        "/api/v1/search", {"near": "99084", "sort": "distance", "page_size": 2}
    ).json()
    assert data["total"] == 3
    assert [h["name"] for h in data["results"]] == ["Brauerei Erfurt", "Optikwerk Jena GmbH"]
    assert data["results"][0]["distance_km"] < data["results"][1]["distance_km"]
    page2 = client.get(
        "/api/v1/search", {"near": "99084", "sort": "distance", "page_size": 2, "page": 2}
    ).json()
    assert [h["name"] for h in page2["results"]] == ["Linsenschleiferei Gera"]


def test_invalid_parameters_are_rejected_with_their_reason(client, db):
    response = client.get("/api/v1/search", {"page_size": "1000"})
    assert response.status_code == 422
    assert "page_size" in response.content.decode()


def test_openapi_schema_describes_the_search(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/search" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "kind", "wz", "district", "near", "radius", "sort", "page"} <= parameters


def test_api_docs_load_their_scripts_from_the_portal(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Every script, style and link comes from the portal itself (a random CSRF token in
    # the page may spell anything, so the addresses are checked, not the whole text).
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses and all(a.startswith(("/", "#")) for a in addresses), addresses
