"""The main search in a browser: requests and offers beside the organisations, and one
kind's page with its facets; axe-core finds nothing on either."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from directory.tests.factories import OrganisationFactory, SiteFactory
from search.tests.helpers import index_all

from .postings_factories import PostingFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


def test_a_visitor_finds_requests_and_offers_from_the_search_box(
    live_server: Any, page: Page, settings: Any, tmp_path: Any
) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    firm = OrganisationFactory.create(name="Kunststofftechnik Gera GmbH", description="Spritzguss.")
    SiteFactory.create(organisation=firm, postal_code="07545", place="Gera")
    index_all()
    PostingFactory.create(kind="request", title="Spritzgussteile aus PA6 gesucht")
    PostingFactory.create(kind="offer", title="Freie Kapazität Spritzguss, 80 t")
    PostingFactory.create(kind="offer", title="Holzpaletten abzugeben")

    page.goto(live_server.url + "/suche/?q=Spritzguss")
    group = page.get_by_role("region", name="Gesuche und Angebote")
    group.wait_for()
    assert "Spritzgussteile aus PA6 gesucht" in group.inner_text()
    assert "Holzpaletten" not in group.inner_text()
    axe_check(page)

    group.get_by_role("link", name="Alle 2 Treffer in „Gesuche und Angebote“ zeigen").click()
    page.get_by_role("heading", level=1, name="Gesuche und Angebote").wait_for()
    assert "2 Treffer" in page.get_by_role("heading", level=2, name="2 Treffer").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Angebot").click()
    page.get_by_role("heading", level=2, name="1 Treffer").wait_for()
    assert "Freie Kapazität Spritzguss, 80 t" in page.content()
    assert "Spritzgussteile aus PA6 gesucht" not in page.content()
    assert "kind=offer" in page.url
    axe_check(page)
    # Back to the organisations of the same words.
    tabs = page.get_by_role("navigation", name="Ergebnisse nach Art")
    tabs.get_by_role("link", name="Organisationen").click()
    page.get_by_role("link", name="Kunststofftechnik Gera GmbH").wait_for()
