"""The partial-match page in a real browser: the missing words, the correction notice
and the way to the need page, axe-core clean, with and without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import CHROMIUM_ARGS, axe_check  # noqa: F401

from .helpers import index_all, make_org

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]

SENTENCE = "Wir suchen einen Partner für die Entwicklung von Sensoren"


@pytest.fixture
def sensors(settings: Any) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    make_org("Sensorik Erfurt GmbH", description="Entwicklung und Fertigung von Sensoren.")
    make_org("Messtechnik Jena GmbH", description="Sensoren für die Industrie.", place="jena")
    make_org("Bäckerei Weiß", description="Brot und Brötchen.")
    index_all()


def test_partial_matches_say_what_they_lack_and_lead_to_the_need_page(
    live_server: Any, page: Page, sensors: None
) -> None:
    page.goto(live_server.url + "/suche/")
    page.get_by_label("Was suchen Sie?").fill(SENTENCE)
    page.get_by_role("button", name="Suchen", exact=True).click()
    page.wait_for_function("document.querySelectorAll('.hits .hit').length === 2")
    assert page.locator(".hit-missing").first.inner_text() == "Es fehlt: Partner"
    assert "Keine Organisation hat jedes Wort" in page.locator(".search-partial").inner_text()
    page.wait_for_function(
        "document.getElementById('search-map').getAttribute('data-map-ready') === '2'"
    )
    axe_check(page)

    # A typo is corrected, and the page says so.
    page.get_by_label("Was suchen Sie?").fill("Sensorren")
    page.get_by_role("button", name="Suchen", exact=True).click()
    page.wait_for_function("document.querySelectorAll('.hits .hit').length === 2")
    assert "Meinten Sie „Sensoren“?" in page.locator(".search-corrections").inner_text()
    axe_check(page)

    page.goto(live_server.url + "/suche/?" + "q=" + SENTENCE.replace(" ", "+"))
    # The need page (the matching, tested on its own) gets the search's words.
    link = page.locator(".search-partial").get_by_role("link", name="Bedarf beschreiben")
    href = link.get_attribute("href") or ""
    assert re.fullmatch(r"/bedarf/\?q=Wir\+suchen\+einen.*Sensoren", href)


def test_partial_matches_without_javascript(
    live_server: Any, browser: Browser, sensors: None
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/suche/")
        page.get_by_label("Was suchen Sie?").fill(SENTENCE)
        page.get_by_role("button", name="Suchen", exact=True).click()
        page.wait_for_url(re.compile(r"q=Wir"))
        names = page.locator(".hits .hit-name a").all_inner_texts()
        assert names == ["Sensorik Erfurt GmbH", "Messtechnik Jena GmbH"]
    finally:
        context.close()
