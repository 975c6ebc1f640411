"""The search map without a tile server (the default), in headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check

from .test_browser import landscape  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
    pytest.mark.usefixtures("landscape"),
]

# Where the search circle lies on screen, against the map's own box.
CIRCLE_IN_VIEW = """() => {
    const map = document.getElementById('search-map').getBoundingClientRect();
    const circle = document.querySelector('#search-map path.search-circle');
    if (!circle) { return null; }
    const c = circle.getBoundingClientRect();
    return {inside: c.left >= map.left - 1 && c.right <= map.right + 1
                    && c.top >= map.top - 1 && c.bottom <= map.bottom + 1,
            share: Math.max(c.width / map.width, c.height / map.height)};
}"""


def wait_for_circle_in_view(page: Page) -> None:
    """Until the circle is drawn and the view fits it: all of it seen, at most one zoom
    step (half the size) smaller than the map (zooms are whole steps)."""
    page.wait_for_function(
        f"(() => {{ const v = ({CIRCLE_IN_VIEW})(); return v && v.inside && v.share > 0.35; }})()"
    )


def zoom_in(page: Page, zoom: int) -> None:
    """Zoom in with the map's + button, as a visitor would, until the map is at ``zoom``
    (or beyond).

    Leaflet drops a zoom asked for while an animation still runs (on a loaded machine the
    previous one may not have finished), so a visitor would click again; so does this.
    """
    reached = f"Number(document.getElementById('search-map').getAttribute('data-zoom')) >= {zoom}"
    for _ in range(3):
        page.locator("#search-map .leaflet-control-zoom-in").click()
        try:
            page.wait_for_function(reached, timeout=4000)
            return
        except PlaywrightTimeoutError:
            continue
    page.wait_for_function(reached)


def place_names(page: Page) -> list[str]:
    return page.locator("#search-map .map-place").all_inner_texts()


def test_radius_search_draws_its_circle_and_the_view_fits_it(live_server: Any, page: Page) -> None:
    page.goto(live_server.url + "/suche/?q=Laser&near=Ilmenau&radius=30")
    wait_for_circle_in_view(page)
    # Towns inside the circle are named.
    page.wait_for_function("document.querySelectorAll('#search-map .map-place').length > 3")
    assert "Arnstadt" in place_names(page)
    axe_check(page)

    # A smaller radius chosen in the form (htmx): a new circle, and the view follows it.
    page.get_by_label("Umkreis", exact=True).select_option("10")
    page.wait_for_function(
        "document.getElementById('search-map').getAttribute('data-circle').endsWith(',10')"
    )
    wait_for_circle_in_view(page)
    assert page.locator("#search-map path.search-circle").count() == 1
    axe_check(page)

    # Without a place the circle goes and the whole state is shown again.
    page.get_by_label("In der Nähe von (PLZ oder Ort)").fill("")
    page.get_by_label("In der Nähe von (PLZ oder Ort)").dispatch_event("change")
    page.wait_for_function(
        "document.getElementById('search-map').getAttribute('data-circle') === ''"
    )
    assert page.locator("#search-map path.search-circle").count() == 0


def test_offline_map_names_the_main_places(live_server: Any, page: Page) -> None:
    page.goto(live_server.url + "/suche/?q=Laser")
    # The whole state in view (its 22 districts drawn), names placed.
    page.wait_for_function("document.querySelectorAll('#search-map svg path').length >= 22")
    page.wait_for_function(
        "document.getElementById('search-map').getAttribute('data-zoom') === '7'"
    )
    names = place_names(page)
    assert "Erfurt" in names
    # Labels never sit on top of each other.
    boxes = page.evaluate(
        """() => Array.from(document.querySelectorAll('#search-map .map-place-name'))
            .map((e) => { const r = e.getBoundingClientRect();
                          return [r.left, r.top, r.right, r.bottom]; })"""
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    # Zoomed in, smaller places get their names too.
    for zoom in (8, 9):
        zoom_in(page, zoom)
    assert len(place_names(page)) > len(names)
    assert page.locator("#search-map .map-place-2").count() > 0  # towns, not only cities
    axe_check(page)


def test_with_a_tile_server_the_tiles_name_the_places(
    live_server: Any, page: Page, settings: Any
) -> None:
    # An operator's tile server (unreachable here: only the requests matter).
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Kachelquelle"
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(live_server.url + "/suche/?q=Laser&near=Ilmenau&radius=30")
    wait_for_circle_in_view(page)
    page.wait_for_function("document.querySelectorAll('#search-map img.leaflet-tile').length > 0")
    assert "© Kachelquelle" in page.locator("#search-map .leaflet-control-attribution").inner_text()
    assert page.locator("#search-map .map-place").count() == 0
    assert not any("/karte/orte.json" in url for url in asked)


CLUSTER_LABELS = """() => Array.from(document.querySelectorAll('#search-map .map-cluster'))
    .map(bubble => {
        const b = bubble.getBoundingClientRect();
        const l = bubble.firstElementChild.getBoundingClientRect();
        return {text: bubble.textContent,
                dx: Math.abs((l.left + l.right) / 2 - (b.left + b.right) / 2),
                dy: Math.abs((l.top + l.bottom) / 2 - (b.top + b.bottom) / 2),
                fits: l.width <= b.width - 8};
    })"""


def test_cluster_counts_sit_in_the_middle_of_their_bubbles(
    live_server: Any, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the organisations in view are too many for single markers, each bubble shows
    its count in its middle, whole (a large count widened its bubble, not spilled over)."""
    from search import services

    monkeypatch.setattr(services, "MAP_MAX_POINTS", 2)
    page.goto(live_server.url + "/suche/?q=Laser")
    page.wait_for_function("document.querySelectorAll('#search-map .map-cluster').length > 0")
    labels = page.evaluate(CLUSTER_LABELS)
    assert labels and sum(int(label["text"]) for label in labels) == 12
    for label in labels:
        assert label["dx"] <= 1.5 and label["dy"] <= 1.5, label
        assert label["fits"], label
