"""The need page in a real browser (headless Chromium), each state checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from sourcing import services
from sourcing.matching import Need

from .helpers import SENTENCE, landscape

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


@pytest.fixture
def suppliers(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    landscape()
    # The model and the WZ suggestion load on the first match (seconds): not in a click.
    services.match(Need("Sensoren"))


def test_describe_a_need_and_read_why_each_supplier_fits(
    live_server: Any, page: Page, suppliers: None
) -> None:
    page.goto(live_server.url + "/bedarf/")
    assert page.locator("h1").inner_text() == "Bedarf beschreiben"
    axe_check(page)

    need = page.get_by_label("Was brauchen Sie?")
    need.fill(SENTENCE)
    # The counter says how much room is left.
    left = f"{2000 - len(SENTENCE):,}".replace(",", ".")
    assert page.locator("#need-limit").inner_text() == f"Noch {left} von 2.000 Zeichen frei."
    page.get_by_label("In der Nähe von (PLZ oder Ort)").fill("Erfurt")
    page.get_by_role("button", name="Anbieter finden").click()
    page.wait_for_url(re.compile(r"/bedarf/\?q=Wir\+suchen"))

    hits = page.locator(".need-hits .hit-name a")
    names = hits.all_inner_texts()
    assert "Sensorik Erfurt GmbH" in names[:3]
    erfurt = page.locator(".hit", has_text="Sensorik Erfurt GmbH")
    assert "Enthält Ihre Wörter:" in erfurt.inner_text()
    assert "km von Erfurt" in erfurt.inner_text()
    # The need stays in the box for the next try.
    assert page.get_by_label("Was brauchen Sie?").input_value() == SENTENCE
    axe_check(page)

    # Only research institutes.
    page.get_by_label("Forschungseinrichtung").check()
    page.get_by_role("button", name="Anbieter finden").click()
    page.wait_for_url(re.compile(r"kind=research"))
    assert hits.all_inner_texts() == ["Institut für Mikrosensorik Jena e. V."]

    # Back to the keyword search with the need's words.
    page.get_by_role("link", name="Stattdessen nach Stichworten suchen").click()
    page.wait_for_url(re.compile(r"/suche/\?q=Entwicklung\+Sensoren"))


def test_the_page_in_english_is_accessible(live_server: Any, page: Page, suppliers: None) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/bedarf/?q=injection+moulded+plastic+housings")
    assert page.locator("h1").inner_text() == "Describe your need"
    assert page.locator(".need-hits .hit-name a").first.inner_text() == "Spritzgusswerk Gera GmbH"
    assert "Similar in meaning" in page.locator(".need-hits .hit").first.inner_text()
    axe_check(page)
