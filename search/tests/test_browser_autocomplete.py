"""Autocomplete in a real browser (headless Chromium), for someone in a hurry.

Suggestions that answer late must neither change the address nor cover the page.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from search import services

from .test_browser import hit_names, landscape  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]

SUGGESTIONS_OPEN = (
    "(() => { const l = document.getElementById('search-suggestions');"
    " return !!l && l.children.length > 0 && l.offsetParent !== null; })()"
)


@pytest.fixture
def slow_suggestions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Suggestions answer late, as on a busy server, so they cross the search's answer."""
    asked: list[str] = []
    real = services.suggest

    def late(prefix: str, limit: int = 6, user: Any = None) -> list[services.Suggestion]:
        asked.append(prefix)
        time.sleep(0.8)
        return real(prefix, limit, user)

    monkeypatch.setattr(services, "suggest", late)
    return asked


def wait_for_suggestion_answers(page: Page) -> None:
    """Gives late suggestion answers time to arrive and be handled by the page."""
    page.wait_for_timeout(1500)
    page.wait_for_function("!document.querySelector('.htmx-request')")


@pytest.mark.parametrize("how", ["paste", "type"])
@pytest.mark.usefixtures("landscape")
def test_enter_before_the_suggestions_arrive(
    live_server: Any, page: Page, slow_suggestions: list[str], how: str
) -> None:
    page.goto(live_server.url + "/suche/")
    box = page.get_by_role("searchbox", name="Was suchen Sie?")
    if how == "paste":
        box.fill("Spritzguss")
        for _ in range(100):  # until the suggestion request is on its way
            if slow_suggestions:
                break
            page.wait_for_timeout(50)
        assert slow_suggestions == ["Spritzguss"]
    else:
        box.press_sequentially("Spritzguss", delay=15)
    box.press("Enter")
    page.wait_for_function("document.querySelectorAll('.hits .hit').length === 1")
    wait_for_suggestion_answers(page)

    url = urlsplit(page.url)
    assert url.path == "/suche/"
    assert "q=Spritzguss" in url.query
    assert not page.evaluate(SUGGESTIONS_OPEN)
    assert hit_names(page) == ["Spritzgusswerk Arnstadt GmbH"]
    # A reload shows the same search page, not the suggestions' JSON.
    page.reload()
    assert hit_names(page) == ["Spritzgusswerk Arnstadt GmbH"]


@pytest.mark.usefixtures("landscape")
def test_suggestions_close_on_escape_and_blur_and_never_change_the_address(
    live_server: Any, page: Page
) -> None:
    page.goto(live_server.url + "/suche/")
    box = page.get_by_role("searchbox", name="Was suchen Sie?")
    box.press_sequentially("Spritzg", delay=40)
    page.wait_for_function(SUGGESTIONS_OPEN)
    page.wait_for_function("!document.querySelector('.htmx-request')")
    assert urlsplit(page.url).path == "/suche/"

    # Focus leaves the box: the list closes.
    page.get_by_label("In der Nähe von (PLZ oder Ort)").focus()
    page.wait_for_function(f"!{SUGGESTIONS_OPEN}")

    # Back in the box and typing again: the list comes back; Escape closes it.
    box.focus()
    box.press("u")
    page.wait_for_function(SUGGESTIONS_OPEN)
    box.press("Escape")
    assert not page.evaluate(SUGGESTIONS_OPEN)


@pytest.mark.usefixtures("landscape")
def test_a_suggestion_chosen_with_the_mouse_is_followed(live_server: Any, page: Page) -> None:
    # The list closes when focus leaves the box; a click on a suggestion must still land.
    page.goto(live_server.url + "/suche/")
    page.get_by_role("searchbox", name="Was suchen Sie?").press_sequentially("Spritzg", delay=40)
    option = page.locator("#search-suggestions").get_by_role("link").first
    option.wait_for()
    option.click()
    page.wait_for_url(re.compile(r"/organisationen/spritzgusswerk-arnstadt-gmbh/"))
