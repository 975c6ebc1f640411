"""Hostile answers to the finder, filters of the list, addresses and the unfollow link:
a message or a 404 is fine, a server error is a bug. Bounded and derandomised."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS

from .factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(["company", "startup", "small", "digital", "07743", "99999", "0", "-1", "1e9"]),
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
def programmes() -> None:
    ProgrammeFactory.create(slug="offen")
    CallFactory.create(programme=ProgrammeFactory.create(slug="aufruf", continuous=False))


def test_no_finder_answer_is_a_server_error(client: Client, programmes: None) -> None:
    @FUZZ
    @given(
        params=st.dictionaries(
            st.sampled_from(["who", "size", "plz", "topics", "growth", "amount", "x"]),
            st.one_of(VALUE, st.lists(VALUE, max_size=3)),
            max_size=6,
        )
    )
    def check(params: dict[str, Any]) -> None:
        response = client.get("/foerderprogramme/finder/", params)
        assert response.status_code in (200, 400), (params, response.status_code)

    check()


def test_no_list_filter_is_a_server_error(client: Client, programmes: None) -> None:
    @FUZZ
    @given(
        params=st.dictionaries(
            st.sampled_from(
                [
                    "q",
                    "level",
                    "kind",
                    "target",
                    "topic",
                    "growth",
                    "open_now",
                    "within_days",
                    "page",
                ]
            ),
            st.one_of(VALUE, st.lists(VALUE, max_size=3)),
            max_size=6,
        )
    )
    def check(params: dict[str, Any]) -> None:
        response = client.get("/foerderprogramme/", params)
        assert response.status_code in (200, 400), (params, response.status_code)

    check()


def test_no_address_or_unfollow_token_is_a_server_error(client: Client, programmes: None) -> None:
    user = get_user_model().objects.create_user("ina@firma.example", "ina@firma.example", "x" * 16)

    @FUZZ
    @given(slug=VALUE, signed_in=st.booleans())
    def check(slug: str, signed_in: bool) -> None:
        if signed_in:
            client.force_login(user)
        else:
            client.logout()
        quoted = quote(slug, safe="")
        for path, method in (
            (f"/foerderprogramme/{quoted}/", "get"),
            (f"/foerderprogramme/{quoted}/folgen/", "post"),
            (f"/foerderprogramme/{quoted}/nicht-folgen/", "post"),
            (f"/foerderprogramme/nicht-mehr-folgen/{quoted}/", "get"),
            (f"/foerderprogramme/nicht-mehr-folgen/{quoted}/", "post"),
        ):
            response = getattr(client, method)(path)
            assert response.status_code in (200, 301, 302, 400, 404), (path, response.status_code)

    check()
