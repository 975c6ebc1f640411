"""Seeing the matches of a request in a real browser, checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from search import vectors
from search.tests.helpers import index_all
from sourcing.postings import matching

from .posting_fixtures import firms, offer, request

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


def test_a_visitor_sees_fitting_organisations_and_offers_with_reasons(
    live_server: Any, page: Page, settings: Any, tmp_path: Any
) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    matching.forget()
    orgs = firms()
    index_all()
    vectors.wait()
    wanted = request(
        orgs["buyer"],
        "Drehteile aus Edelstahl gesucht",
        "Gedrehte Wellen und Buchsen aus Edelstahl, 500 Stück.",
        wz=("25.62.0",),
        place="jena",
    )
    offer(
        orgs["turner"],
        "Freie Kapazität CNC-Drehen",
        "Drehteile aus Stahl, Edelstahl und Messing in Serie.",
        wz=("25.62.0",),
        place="gera",
    )
    offer(orgs["caterer"], "Catering für Ihre Betriebsfeier", "Buffets und Getränke.")
    matching.matches_for(wanted)  # loads the model: not inside the page's time limit

    page.goto(live_server.url + wanted.get_absolute_url())
    section = page.locator(".posting-matches")
    assert "Organisationen, die zu diesem Gesuch passen" in section.inner_text()
    organisations = section.locator(".match-organisations .hit-name").all_inner_texts()
    assert organisations and "Präzisionsdreherei Gera GmbH" in organisations[0]
    offers = section.locator(".match-postings .hit-name").all_inner_texts()
    assert offers[0] == "Freie Kapazität CNC-Drehen"
    assert "Catering für Ihre Betriebsfeier" not in offers
    first = section.locator(".match-postings .hit").first
    assert "Gemeinsame Wörter:" in first.inner_text()
    axe_check(page)
    page.get_by_role("link", name="Freie Kapazität CNC-Drehen").click()
    page.wait_for_load_state()
    fitting = page.locator(".match-postings .hit-name").all_inner_texts()
    assert fitting == ["Drehteile aus Edelstahl gesucht"]
    axe_check(page)
