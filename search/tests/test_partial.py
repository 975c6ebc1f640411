"""No silent zero: a search of several words that no organisation has all of shows the
best partial matches, says which words each lacks and offers the need page — on both
engines, on the page (German and English), in its htmx partial, the map and the exports."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import services
from search.query import SearchQuery

from .helpers import index_all, make_org

pytestmark = pytest.mark.django_db

SENTENCE = "Wir suchen einen Partner für die Entwicklung von Sensoren"
FUZZ_WORDS = ["Sensoren", "Sensorren", "Partner", "Dreherei", '"', "\x00", "ä" * 80, "-", "OR"]


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    yield
    translation.deactivate()


@pytest.fixture
def sensors(engine_name):
    make_org("Sensorik Erfurt GmbH", description="Entwicklung und Fertigung von Sensoren.")
    make_org(
        "Messtechnik Jena GmbH", description="Sensoren für die Prozessindustrie.", place="jena"
    )
    make_org("Bäckerei Weiß", description="Brot und Brötchen aus eigener Backstube.")
    index_all()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_sentence_finds_sensor_makers_as_partial_matches_with_the_words_they_lack(sensors):
    results = services.search(SearchQuery(text=SENTENCE))
    assert results.partial
    names = [item.organisation.name for item in results.items]
    assert names[:2] == ["Sensorik Erfurt GmbH", "Messtechnik Jena GmbH"]
    assert "Bäckerei Weiß" not in names
    missing = {item.organisation.name: item.missing for item in results.items}
    # "Wir suchen" names nothing an organisation offers: no word to lack.
    assert missing["Sensorik Erfurt GmbH"] == ["Partner"]
    assert missing["Messtechnik Jena GmbH"] == ["Partner", "Entwicklung"]


def test_a_search_every_word_of_which_matches_is_no_partial_one(sensors):
    results = services.search(SearchQuery(text="Entwicklung Sensoren"))
    assert not results.partial
    assert [i.organisation.name for i in results.items] == ["Sensorik Erfurt GmbH"]
    assert results.items[0].missing == []


def test_a_single_unknown_word_stays_a_zero_with_its_relaxations(sensors):
    results = services.search(SearchQuery(text="Quxzyplonk Vrrtzz"))
    assert results.total == 0 and not results.partial


def test_page_names_the_missing_words_and_leads_to_the_need_page(client, sensors):
    response = client.get(reverse("search:search"), {"q": SENTENCE})
    html = response.content.decode()
    text = _text(html)
    assert "Keine Organisation hat jedes Wort Ihrer Suche" in text
    assert "Es fehlt: Partner, Entwicklung" in text
    need = reverse("sourcing:need") + "?" + urlencode({"q": SENTENCE})
    assert f'href="{need}"'.replace("&", "&amp;") in html
    assert "Bedarf beschreiben" in text


def test_page_in_english(client, sensors):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = _text(client.get(reverse("search:search"), {"q": SENTENCE}).content.decode())
    assert "No organisation has every word of your search" in text
    assert "Missing: Partner, Entwicklung" in text
    assert "Describe your need" in text


def test_need_link_beside_the_search_box(client, sensors):
    html = client.get(reverse("search:search")).content.decode()
    assert f'href="{reverse("sourcing:need")}"' in html


def test_filters_facets_paging_and_htmx_keep_working_in_partial_mode(client, sensors):
    url = reverse("search:search")
    html = client.get(url, {"q": SENTENCE, "district": "16053"}).content.decode()
    assert "Messtechnik Jena GmbH" in html and "Sensorik Erfurt GmbH" not in html
    assert "Es fehlt:" in html
    partial = client.get(url, {"q": SENTENCE}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body and "Es fehlt:" in body
    # The facets count the partial matches.
    results = services.search(SearchQuery(text=SENTENCE))
    districts = {v.value: v.count for f in results.facets if f.name == "district" for v in f.values}
    assert districts == {"16051": 1, "16053": 1}


def test_map_and_exports_show_what_the_list_shows(client, sensors):
    geo = client.get(reverse("search:map"), {"q": SENTENCE, "zoom": "12"}).json()
    assert sorted(f["properties"]["name"] for f in geo["features"]) == [
        "Messtechnik Jena GmbH",
        "Sensorik Erfurt GmbH",
    ]
    csv = client.get(reverse("search:export-csv"), {"q": SENTENCE})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Sensorik Erfurt GmbH" in body and "Bäckerei" not in body


def test_the_api_keeps_its_contract(client, sensors):
    # The API answers what has every word (its schema has no partial flag).
    assert client.get("/api/v1/search", {"q": SENTENCE}).json()["total"] == 0


def test_a_few_complete_matches_offer_those_with_some_of_the_words(client, sensors):
    make_org("Vermittlung Erfurt", description="Partner für Entwicklung und Sensoren.")
    index_all()
    results = services.search(SearchQuery(text=SENTENCE))
    assert results.total == 1 and not results.partial and results.offer_partial
    url = reverse("search:search")
    html = client.get(url, {"q": SENTENCE}).content.decode()
    assert "Nur 1 Organisation hat jedes Wort Ihrer Suche." in _text(html)
    assert "words=any" in html
    # Asked for: every organisation with some of the words, each with what it lacks.
    html = client.get(url, {"q": SENTENCE, "words": "any"}).content.decode()
    names = [_text(n) for n in re.findall(r'class="hit-name"><a href="[^"]+">(.*?)</a>', html)]
    assert sorted(names) == ["Messtechnik Jena GmbH", "Sensorik Erfurt GmbH", "Vermittlung Erfurt"]
    assert "Es fehlt: Partner" in _text(html)
    assert _text(html).count("Es fehlt:") == 2  # the complete match lacks nothing
    assert "Nur Organisationen mit jedem Wort" in _text(html)
    # The map and the exports follow the page.
    geo = client.get(reverse("search:map"), {"q": SENTENCE, "zoom": "12", "words": "any"})
    assert len(geo.json()["features"]) == 3


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    words=st.lists(
        st.one_of(
            st.sampled_from(FUZZ_WORDS),
            st.text(max_size=30),
        ),
        min_size=2,
        max_size=14,
    )
)
def test_any_text_with_some_of_the_words_is_never_a_server_error(client, sensors, words):
    params = {"q": " ".join(words), "words": "any"}
    for name in ("search:search", "search:map", "search:export-csv"):
        response = client.get(reverse(name), params)
        assert response.status_code < 500
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
