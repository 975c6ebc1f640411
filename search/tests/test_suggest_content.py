"""The autocomplete offers, beside the organisations, the best hits of every other kind
of content (pages, requests, networks … and whatever an app registers), the word being
typed taken as a beginning; only what the visitor may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from content.tests.factories import PageFactory
from search import services
from search.tests.helpers import index_all, make_org
from sourcing.tests.postings_factories import PostingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


@pytest.fixture
def content(django_capture_on_commit_callbacks: Any) -> None:
    make_org("Wasserstofftechnik Jena GmbH", description="Elektrolyseure.", place="jena")
    with django_capture_on_commit_callbacks(execute=True):
        PageFactory.create(title="Wasserstoffstrategie der Region", slug="wasserstoff")
        PageFactory.create(title="Wasserstoff im Entwurf", slug="entwurf", published=False)
        PostingFactory.create(title="Wasserstofftank gesucht")
        PageFactory.create(title="Fachkräfte", slug="fachkraefte")
    index_all()


@pytest.mark.usefixtures("content")
def test_the_word_being_typed_finds_every_kind_of_content() -> None:
    found = services.suggest("Wassers")

    by_kind = {(s.kind, s.label) for s in found}
    assert ("organisation", "Wasserstofftechnik Jena GmbH") in by_kind
    assert ("page", "Wasserstoffstrategie der Region") in by_kind
    assert ("posting", "Gesuch: Wasserstofftank gesucht") in by_kind
    assert all(s.label != "Wasserstoff im Entwurf" for s in found)  # unpublished
    assert all(s.label != "Fachkräfte" for s in found)
    assert found[0].kind == "organisation"  # organisations first, as before
    page = next(s for s in found if s.kind == "page")
    assert page.url == "/clustermanagement/wasserstoff/"
    assert page.kind_label  # the group's name, for people


@pytest.mark.usefixtures("content")
def test_the_autocomplete_names_the_kind_of_each_hit(client: Client) -> None:
    html = client.get(
        "/suche/vorschlaege/", {"q": "Wasserstoffs"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert '<a href="/clustermanagement/wasserstoff/">Wasserstoffstrategie der Region</a>' in html
    data = client.get("/suche/vorschlaege/", {"q": "Wasserstoffs"}).json()["suggestions"]
    kinds = {s["kind"]: s["kind_label"] for s in data}
    assert kinds["organisation"] == ""
    assert kinds["page"] and kinds["posting"]
    api = client.get("/api/v1/suggest", {"q": "Wasserstoffs"}).json()
    assert [s["label"] for s in api] == [s["label"] for s in data]


def test_at_most_a_few_hits_of_one_kind(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            PageFactory.create(title=f"Leichtbau Teil {n}", slug=f"leichtbau-{n}")
    index_all()

    pages = [s for s in services.suggest("Leichtb") if s.kind == "page"]

    assert len(pages) == services.CONTENT_SUGGESTIONS_PER_TYPE
