"""The search page on a keyboard and on a phone (headless Chromium).

Focus lands where the new results begin; a phone shows results before the filters.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check

from .test_browser import hit_names, landscape  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


@pytest.mark.usefixtures("landscape")
def test_escape_in_the_search_box_clears_the_query(live_server: Any, page: Page) -> None:
    page.goto(live_server.url + "/suche/?q=Laser")
    box = page.get_by_role("searchbox", name="Was suchen Sie?")
    box.focus()
    box.press("Escape")
    assert box.input_value() == ""
    assert page.evaluate("document.activeElement.id") == "id_q"


def test_focus_moves_to_the_result_heading_after_a_facet_or_page_change(
    live_server: Any, page: Page, settings: Any
) -> None:
    from .helpers import index_all, make_org

    settings.SEARCH_AUTO_UPDATE = False
    for i in range(25):
        make_org(
            f"Laserwerk {i:02d} GmbH",
            description="Laserschneiden von Blechteilen.",
            place=["erfurt", "jena"][i % 2],
        )
    index_all()

    page.goto(live_server.url + "/suche/?q=Laser")
    page.evaluate("window.stillTheSamePage = true")
    page.locator(".facet-link", has_text="Jena").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"district=16053"))
    page.wait_for_function("document.activeElement.id === 'results-heading'")
    heading = page.locator("#results-heading")
    assert heading.get_attribute("tabindex") == "-1"
    assert heading.inner_text().startswith("12 Organisationen")
    assert page.evaluate("window.stillTheSamePage === true")
    axe_check(page)

    # The first Tab from the heading reaches the first result, not the page's start.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.hit') !== null")

    page.goto(live_server.url + "/suche/?q=Laser")
    page.evaluate("window.stillTheSamePage = true")
    page.locator(".pagination a[rel=next]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_function("document.activeElement.id === 'results-heading'")
    assert "Seite 2 von 2" in page.locator("#results-heading").inner_text()
    assert page.evaluate("window.stillTheSamePage === true")
    axe_check(page)


PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.usefixtures("landscape")
def test_phone_shows_the_first_result_on_the_first_screen(
    live_server: Any, browser: Browser
) -> None:
    context = browser.new_context(locale="de-DE", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/suche/?q=Laser")
        first = page.locator(".hits .hit").first.bounding_box()
        assert first is not None
        assert first["y"] + 40 < PHONE["height"], "the first result starts below the first screen"
        # The filters wait behind a toggle a keyboard reaches.
        jena = page.locator(".facet-link", has_text="Jena")
        assert not jena.is_visible()
        toggle = page.locator("#facets-toggle")
        toggle.focus()
        page.keyboard.press("Enter")
        assert jena.is_visible()
        axe_check(page)
        jena.click()
        page.wait_for_url(re.compile(r"district=16053"))
        page.wait_for_function("document.querySelectorAll('.hits .hit').length === 4")
        axe_check(page)
    finally:
        context.close()


@pytest.mark.usefixtures("landscape")
def test_phone_filter_toggle_works_without_javascript(live_server: Any, browser: Browser) -> None:
    context = browser.new_context(locale="de-DE", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/suche/?q=Laser")
        first = page.locator(".hits .hit").first.bounding_box()
        assert first is not None and first["y"] + 40 < PHONE["height"]
        jena = page.locator(".facet-link", has_text="Jena")
        assert not jena.is_visible()
        page.locator("#facets-toggle").click()
        jena.click()
        page.wait_for_url(re.compile(r"district=16053"))
        assert len(hit_names(page)) == 4
    finally:
        context.close()


@pytest.mark.usefixtures("landscape")
def test_wide_screen_shows_the_filters_without_a_toggle(live_server: Any, browser: Browser) -> None:
    for javascript in (True, False):
        context = browser.new_context(locale="de-DE", java_script_enabled=javascript)
        page = context.new_page()
        try:
            page.goto(live_server.url + "/suche/?q=Laser")
            assert page.locator(".facet-link", has_text="Jena").is_visible()
            assert not page.locator("#facets-toggle").is_visible()
        finally:
            context.close()
