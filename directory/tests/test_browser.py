"""The public pages in a real browser (headless Chromium), each checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from classification.models import WzCode
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from directory.choices import OrganisationKind, Source, Visibility
from directory.tests.factories import (
    ContactPersonFactory,
    MembershipFactory,
    OfferingFactory,
    OrganisationFactory,
    SiteFactory,
)
from geo.models import District

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


def row_names(page: Page) -> list[str]:
    return page.locator("#results tbody th a").all_inner_texts()


def test_list_paginates_and_filters(live_server: Any, page: Page) -> None:
    erfurt = District.objects.get(ags="16051")
    for n in range(28):
        org = OrganisationFactory.create(
            name=f"Betrieb {n:02d}",
            kind=OrganisationKind.RESEARCH_INSTITUTE if n % 7 == 0 else OrganisationKind.COMPANY,
            source=Source.GENERATED if n == 1 else Source.MANUAL,
        )
        SiteFactory(organisation=org, district=erfurt)

    page.goto(live_server.url + reverse("directory:organisation-list"))
    assert page.locator("h1").inner_text() == "Organisationen"
    assert row_names(page)[:2] == ["Betrieb 00", "Betrieb 01"]
    assert len(row_names(page)) == 25
    assert page.locator("#results tbody tr").nth(1).locator(".badge-demo").is_visible()
    axe_check(page)

    # htmx swaps the results in place: a value set on the window survives.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("navigation", name="Seiten").get_by_role("link", name="Nächste Seite").click()
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 3")
    assert row_names(page) == ["Betrieb 25", "Betrieb 26", "Betrieb 27"]
    assert page.locator('.pagination a[aria-current="page"]').inner_text().endswith("2")
    axe_check(page)

    page.get_by_label("Art").select_option("research")
    page.wait_for_url(re.compile(r"kind=research"))
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 4")
    assert row_names(page) == ["Betrieb 00", "Betrieb 07", "Betrieb 14", "Betrieb 21"]
    assert "page=" not in page.url
    axe_check(page)

    page.get_by_label("Name enthält").fill("14")
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert row_names(page) == ["Betrieb 14"]
    assert page.evaluate("window.stillTheSamePage === true")
    assert re.search(r"kind=research.*q=14|q=14.*kind=research", page.url)

    page.reload()
    assert row_names(page) == ["Betrieb 14"]
    assert page.get_by_label("Art").input_value() == "research"


def test_profile_shows_map_with_marker_and_district(live_server: Any, page: Page) -> None:
    org = OrganisationFactory.create(
        name="Kartenfirma GmbH",
        primary_wz=WzCode.objects.get(version="2008", code="26.70.0"),
        source=Source.GENERATED,
    )
    SiteFactory(
        organisation=org,
        street="Leutragraben 1",
        postal_code="07743",
        place="Jena",
        latitude=50.9287,
        longitude=11.5847,
        district=District.objects.get(ags="16053"),
    )
    OfferingFactory(organisation=org, name="Messtechnik")
    ContactPersonFactory(organisation=org, visibility=Visibility.PUBLIC, last_name="Sichtbar")
    MembershipFactory(organisation=org)

    page.goto(live_server.url + org.get_absolute_url())

    assert page.locator("h1").inner_text() == "Kartenfirma GmbH"
    assert page.locator(".demo-banner").is_visible()
    map_region = page.get_by_role("region", name="Karte der Standorte")
    assert map_region.is_visible()
    page.wait_for_selector("#site-map[data-map-ready='1']")
    assert page.locator("#site-map .leaflet-marker-icon").count() == 1
    assert page.locator("#site-map .leaflet-marker-icon").get_attribute("alt") == (
        "Leutragraben 1, 07743 Jena"
    )
    # The marker's image is found through the script's own address (in production the
    # stylesheet's name carries a hash, which hides the images' folder from Leaflet).
    marker = page.locator("#site-map img.leaflet-marker-icon")
    assert (marker.get_attribute("src") or "").endswith(
        "/static/vendor/leaflet/images/marker-icon.png"
    )
    marker.evaluate("img => img.decode()")
    assert marker.evaluate("img => img.naturalWidth") > 0
    assert page.locator("#site-map svg path").count() >= 1
    assert (
        "GeoBasis-DE / BKG" in page.locator("#site-map .leaflet-control-attribution").inner_text()
    )
    assert page.evaluate(
        "document.querySelector('#site-map').classList.contains('leaflet-container')"
    )
    assert page.locator(".leaflet-tile").count() == 0
    axe_check(page)


def test_language_switch_to_english_and_back(live_server: Any, page: Page) -> None:
    OrganisationFactory.create(name="Sprachfirma GmbH")
    page.goto(live_server.url + reverse("directory:organisation-list"))
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Organisationen"

    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Organisations"
    assert page.get_by_role("button", name="Apply filters").is_visible()
    assert page.url.endswith(reverse("directory:organisation-list"))
    axe_check(page)

    page.get_by_role("link", name="Sprachfirma GmbH").click()
    assert page.get_by_role("heading", name="Contact persons").is_visible()
    axe_check(page)

    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", name="Ansprechpersonen").is_visible()


def test_axe_check_reports_violations(page: Page) -> None:
    """The accessibility gate itself: a page with known faults must fail it, readably."""
    page.set_content(
        "<!DOCTYPE html><html><head><title>t</title></head><body><main>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<label>Name <input id="a"></label><input id="b"></main></body></html>'
    )

    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)

    message = str(failure.value)
    assert "html-has-lang" in message
    assert "image-alt (critical)" in message
    assert "label" in message and "#b" in message
