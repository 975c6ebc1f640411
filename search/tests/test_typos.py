"""Honest typo correction: a real word is never replaced by a neighbour one letter away;
a word that is no word is searched by its near spellings and the page says so; a match
as typed ranks above a corrected one — on both engines."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation

from search import services
from search.query import SearchQuery
from search.spelling import is_real_word

from .helpers import index_all, make_org, names

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    yield
    translation.deactivate()


@pytest.fixture
def shops(engine_name):
    make_org("Sensorik Erfurt GmbH", description="Entwicklung und Fertigung von Sensoren.")
    make_org("Hygiene Chemie Jena GmbH", description="Desinfektionsmittel für Kliniken.")
    make_org("Küchenprofi Gera GmbH", description="Reinigungsmittel für Großküchen.", place="gera")
    make_org("Reisebüro Ostsee GmbH", description="Reisen an die Küste.", place="jena")
    index_all()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_word_lists_know_german_and_english_words_folded():
    assert is_real_word("kiste") and is_real_word("sensoren") and is_real_word("plastic")
    assert is_real_word("grosskuche") or is_real_word("kuche")  # folded like the analyser
    assert not is_real_word("sensorren") and not is_real_word("desinfektionsmitel")


def test_a_real_word_absent_from_the_index_gets_no_silent_neighbours(shops):
    # "Kiste" is one letter from "Küste" (folded: kuste), but a word of its own.
    assert names("Kiste") == []
    results = services.search(SearchQuery(text="Kiste"))
    assert results.total == 0 and results.corrections == []


def test_a_real_typo_is_corrected_and_said(shops):
    results = services.search(SearchQuery(text="Sensorren"))
    assert [i.organisation.name for i in results.items] == ["Sensorik Erfurt GmbH"]
    assert [(c.word, c.used) for c in results.corrections] == [("Sensorren", ["Sensoren"])]
    assert names("Desinfektionsmitel") == ["Hygiene Chemie Jena GmbH"]


def test_a_match_as_typed_ranks_above_a_corrected_one(shops):
    # No organisation has both words: the partial matches rank the one with the word as
    # typed above the one with a corrected spelling only.
    results = services.search(SearchQuery(text="Desinfektionsmitel Reinigungsmittel"))
    assert results.partial
    assert [i.organisation.name for i in results.items] == [
        "Küchenprofi Gera GmbH",
        "Hygiene Chemie Jena GmbH",
    ]
    missing = {i.organisation.name: i.missing for i in results.items}
    assert missing == {
        "Küchenprofi Gera GmbH": ["Desinfektionsmitel"],
        "Hygiene Chemie Jena GmbH": ["Reinigungsmittel"],
    }


def test_page_says_what_it_corrected_in_german(client, shops):
    html = client.get(reverse("search:search"), {"q": "Sensorren"}).content.decode()
    text = _text(html)
    said = "Ergebnisse für „Sensoren“ — „Sensorren“ kennen wir nicht. Meinten Sie „Sensoren“?"
    assert said in text
    assert "von <mark>Sensoren</mark>." in html  # the word found for it is marked
    assert 'href="/suche/?q=Sensoren"' in html


def test_page_says_what_it_corrected_in_english(client, shops):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("search:search"), {"q": "Sensorren"}).content.decode()
    text = _text(html)
    assert "Showing results for “Sensoren” — “Sensorren” is no word we know." in text
    assert "Did you mean “Sensoren”?" in text


def test_page_says_nothing_of_corrections_for_words_as_typed(client, shops):
    text = _text(client.get(reverse("search:search"), {"q": "Sensoren"}).content.decode())
    assert "kennen wir nicht" not in text
