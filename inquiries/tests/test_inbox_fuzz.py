"""Hostile filter and page values for the staff inbox: never a server error.

A page (200), a page number that does not exist (404, with its message) or an address
with a NUL character (400, core.middleware) are fine; a 5xx is a bug. Derandomised and
bounded like the form's fuzz test.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from core.testing import sign_in
from inquiries import services

from .test_fuzz_form import FUZZ, VALUE

pytestmark = pytest.mark.django_db

PARAMS = ("status", "topic", "expert", "team", "overdue", "page")


@pytest.fixture
def inbox(agency: Any, admin_user: Any) -> Client:
    for topic in ("foerderung", "sonstiges"):
        services.file_inquiry(
            services.NewInquiry(
                name="Eva", email="eva@firma.example", message="Frage", topic=agency.topics[topic]
            )
        )
    client = Client()
    sign_in(client, admin_user)
    return client


@FUZZ
@given(params=st.dictionaries(st.sampled_from(PARAMS), VALUE, max_size=len(PARAMS)))
def test_the_inbox_never_fails(inbox: Client, params: dict[str, str]) -> None:
    response = inbox.get("/intern/anfragen/", params)
    if "\x00" in "".join(params.values()):
        assert response.status_code == 400
    else:
        assert response.status_code in (200, 404), response.status_code
        if response.status_code == 404:
            assert "Es gibt keine Seite" in response.content.decode()
