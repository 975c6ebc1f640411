"""The postings API: open data with the list's filters, no personal data; hostile input
answers 4xx, never 5xx."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classification.models import WzCode
from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS
from sourcing.models import PostingStatus

from .postings_factories import PostingFactory, editor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def postings() -> list[Any]:
    wz = WzCode.objects.get(version="2008", code="25.62.0")
    items = []
    for i in range(3):
        p = PostingFactory.create(
            kind="offer" if i == 0 else "request", title=f"API-Posten {i}", lat=50.98, lon=11.03
        )
        p.wz_codes.set([wz])
        items.append(p)
    PostingFactory.create(title="Wartet", status=PostingStatus.PENDING)
    PostingFactory.create(title="Vorbei", expires_on=datetime.date.today() - datetime.timedelta(1))
    return items


def test_list_filters_and_detail_without_personal_data(client: Any, postings: list[Any]) -> None:
    editor = editor_of(postings[0].organisation)
    postings[0].created_by = editor
    postings[0].save()
    data = client.get("/api/v1/postings").json()
    assert data["total"] == 3 and {r["title"] for r in data["results"]} == {
        "API-Posten 0",
        "API-Posten 1",
        "API-Posten 2",
    }
    assert {f["value"]: f["count"] for f in data["facets"]["kind"]} == {"request": 2, "offer": 1}
    offers = client.get("/api/v1/postings", {"kind": "offer"}).json()
    assert [r["title"] for r in offers["results"]] == ["API-Posten 0"]
    assert client.get("/api/v1/postings", {"wz": "25"}).json()["total"] == 3
    assert client.get("/api/v1/postings", {"wz": "20"}).json()["total"] == 0
    detail = client.get(f"/api/v1/postings/{postings[0].pk}")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert detail.json()["wz"] == [{"code": "25.62.0", "title": detail.json()["wz"][0]["title"]}]
    assert editor.email not in body and "created_by" not in body and editor.username not in body


def test_closed_or_pending_is_not_found(client: Any, postings: list[Any]) -> None:
    pending = PostingFactory.create(status=PostingStatus.PENDING)
    assert client.get(f"/api/v1/postings/{pending.pk}").status_code == 404
    assert client.get("/api/v1/postings/99999999999999999999").status_code in (404, 422)


def test_a_bad_filter_is_named(client: Any, postings: list[Any]) -> None:
    response = client.get("/api/v1/postings", {"kind": "gift", "near": "Atlantis"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"kind", "near"} <= fields


VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09 "), min_size=1, max_size=12),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["request", "offer", "C", "25", "16051", "99084", "x" * 300, "distance"]),
)
PARAMS = (
    "q",
    "kind",
    "category",
    "urgency",
    "wz",
    "district",
    "near",
    "radius",
    "sort",
    "page",
    "page_size",
)


@pytest.mark.parametrize("path", ["/gesuche/", "/api/v1/postings", "/gesuche/karte.geojson"])
def test_no_hostile_value_is_a_server_error(client: Any, postings: list[Any], path: str) -> None:
    params = st.fixed_dictionaries(
        {name: st.lists(VALUE, max_size=3) for name in (*PARAMS, "unknown")}
    ).map(lambda drawn: {name: values for name, values in drawn.items() if values})

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(params=params)
    def check(params: dict[str, list[str]]) -> None:
        response = client.get(path, params)
        assert response.status_code < 500, (path, params, response.status_code)

    check()


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(pk=st.one_of(st.integers(-(2**70), 2**70).map(str), st.sampled_from(HOSTILE)))
def test_hostile_ids(client: Any, pk: str) -> None:
    for url in (f"/api/v1/postings/{pk}", f"/gesuche/{pk}/"):
        assert client.get(url).status_code < 500, url
