"""Hostile addresses of the figures page and its CSV files: a page (200), a form error
(400) or an unknown table (404), never a server error. Derandomised and bounded."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import ADMINISTRATOR
from accounts.services import grant_role
from core.testing import sign_in
from inquiries.models import InquiryTopic

pytestmark = pytest.mark.django_db

HOSTILE = (
    "",
    " ",
    "\x00",
    "2025-02-30",
    "2025-13-01",
    "0001-01-01",
    "9999-12-31",
    "31.12.2025",
    "2025-1-1",
    "-2025-01-01",
    "20250101",
    str(2**64),
    "-1",
    "1e9",
    "ä" * 300,
    "x" * 5000,
    "'; DROP TABLE inquiries_inquiry; --",
    "<script>alert(1)</script>",
)
DATES = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
    datetime.date.isoformat
)
VALUE = st.one_of(st.sampled_from(HOSTILE), DATES, st.text(max_size=30))
PARAMS = st.dictionaries(
    st.sampled_from(["from", "to", "topic", "format", "page"]), VALUE, max_size=4
)
TABLES = st.one_of(
    st.sampled_from(["uebersicht", "trichter", "monate", "themen", "experten"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20),
)

FUZZ = settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def admin(django_user_model: Any) -> Client:
    user = django_user_model.objects.create_user("ada", "ada@agentur.example", "x" * 16)
    grant_role(user, ADMINISTRATOR)
    InquiryTopic.objects.create(name="Förderung", slug="foerderung")
    client = Client()
    sign_in(client, user)
    return client


@FUZZ
@given(params=PARAMS, table=TABLES)
def test_the_figures_never_fail(admin: Client, params: dict[str, str], table: str) -> None:
    query = "&".join(f"{quote(key)}={quote(value)}" for key, value in params.items())
    page = admin.get(f"/intern/kennzahlen/?{query}")
    # 400 also where the portal refuses a NUL character in the address (core.middleware)
    assert page.status_code in (200, 400), page.status_code
    download = admin.get(f"/intern/kennzahlen/{table}.csv?{query}")
    assert download.status_code in (200, 400, 404), download.status_code
    if download.status_code == 200:
        assert download.content.startswith("\ufeff".encode())
