"""GET /api/v1/match: the contract, its validation and the reasons as JSON."""

from __future__ import annotations

import pytest

from .helpers import SENTENCE, landscape

pytestmark = pytest.mark.django_db


@pytest.fixture
def suppliers(engine_name):
    landscape()


def test_results_carry_name_url_score_and_reasons(client, suppliers):
    response = client.get("/api/v1/match", {"q": SENTENCE, "near": "Erfurt"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "suggested_wz", "total"}
    first = body["results"][0]
    assert set(first) == {"id", "name", "url", "score", "reasons"}
    assert set(first["reasons"]) == {"words", "synonyms", "wz", "similarity", "distance_km", "kind"}
    assert 0 < first["reasons"]["similarity"] <= 1
    erfurt = next(r for r in body["results"] if r["name"] == "Sensorik Erfurt GmbH")
    assert erfurt["url"].startswith("http://testserver/organisationen/")
    assert "Sensoren" in erfurt["reasons"]["words"]
    assert erfurt["reasons"]["distance_km"] < 5
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert body["total"] >= len(body["results"])


def test_suggested_codes_and_their_reasons(client, suppliers):
    body = client.get("/api/v1/match", {"q": "Desinfektionsmittel für Flächen"}).json()
    assert body["suggested_wz"][0].keys() == {"code", "title", "score"}
    assert "20.20.0" in [s["code"] for s in body["suggested_wz"]]
    maker = next(r for r in body["results"] if r["name"] == "Hygienechemie Arnstadt GmbH")
    assert {"code": "20.20.0", "source": "suggested"}.items() <= maker["reasons"]["wz"][0].items()


def test_english_titles_for_english_readers(client, suppliers):
    body = client.get(
        "/api/v1/match",
        {"q": "Desinfektionsmittel für Flächen"},
        headers={"Accept-Language": "en"},
    ).json()
    titles = {s["code"]: s["title"] for s in body["suggested_wz"]}
    assert titles["20.20.0"] == "Manufacture of pesticides and other agrochemical products"


def test_filters_and_page_size(client, suppliers):
    body = client.get("/api/v1/match", {"q": SENTENCE, "kind": "research"}).json()
    assert [r["name"] for r in body["results"]] == ["Institut für Mikrosensorik Jena e. V."]
    body = client.get("/api/v1/match", {"q": SENTENCE, "page_size": 2}).json()
    assert len(body["results"]) == 2
    body = client.get("/api/v1/match", {"q": SENTENCE, "near": "Erfurt", "radius": 20}).json()
    assert [r["name"] for r in body["results"]] == ["Sensorik Erfurt GmbH"]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"q": "x" * 2001}, "q", "2000"),
        ({}, "q", "required"),
        ({"q": ""}, "q", "at least 1"),
        ({"q": SENTENCE, "page_size": 101}, "page_size", "100"),
        ({"q": SENTENCE, "page_size": 0}, "page_size", "1"),
        ({"q": SENTENCE, "near": "Atlantis"}, "near", "Atlantis"),
        ({"q": SENTENCE, "kind": "dragon"}, "kind", "dragon"),
        ({"q": SENTENCE, "radius": 7, "near": "Erfurt"}, "radius", "7"),
        ({"q": "!!!"}, "q", "!!!"),
    ],
)
def test_refused_values_answer_422_naming_the_field(client, db, params, field, words):
    response = client.get("/api/v1/match", params)
    assert response.status_code == 422
    body = response.json()
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert field in fields, body
    assert words.lower() in fields[field].lower(), fields


def test_the_operation_is_in_the_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/match"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["q"]["required"] is True
    assert parameters["q"]["schema"]["maxLength"] == 2000
    assert {"kind", "wz", "district", "near", "radius", "page_size"} <= set(parameters)
    assert {"200", "422", "503"} <= set(operation["responses"])


def test_a_research_need_says_the_kind_fits(client, suppliers):
    body = client.get("/api/v1/match", {"q": "research partner for sensors"}).json()
    first = body["results"][0]
    assert first["name"] == "Institut für Mikrosensorik Jena e. V."
    assert first["reasons"]["kind"]
    firms = [r for r in body["results"] if r["name"] == "Sensorik Erfurt GmbH"]
    assert firms and firms[0]["reasons"]["kind"] is None
