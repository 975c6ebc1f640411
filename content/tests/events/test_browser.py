"""A visitor finds an event in the month calendar and registers in a real browser; the
event is full, so they land on the waiting list. Checked with axe-core and under the
Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from content.events.choices import RegistrationStatus
from content.events.models import Registration
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check

from .factories import EventFactory, RegistrationFactory, in_days

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True,
        available_apps=[*TRANSACTIONAL_APPS, "inquiries", "networks", "content"],
    ),
]


def test_a_visitor_finds_an_event_in_the_calendar_and_joins_the_waiting_list(
    live_server: Any, page: Page
) -> None:
    today = timezone.localdate()
    day = 15 if today.day < 15 else today.day
    start = in_days(day - today.day, hour=14)
    if start <= timezone.now():
        start = in_days(1, hour=14)
    event = EventFactory.create(
        title="Werkstatt Leichtbau", slug="werkstatt-leichtbau", start=start, capacity=1
    )
    RegistrationFactory.create(event=event, name="Erste Person")

    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/veranstaltungen/")
    assert page.locator("h1").inner_text() == "Veranstaltungen"
    axe_check(page)

    page.get_by_role("link", name="Als Monatskalender zeigen").click()
    page.wait_for_url("**/veranstaltungen/kalender/**")
    assert page.get_by_role("table").is_visible()
    assert page.get_by_role("columnheader", name="Montag").is_visible()
    axe_check(page)
    if start.month != today.month:
        page.get_by_role("link", name="Nächster Monat").click()
    page.get_by_role("link", name="14:00 Werkstatt Leichtbau").click()
    page.wait_for_url("**/veranstaltungen/werkstatt-leichtbau/**")
    assert page.locator("h1").inner_text() == "Werkstatt Leichtbau"
    assert page.get_by_text("Die Veranstaltung ist ausgebucht").is_visible()

    page.get_by_label("Name").fill("Zoe Zweite")
    page.get_by_label("E-Mail-Adresse").fill("zoe@example.org")
    page.get_by_label("Ich bin einverstanden", exact=False).check()
    page.get_by_role("button", name="Auf die Warteliste").click()
    page.wait_for_load_state()
    assert page.get_by_text("Sie stehen auf der Warteliste").is_visible()
    axe_check(page)

    assert Registration.objects.get(email="zoe@example.org").status == RegistrationStatus.WAITING
    assert blocked == []
