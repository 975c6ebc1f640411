"""Hostile values in every public input of the events: the filters of the list and the
calendar, the calendar's year and month, the feeds' and cancel links' parts, and the
registration form. A 4xx answer is fine, a server error is a bug. Bounded and
derandomised; runs on SQLite and PostgreSQL like every test."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.events.choices import RegistrationStatus
from content.events.models import Registration
from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS

from .factories import EventFactory

pytestmark = pytest.mark.django_db

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09-_ :T"), min_size=1, max_size=16),
    st.text(max_size=24),
    st.dates().map(lambda d: d.isoformat()),
)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FILTERS = ("field", "network", "district", "format", "cost", "date_from", "date_to", "page")
OK = (200, 301, 302, 400, 404)


@pytest.fixture
def event() -> Any:
    return EventFactory.create(slug="fuzz-event", capacity=1)


def test_no_filter_value_is_a_server_error(client: Client, event: Any) -> None:
    @FUZZ
    @given(params=st.dictionaries(st.sampled_from(FILTERS), VALUE, max_size=4))
    def check(params: dict[str, str]) -> None:
        query = urlencode(params)
        for url in ("/veranstaltungen/", "/veranstaltungen/kalender/2026/5/"):
            response = client.get(f"{url}?{query}")
            assert response.status_code in OK, (url, params, response.status_code)

    check()


def test_no_calendar_address_is_a_server_error(client: Client, event: Any) -> None:
    @FUZZ
    @given(
        year=VALUE | st.integers(-10, 10**12).map(str),
        month=VALUE | st.integers(-5, 10**6).map(str),
    )
    def check(year: str, month: str) -> None:
        path = f"/veranstaltungen/kalender/{quote(year, safe='')}/{quote(month, safe='')}/"
        response = client.get(path)
        assert response.status_code in OK, (path, response.status_code)

    check()


def test_no_feed_or_cancel_link_is_a_server_error(client: Client, event: Any) -> None:
    @FUZZ
    @given(part=VALUE)
    def check(part: str) -> None:
        quoted = quote(part, safe="")
        for path in (
            f"/veranstaltungen/wachstumsfeld/{quoted}.ics",
            f"/veranstaltungen/netzwerk/{quoted}.ics",
            f"/veranstaltungen/abmelden/{quoted}/",
            f"/veranstaltungen/{quoted}.ics",
            f"/veranstaltungen/{quoted}/",
        ):
            response = client.get(path)
            assert response.status_code in OK, (path, response.status_code)

    check()


def test_no_registration_form_is_a_server_error_and_nothing_half_written(
    client: Client, event: Any, mail_sent_at_once: None
) -> None:
    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={
                "name": VALUE,
                "email": VALUE | st.emails().map(str),
                "organisation": VALUE,
                "consent": st.sampled_from(["on", "", "0", "\x00"]),
                "website_url": st.sampled_from(["", "http://spam.example"]),
            },
        )
    )
    def check(data: dict[str, str]) -> None:
        response = client.post(event.get_absolute_url(), data)
        assert response.status_code in (302, 400, 429), (data, response.status_code)
        if response.status_code == 302:
            registration = Registration.objects.order_by("-pk").first()
            assert registration is not None and "@" in registration.email

    check()
    # One place: the first valid registration took it, the others wait.
    statuses = set(Registration.objects.values_list("status", flat=True))
    assert statuses <= {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING}
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() <= 1
