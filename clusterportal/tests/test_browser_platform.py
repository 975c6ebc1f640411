"""The API documentation page and the portal's pages in a real browser under the
Content-Security-Policy: nothing blocked, axe-core clean, a way back to the portal."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from search.tests.helpers import index_all, make_org

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


def blocked_by_policy(page: Page) -> list[str]:
    """Collects what the browser reports blocked by the Content-Security-Policy."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return blocked


def test_the_api_docs_page_is_accessible_and_leads_back_to_the_portal(
    live_server: Any, page: Page
) -> None:
    make_org("Laserwerk Erfurt GmbH", description="Laserschneiden.", place="erfurt")
    index_all()
    blocked = blocked_by_policy(page)
    page.goto(live_server.url + "/api/v1/docs")
    assert page.locator("html").get_attribute("lang") == "de"
    page.locator(".opblock").first.wait_for()
    # One block per operation of the schema (so a new endpoint needs no edit here).
    schema = page.request.get(live_server.url + "/api/v1/openapi.json").json()
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert operations >= 9
    assert page.locator(".opblock").count() == operations
    axe_check(page)

    # Every operation open, one tried out: its answer, the curl command and copy buttons.
    for toggle in page.locator(".opblock-summary-control").all():
        toggle.click()
    search = page.locator(".opblock").first
    search.get_by_role("button", name="Try it out").click()
    search.locator("tr[data-param-name='q'] input").fill("Laser")
    search.get_by_role("button", name="Execute").click()
    search.locator(".live-responses-table .response-col_status").first.wait_for()
    assert "Laserwerk Erfurt GmbH" in search.locator(".live-responses-table").inner_text()
    axe_check(page)
    assert blocked == []

    page.get_by_role("link", name="Zurück zu Clusterportal").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").count() == 1


def test_pages_with_maps_and_forms_run_with_nothing_blocked(
    live_server: Any, page: Page, settings: Any
) -> None:
    organisation = make_org("Laserwerk Erfurt GmbH", description="Laserschneiden.")
    index_all()
    blocked = blocked_by_policy(page)
    for path in ["/", "/suche/?q=Laser", organisation.get_absolute_url(), "/konto/anmelden/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    # The search page's map drew its district outlines (script and styles ran).
    page.goto(live_server.url + "/suche/?q=Laser")
    page.locator(".leaflet-container").first.wait_for()
    assert page.locator(".leaflet-container path, .leaflet-marker-icon").count() > 0
    page.get_by_role("combobox", name="Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert blocked == []
