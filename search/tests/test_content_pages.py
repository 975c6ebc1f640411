"""What the search page, ``/suche/?type=…`` and the API show of other kinds of content,
with a test-only type (``content_type.NoteType``) on both engines."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import content, registry

from .content_type import Note, NoteType
from .helpers import index_all, make_org
from .test_fuzz_get import VALUE


@pytest.fixture
def notes(engine_name: str) -> Any:
    doc_type = NoteType()
    registry.register(doc_type)
    content.store().clear()
    doc_type.add(
        Note(1, "Edelstahlbleche gesucht", "Zwei Tonnen Bleche", "red", ["metal"], day=3),
        Note(2, "Holzpaletten abzugeben", "Europaletten", "blue", ["wood"], day=5),
        Note(3, "Laserschweißanlage frei", "Lohnschweißen von Blechen", "red", ["metal"], day=4),
        *[Note(10 + i, f"Blechteile Los {i}", "Bleche", "green", day=6) for i in range(25)],
    )
    content.index_content(doc_type, list(doc_type.notes))
    yield doc_type
    registry._types.pop(doc_type.name, None)
    content.store().clear()


def test_the_search_page_shows_the_other_kinds_found(client: Any, notes: NoteType) -> None:
    make_org("Blechbau Erfurt GmbH", description="Bleche schneiden und kanten.")
    index_all()
    page = client.get("/suche/", {"q": "Blech"}).content.decode()
    assert 'href="/organisationen/blechbau-erfurt-gmbh/"' in page
    # The group: its label, its total (the 27 notes with "Blech") and its first hits.
    assert "Test notes" in page and "Auch gefunden" in page
    assert page.count('class="hit content-hit"') == 3
    shown = re.findall(r'<a href="/notes/(\d+)/">([^<]+)</a>', page)
    assert len(shown) == 3
    assert all(notes.notes[int(pk)].title == title for pk, title in shown)
    assert "Alle 27 Treffer in „Test notes“ zeigen" in page
    assert 'href="/suche/?type=testnote&amp;q=Blech"' in page
    # Words that find no note: no group.
    page = client.get("/suche/", {"q": "Blechbau"}).content.decode()
    assert "Test notes" not in page


def test_one_kind_with_facets_and_pages(client: Any, notes: NoteType) -> None:
    response = client.get("/suche/", {"type": "testnote", "q": "Blech"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Test notes</h1>" in page
    assert "27 Treffer" in page and "Seite 1 von 2" in page
    assert page.count('class="hit content-hit"') == 20
    # Newest hits of the same weight first; the facets count the words' hits.
    assert "Edelstahlbleche gesucht" in page or "Blechteile" in page
    assert 'href="/suche/?type=testnote&amp;q=Blech&amp;colour=red"' in page
    red = client.get("/suche/", {"type": "testnote", "q": "Blech", "colour": "red"})
    text = red.content.decode()
    assert "2 Treffer" in text and "Edelstahlbleche gesucht" in text
    assert "Laserschweißanlage frei" in text and "Blechteile" not in text
    # The organisations of the same words are one link away.
    assert 'href="/suche/?q=Blech"' in text
    second = client.get("/suche/", {"type": "testnote", "q": "Blech", "page": "2"})
    assert second.content.decode().count('class="hit content-hit"') == 7


def test_bad_values_are_said(client: Any, notes: NoteType) -> None:
    page = client.get("/suche/", {"type": "testnote", "page": "x"}).content.decode()
    assert "Die Seite muss eine Zahl von 1 bis 50 sein" in page
    page = client.get("/suche/", {"type": "nichts", "q": "Blech"}).content.decode()
    assert "nichts" in page and "Organisationen" in page


def test_the_api_groups_every_kind(client: Any, notes: NoteType) -> None:
    make_org("Blechbau Erfurt GmbH", description="Bleche schneiden und kanten.")
    index_all()
    body = client.get("/api/v1/search/all", {"q": "Blech", "per_type": 2}).json()
    groups = {g["type"]: g for g in body["groups"]}
    assert body["groups"][0]["type"] == "organisation"
    assert groups["organisation"]["total"] == 1
    assert groups["organisation"]["hits"][0]["title"] == "Blechbau Erfurt GmbH"
    assert groups["testnote"]["total"] == 27 and len(groups["testnote"]["hits"]) == 2
    assert all(h["url"].startswith("http://testserver/notes/") for h in groups["testnote"]["hits"])

    one = client.get(
        "/api/v1/search/content", {"type": "testnote", "q": "Blech", "filter": "colour=red"}
    ).json()
    assert one["total"] == 2
    assert {r["title"] for r in one["results"]} == {
        "Edelstahlbleche gesucht",
        "Laserschweißanlage frei",
    }
    assert one["facets"]["colour"] == {"red": 2, "green": 25}


def test_the_api_refuses_unknown_kinds_and_filters(client: Any, notes: NoteType) -> None:
    response = client.get("/api/v1/search/content", {"type": "organisation"})
    assert response.status_code == 422 and "testnote" in response.json()["detail"]
    response = client.get("/api/v1/search/content", {"type": "testnote", "filter": "size=x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "filter"


def test_hostile_values_on_a_kind_page_are_no_server_error(client: Any, notes: NoteType) -> None:
    params = st.fixed_dictionaries(
        {name: st.lists(VALUE, max_size=3) for name in ("q", "page", "colour", "tag")}
    ).map(lambda drawn: {name: values for name, values in drawn.items() if values})

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(params=params)
    def check(params: dict[str, list[str]]) -> None:
        response = client.get("/suche/", {**params, "type": "testnote"})
        assert response.status_code < 500, params
        filters = [f"colour={v}" for v in params.get("colour", [])]
        response = client.get(
            "/api/v1/search/content",
            {"type": "testnote", "q": params.get("q", [""]), "filter": filters},
        )
        assert response.status_code < 500, params

    check()
