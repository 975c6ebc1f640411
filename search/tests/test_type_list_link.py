"""A kind of content with a list page of its own is linked from its tab of the search
page, in words that say what that page offers (only requests and offers have a map)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from content.tests.events.factories import EventFactory
from sourcing.tests.postings_factories import PostingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


def _link(html: str) -> str:
    start = html.index('class="type-list-link"')
    return html[start : html.index("</p>", start)]


def test_each_kind_names_what_its_own_page_offers(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        PostingFactory.create(title="Wasserstofftank gesucht")
        EventFactory.create(title="Wasserstoff-Forum")

    postings = _link(
        client.get("/suche/", {"q": "Wasserstoff", "type": "posting"}).content.decode()
    )
    page = client.get("/suche/", {"q": "Wasserstoff", "type": "event"}).content.decode()
    events = _link(page)

    assert "auf der Karte, nach Ort und Umkreis" in postings
    assert 'href="/veranstaltungen/"' in events
    assert "Alle Veranstaltungen – mit den Filtern ihrer eigenen Seite" in events
    assert "Karte" not in events
    assert ">Vor Ort<" in page.replace("\n", "").replace("  ", "")  # the format facet
