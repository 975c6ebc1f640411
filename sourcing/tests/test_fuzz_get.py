"""Hostile values for the need page's and the matching API's GET parameters: a 4xx with
a message is fine, a server error is a bug. Bounded and derandomised."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS

from .helpers import landscape

pytestmark = pytest.mark.django_db

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09 "), min_size=1, max_size=12),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["Sensoren", "x" * 2000, "x" * 2001, "Sensoren " * 230, "research", "26"]),
)
PARAMS = (
    "q",
    "near",
    "radius",
    "lat",
    "lon",
    "kind",
    "wz",
    "district",
    "growth",
    "network",
    "size",
    "cert",
    "page_size",
)


@pytest.fixture
def suppliers(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    landscape()


@pytest.mark.parametrize("path", ["/bedarf/", "/api/v1/match"])
def test_no_hostile_value_is_a_server_error(client: Any, suppliers: None, path: str) -> None:
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
        if path == "/api/v1/match" and response.status_code == 422:
            assert response.json()["errors"], params

    check()
