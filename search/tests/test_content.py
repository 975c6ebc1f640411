"""The content index (search.content) with a test-only type, on both engines."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from search import content, registry
from search.content import ContentQuery, search_content

from .content_type import Note, NoteType


@pytest.fixture
def notes(engine_name):  # type: ignore[no-untyped-def]
    doc_type = NoteType()
    registry.register(doc_type)
    content.store().clear()
    yield doc_type
    registry._types.pop(doc_type.name, None)
    content.store().clear()


def _ids(result: content.ContentResult) -> list[int]:
    return [h.id for h in result.hits]


def _fill(notes: NoteType) -> None:
    notes.add(
        Note(1, "Edelstahlbleche gesucht", "Wir brauchen 2 t Bleche", "red", ["metal"], day=3),
        Note(2, "Holzpaletten abzugeben", "Europaletten, gebraucht", "blue", ["wood"], day=5),
        Note(3, "Laserschweißanlage frei", "Kapazität für Lohnschweißen", "red", ["metal"], day=4),
        Note(4, "Beratung Förderung", "Fördermittel für Digitalisierung", "green", [], day=2),
    )
    content.index_content(notes, list(notes.notes))


def test_words_are_analysed_in_german(notes):  # type: ignore[no-untyped-def]
    _fill(notes)
    # Inflection and compound parts: "Blech" finds "Edelstahlbleche", "Schweißen" the
    # "Laserschweißanlage".
    assert _ids(search_content(ContentQuery("testnote", "Blech"))) == [1]
    assert 3 in _ids(search_content(ContentQuery("testnote", "schweissen")))
    # Umlauts fold.
    assert _ids(search_content(ContentQuery("testnote", "Foerderung"))) == [4]
    # A typo is forgiven.
    assert _ids(search_content(ContentQuery("testnote", "Digitalisirung"))) == [4]
    # Every word must match unless any_word.
    assert search_content(ContentQuery("testnote", "Blech Holz")).total == 0
    assert set(_ids(search_content(ContentQuery("testnote", "Blech Holz", any_word=True)))) == {
        1,
        2,
    }


def test_no_words_newest_first_and_paging(notes):  # type: ignore[no-untyped-def]
    _fill(notes)
    result = search_content(ContentQuery("testnote", page_size=2))
    assert result.total == 4
    assert _ids(result) == [2, 3]
    assert _ids(search_content(ContentQuery("testnote", page=2, page_size=2))) == [1, 4]


def test_filters_and_facets(notes):  # type: ignore[no-untyped-def]
    _fill(notes)
    result = search_content(ContentQuery("testnote", filters={"colour": ["red"]}))
    assert sorted(_ids(result)) == [1, 3]
    # A facet's counts ignore its own filter, honour the others.
    assert result.facets["colour"] == {"red": 2, "blue": 1, "green": 1}
    assert result.facets["tag"] == {"metal": 2}
    # OR within a facet, AND across.
    both = search_content(ContentQuery("testnote", filters={"colour": ["red", "blue"]}))
    assert both.total == 3
    anded = search_content(
        ContentQuery("testnote", filters={"colour": ["red", "blue"], "tag": ["wood"]})
    )
    assert _ids(anded) == [2]
    assert anded.facets["colour"] == {"blue": 1}
    # Words narrow the facets too.
    worded = search_content(ContentQuery("testnote", "Blech"))
    assert worded.facets["colour"] == {"red": 1}


def test_facets_are_counted_only_when_asked(notes):  # type: ignore[no-untyped-def]
    _fill(notes)
    asked = search_content(ContentQuery("testnote", "Blech", filters={"colour": ["red"]}))
    bare = search_content(
        ContentQuery("testnote", "Blech", filters={"colour": ["red"]}, facets=False)
    )
    assert bare.facets == {} and asked.facets["colour"]
    assert (_ids(bare), bare.total) == (_ids(asked), asked.total)


def test_radius(notes):  # type: ignore[no-untyped-def]
    notes.add(
        Note(1, "Bleche in Hannover", lat=52.37, lon=9.73),
        Note(2, "Bleche in Braunschweig", lat=52.27, lon=10.52),
        Note(3, "Bleche ohne Ort"),
    )
    content.index_content(notes, [1, 2, 3])
    near = search_content(ContentQuery("testnote", "Blech", lat=52.37, lon=9.74, radius_km=20))
    assert _ids(near) == [1]
    wide = search_content(ContentQuery("testnote", lat=52.37, lon=9.74, radius_km=80))
    assert sorted(_ids(wide)) == [1, 2]


def test_changed_updates_after_commit(notes, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    _fill(notes)
    notes.notes[2].title = "Kunststoffgranulat abzugeben"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registry.changed("testnote", [2])
        # Not before the commit.
        assert search_content(ContentQuery("testnote", "Granulat")).total == 0
    assert callbacks
    assert _ids(search_content(ContentQuery("testnote", "Granulat"))) == [2]
    assert search_content(ContentQuery("testnote", "Holzpaletten")).total == 0
    # Hidden and deleted objects leave the index.
    notes.notes[1].public = False
    del notes.notes[3]
    with django_capture_on_commit_callbacks(execute=True):
        registry.changed("testnote", [1, 3])
    assert sorted(_ids(search_content(ContentQuery("testnote")))) == [2, 4]


def test_drift_check_reports_and_repairs(notes, capsys):  # type: ignore[no-untyped-def]
    _fill(notes)
    notes.notes[1].text = "Andere Bleche"  # stale
    notes.add(Note(5, "Neue Notiz"))  # missing
    notes.notes[4].public = False  # extra
    drift = {d.type: d for d in content.check()}["testnote"]
    assert (drift.missing, drift.stale, drift.extra) == ([5], [1], [4])
    with pytest.raises(CommandError) as failed:
        call_command("check_search_index", "--no-progress")
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert "testnote" in out and "(5)" in out
    call_command("check_search_index", "--repair", "--no-progress")
    assert {d.type: d for d in content.check()}["testnote"].clean
    assert sorted(_ids(search_content(ContentQuery("testnote")))) == [1, 2, 3, 5]


def test_rebuild_includes_content(notes, capsys):  # type: ignore[no-untyped-def]
    _fill(notes)
    content.store().clear()
    assert search_content(ContentQuery("testnote")).total == 0
    call_command("rebuild_search_index", "--no-progress")
    out = capsys.readouterr().out
    assert "Test notes (testnote): 4 documents indexed" in out
    assert search_content(ContentQuery("testnote")).total == 4


def test_organisations_are_a_registered_type(db):  # type: ignore[no-untyped-def]
    types = registry.types()
    assert types[0].name == "organisation" and types[0].specialised
    assert "organisation" not in [t.name for t in content.content_types()]
