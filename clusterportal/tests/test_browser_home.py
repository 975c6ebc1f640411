"""The start page in a real browser: on a laptop screen and on a phone the first screen
shows what the portal offers, the search box and where to ask for help; axe-core clean."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from directory.tests.factories import OrganisationFactory
from sourcing.tests.postings_factories import PostingFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]

LAPTOP = ViewportSize(width=1366, height=768)
PHONE = ViewportSize(width=390, height=844)


def _fully_on_first_screen(page: Page, selector: str, height: int) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"{selector} ends at {box['y'] + box['height']:.0f} px, "
        f"below the first screen ({height} px)"
    )


@pytest.mark.parametrize("screen", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_first_screen_offers_search_help_and_the_portal(
    live_server: Any, browser: Browser, screen: ViewportSize
) -> None:
    OrganisationFactory.create_batch(2)
    PostingFactory.create(title="Drehteile gesucht")
    phone = screen["width"] < 500
    context = browser.new_context(locale="de-DE", viewport=screen, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        _fully_on_first_screen(page, "#home-q", screen["height"])
        _fully_on_first_screen(page, ".hero-search button", screen["height"])
        _fully_on_first_screen(page, ".home-help .button", screen["height"])
        ask = page.locator(".home-help .button").inner_text()
        assert ask == "Fragen Sie unsere Expertinnen und Experten"
        # What the portal offers starts on the first screen (its first entry at least).
        _fully_on_first_screen(page, ".home-offers li", screen["height"])
        axe_check(page)
    finally:
        context.close()


def test_the_search_box_searches_everything(live_server: Any, page: Page) -> None:
    OrganisationFactory.create_batch(2)
    page.goto(live_server.url + "/")
    # Saved organisations are indexed at once.
    page.get_by_label("Was suchen Sie?").fill("Testfirma")
    page.get_by_role("button", name="Finden").click()
    page.wait_for_url(re.compile(r"/suche/\?q=Testfirma"))
    assert page.locator(".hits .hit").count() == 2


def test_the_help_box_leads_to_the_inquiry_form(live_server: Any, page: Page) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Fragen Sie unsere Expertinnen und Experten").click()
    page.wait_for_url(re.compile(r"/anfrage/$"))
    assert page.get_by_role("heading", level=1).is_visible()
