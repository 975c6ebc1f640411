"""The WZ suggestion: its API contract, the registry lower apps call, its accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classification import suggestions
from classification.models import WzCode
from search import wzsuggest

pytestmark = pytest.mark.django_db

NEEDS = Path(__file__).resolve().parents[2] / "bench" / "matching" / "needs.json"
# Fused top-3 accuracy on the judged needs as recorded in docs/matching.md, less 0.02.
RECORDED_TOP3 = {"all": 0.70, "de": 0.70, "en": 0.70}
TOLERANCE = 0.02


def subclasses() -> set[str]:
    return set(WzCode.objects.filter(version="2008", level=5).values_list("code", flat=True))


def test_api_suggests_real_subclasses_best_first(client):
    response = client.get("/api/v1/wz/suggest", {"q": "Desinfektionsmittel herstellen"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 5
    codes = [r["code"] for r in results]
    assert set(codes) <= subclasses()
    assert "20.20.0" in codes[:3]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    first = WzCode.objects.get(version="2008", code=codes[0])
    assert results[0]["title"] == first.title and results[0]["title_en"] == first.title_en


def test_english_text_finds_the_german_code(client):
    results = client.get("/api/v1/wz/suggest", {"q": "disinfectant manufacturer"}).json()
    assert "20.20.0" in [r["code"] for r in results["results"][:3]]


def test_trade_word_reaches_the_notes_and_says_which_word(client):
    results = client.get("/api/v1/wz/suggest", {"q": "Dreherei gesucht", "limit": 3}).json()
    assert len(results["results"]) == 3
    hit = next(r for r in results["results"] if r["code"] == "25.62.0")
    assert hit["reasons"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 2001}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({}, "q"),
        ({"q": "Laser", "limit": 21}, "limit"),
        ({"q": "Laser", "limit": 0}, "limit"),
    ],
)
def test_bad_input_is_refused_with_a_message(client, params, field):
    response = client.get("/api/v1/wz/suggest", params)
    assert response.status_code == 422
    body = response.json()
    assert [e["field"] for e in body["errors"]] == [field]
    assert field in body["detail"]


def test_long_text_at_the_limit_is_answered(client):
    text = ("Wir fertigen Präzisionsdrehteile aus Edelstahl. " * 50)[:2000]
    response = client.get("/api/v1/wz/suggest", {"q": text, "limit": 20})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 20


def test_operation_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/wz/suggest"]["get"]
    assert {"200", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} == {"q", "limit"}


def test_lower_apps_reach_the_suggestion_through_the_registry():
    assert suggestions.registered()
    found = suggestions.suggest("Spritzguss Kunststoffteile", 3)
    assert len(found) == 3 and {s.code for s in found} <= subclasses()
    assert suggestions.suggest("   ", 3) == []


def test_a_written_code_brings_its_class_neighbours():
    codes = [s.code for s in wzsuggest.suggest("25.99.9 Metallwaren", 3)]
    assert codes[0].startswith("25.99.")


def test_fused_accuracy_keeps_its_recorded_figure():
    """Top-3 of the fused score on bench/matching/needs.json (hit: a primary or
    acceptable code) stays within 0.02 of the figure docs/matching.md records."""
    needs = json.loads(NEEDS.read_text(encoding="utf-8"))
    hits: dict[str, list[bool]] = {"all": [], "de": [], "en": []}
    for need in needs:
        wanted = set(need["primary"]) | set(need["acceptable"])
        codes = {s.code for s in wzsuggest.suggest(need["text"], 3)}
        for key in ("all", need["lang"]):
            hits[key].append(bool(wanted & codes))
    for key, recorded in RECORDED_TOP3.items():
        share = sum(hits[key]) / len(hits[key])
        # Per language, one need more may be lost: one of 37 English needs is 0.027.
        slack = TOLERANCE if key == "all" else max(TOLERANCE, 1 / len(hits[key]))
        assert share >= recorded - slack - 1e-9, (key, round(share, 3))


HOSTILE = ("\x00", "a\x00b", "\u202e", "9" * 40, "x" * 5000, "ä" * 2001, "-1", "1e400", " ", "")


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(
    q=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300)),
    limit=st.one_of(st.sampled_from(HOSTILE), st.integers().map(str)),
)
def test_no_input_makes_a_server_error(q, limit):
    from django.test import Client

    response = Client().get("/api/v1/wz/suggest", {"q": q, "limit": limit})
    assert response.status_code in (200, 400, 422), (q, limit, response.status_code)
    if response.status_code != 200:
        assert response.json()["detail"]
