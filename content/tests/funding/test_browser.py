"""A visitor finds funding in a real browser (German): the list from the main
navigation, the finder answered by a small company in Jena planning digitalisation, a
programme's page; each page checked with axe-core and under the Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True, available_apps=[*TRANSACTIONAL_APPS, "inquiries", "networks", "content"]
    ),
]


def test_a_small_company_finds_fitting_programmes(live_server: Any, page: Page) -> None:
    call_command("generate_demo_funding", "--if-empty")
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(live_server.url + "/netzwerke/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Förderung", exact=True
    ).click()
    page.wait_for_url("**/foerderprogramme/")
    assert page.locator("h1").inner_text() == "Förderprogramme"
    axe_check(page)

    page.get_by_role("link", name="Fördermittel-Finder: Welche Programme passen zu mir?").click()
    page.wait_for_url("**/foerderprogramme/finder/")
    axe_check(page)
    page.get_by_role("button", name="Programme finden").click()  # nothing answered yet
    assert page.get_by_role("alert").inner_text() == "Bitte prüfen Sie die markierten Antworten."

    page.get_by_role("group", name="Wer sind Sie?").get_by_label("Unternehmen", exact=True).check()
    page.get_by_label("klein (10–49)").check()
    page.get_by_label("Wo sind Sie? (Postleitzahl)").fill("07743")
    page.get_by_role("group", name="Was haben Sie vor?").get_by_label("Digitalisierung").check()
    page.get_by_role("button", name="Programme finden").click()
    page.wait_for_url(re.compile(r".*/foerderprogramme/finder/\?.*plz=07743.*"))

    fitting = page.get_by_role("list").filter(has_text="Warum es passt").first
    first = page.locator("ol.funding-list > li").first
    assert "Digitalbonus Land (Demo)" in first.inner_text()
    assert "Thema Digitalisierung" in first.inner_text()
    assert "für kleine Unternehmen" in first.inner_text()
    assert "in Thüringen" in first.inner_text()
    assert fitting.is_visible()
    excluded = page.locator(".excluded-list")
    assert "Innovationsprämie Nachbarland (Demo)" in excluded.inner_text()
    assert "nur in Sachsen" in excluded.inner_text()
    assert "Frist abgelaufen" in excluded.inner_text()
    axe_check(page)

    first.get_by_role("link", name="Digitalbonus Land (Demo)").click()
    page.wait_for_url("**/foerderprogramme/digitalbonus-land/")
    assert page.get_by_role("note", name="Demodaten").is_visible()
    assert page.get_by_role("link", name="Anmelden, um diesem Programm zu folgen").is_visible()
    axe_check(page)
    assert blocked == []
