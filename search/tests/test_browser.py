"""The search page in a real browser (headless Chromium), each state checked with axe-core."""

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


@pytest.fixture
def landscape(settings: Any) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    for i in range(12):
        place = ["erfurt", "jena", "ilmenau"][i % 3]
        make_org(
            f"Laserwerk {place.title()} {i:02d} GmbH",
            description="Laserschneiden und Laserschweißen von Blechteilen.",
            place=place,
            wz="25.62.0",
        )
    make_org(
        "Spritzgusswerk Arnstadt GmbH", description="Spritzguss aus Kunststoff.", place="arnstadt"
    )
    index_all()


def hit_names(page: Page) -> list[str]:
    return page.locator(".hits .hit-name a").all_inner_texts()


def test_search_facets_map_and_back_button(live_server: Any, page: Page, landscape: None) -> None:
    page.goto(live_server.url + "/suche/?q=Laser")
    assert page.locator("h1").inner_text() == "Organisationen finden"
    assert len(hit_names(page)) == 12
    assert page.locator(".hits mark").first.inner_text().startswith("Laser")
    # The map draws the district boundaries and one marker per hit, without tiles.
    page.wait_for_function(
        "document.getElementById('search-map').getAttribute('data-map-ready') === '12'"
    )
    assert page.locator("#search-map path.leaflet-interactive").count() == 12
    assert page.locator("#search-map svg path").count() >= 22 + 12
    # The attribution's links are told apart from its text by more than colour.
    link = page.locator("#search-map .leaflet-control-attribution a").first
    assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
    axe_check(page)

    # A facet narrows the results in place (htmx) and the URL holds the new state.
    page.evaluate("window.stillTheSamePage = true")
    page.locator(".facet-link", has_text="Jena").click()
    page.wait_for_url(re.compile(r"district=16053"))
    page.wait_for_function("document.querySelectorAll('.hits .hit').length === 4")
    assert all("Jena" in name for name in hit_names(page))
    assert page.evaluate("window.stillTheSamePage === true")
    assert page.locator('.facet-link[aria-pressed="true"]').inner_text().startswith("Jena")
    page.wait_for_function(
        "document.getElementById('search-map').getAttribute('data-map-ready') === '4'"
    )
    axe_check(page)

    # Back: the previous search with all twelve results again.
    page.go_back()
    page.wait_for_url(re.compile(r"q=Laser$"))
    page.wait_for_function("document.querySelectorAll('.hits .hit').length === 12")

    # Sorting by distance from a place.
    page.get_by_label("In der Nähe von (PLZ oder Ort)").fill("Ilmenau")
    page.get_by_label("Sortieren nach").select_option("distance")
    page.wait_for_url(re.compile(r"sort=distance"))
    page.wait_for_function(
        "document.querySelector('.hits .hit-name a').textContent.includes('Ilmenau')"
    )
    assert "km entfernt" in page.locator(".hits .hit-meta").first.inner_text()
    axe_check(page)


def test_autocomplete_while_typing(live_server: Any, page: Page, landscape: None) -> None:
    page.goto(live_server.url + "/suche/")
    box = page.get_by_role("searchbox", name="Was suchen Sie?")
    box.press_sequentially("Spritzg", delay=40)
    option = page.locator("#search-suggestions").get_by_role("link").first
    option.wait_for()
    assert "Spritzgusswerk Arnstadt GmbH" in option.inner_text()
    axe_check(page)
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").startswith("Spritzgusswerk")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/organisationen/spritzgusswerk-arnstadt-gmbh/"))


def test_search_works_without_javascript(
    live_server: Any, browser: Browser, landscape: None
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/suche/")
        page.get_by_label("Was suchen Sie?").fill("Kunststoff")
        page.get_by_role("button", name="Suchen", exact=True).click()
        page.wait_for_url(re.compile(r"q=Kunststoff"))
        assert hit_names(page) == ["Spritzgusswerk Arnstadt GmbH"]
        page.goto(live_server.url + "/suche/?q=Laser")
        page.locator(".facet-link", has_text="Ilm-Kreis").click()
        page.wait_for_url(re.compile(r"district=16070"))
        assert len(hit_names(page)) == 4
        assert page.locator("#map-status").inner_text().startswith("Die Karte braucht JavaScript")
    finally:
        context.close()
