"""Hostile addresses and query parameters on the cluster management's pages: a 404 is
fine, a server error is a bug. Bounded and derandomised."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.tests.factories import ExpertFactory, PageFactory, SupporterFactory
from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS

pytestmark = pytest.mark.django_db

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09-_ "), min_size=1, max_size=12),
    st.text(max_size=20),
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def pages() -> None:
    PageFactory.create(slug="ziele")
    PageFactory.create(slug="entwurf", published=False)
    SupporterFactory.create()
    ExpertFactory.create()


def test_no_address_under_clustermanagement_is_a_server_error(client: Client, pages: None) -> None:
    @FUZZ
    @given(slug=VALUE)
    def check(slug: str) -> None:
        from urllib.parse import quote

        response = client.get("/clustermanagement/" + quote(slug, safe="") + "/")
        assert response.status_code in (200, 301, 302, 400, 404), (slug, response.status_code)
        if response.status_code == 200:
            assert slug in ("ziele", "team", "foerderer", "")

    check()


@pytest.mark.parametrize(
    "path",
    [
        "/clustermanagement/",
        "/clustermanagement/ziele/",
        "/clustermanagement/team/",
        "/impressum/",
        "/barrierefreiheit/",
    ],
)
def test_no_query_parameter_is_a_server_error(client: Client, pages: None, path: str) -> None:
    params = st.dictionaries(VALUE, st.lists(VALUE, max_size=2), max_size=3)

    @FUZZ
    @given(params=params)
    def check(params: dict[str, Any]) -> None:
        response = client.get(path, params)
        assert response.status_code in (200, 400), (path, params, response.status_code)

    check()


def test_no_topic_for_the_inquiry_form_is_a_server_error(client: Client) -> None:
    @FUZZ
    @given(topic=st.lists(VALUE, max_size=3))
    def check(topic: list[str]) -> None:
        response = client.get("/anfrage/", {"thema": topic, "growth": topic})
        assert response.status_code in (200, 400), (topic, response.status_code)

    check()
