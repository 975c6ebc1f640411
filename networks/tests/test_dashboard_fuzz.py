"""Hostile addresses of the dashboards and their CSV files: a page (200), a form error
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
from core.periods import EARLIEST, LATEST, MAX_YEARS, PeriodForm
from core.testing import sign_in
from directory.models import Membership
from directory.tests.factories import OrganisationFactory
from networks.tests.factories import NetworkFactory

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
    "-2025-01-01",
    "20250101",
    str(2**64),
    "1e9",
    "ä" * 300,
    "x" * 5000,
    "'; DROP TABLE directory_membership; --",
    "<script>alert(1)</script>",
)
DATES = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
    datetime.date.isoformat
)
NEAR = st.dates(min_value=datetime.date(1995, 1, 1), max_value=datetime.date(2105, 12, 31)).map(
    datetime.date.isoformat
)
# Mostly days near the accepted range, where the bounds are.
DAYS = st.one_of(
    st.dates(min_value=datetime.date(1998, 1, 1), max_value=datetime.date(2101, 12, 31)),
    st.dates(),
)
VALUE = st.one_of(st.sampled_from(HOSTILE), DATES, NEAR, st.text(max_size=30))
PARAMS = st.dictionaries(st.sampled_from(["from", "to", "page", "format"]), VALUE, max_size=4)
TABLES = st.one_of(
    st.sampled_from(
        ["kennzahlen", "monate", "jahre", "zusammensetzung", "arten", "siegel", "netzwerke"]
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20),
)

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def admin(django_user_model: Any) -> Client:
    user = django_user_model.objects.create_user("ada", "ada@agentur.example", "x" * 16)
    grant_role(user, ADMINISTRATOR)
    network = NetworkFactory.create(slug="netz")
    Membership.objects.create(network=network, organisation=OrganisationFactory.create())
    client = Client()
    sign_in(client, user)
    return client


@FUZZ
@given(params=PARAMS, table=TABLES)
def test_the_dashboards_never_fail(admin: Client, params: dict[str, str], table: str) -> None:
    query = "&".join(f"{quote(key)}={quote(value)}" for key, value in params.items())
    for base in ("/netzwerke/netz/kennzahlen/", "/intern/kennzahlen/netzwerke/"):
        page = admin.get(f"{base}?{query}")
        # 400 also where the portal refuses a NUL character in the address
        assert page.status_code in (200, 400), page.status_code
        download = admin.get(f"{base}{table}.csv?{query}")
        assert download.status_code in (200, 400, 404), download.status_code
        if download.status_code == 200:
            assert download.content.startswith("\ufeff".encode())


@FUZZ
@given(start=DAYS, end=DAYS)
def test_a_period_is_accepted_exactly_within_its_bounds(
    start: datetime.date, end: datetime.date
) -> None:
    form = PeriodForm({"from": start.isoformat(), "to": end.isoformat()})
    months = end.year * 12 + end.month - (start.year * 12 + start.month)
    expected = EARLIEST <= start <= end <= LATEST and months < MAX_YEARS * 12
    assert form.is_valid() == expected
    if expected:
        period = form.period()
        assert period.months()[0] == start.replace(day=1)
        assert len(period.months()) == months + 1
        assert period.years() == list(range(start.year, end.year + 1))
