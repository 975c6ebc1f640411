"""The matching service on both engines: a need in words finds who can meet it, and says why."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from search.query import Point
from sourcing import services
from sourcing.matching import NEED_MAX_CHARS, MatchItem, Need, content_words

from .helpers import SENTENCE, landscape

pytestmark = pytest.mark.django_db

ERFURT = Point(50.9787, 11.0328)


@pytest.fixture
def suppliers(engine_name):
    landscape()


def names(need: Need) -> list[str]:
    return [item.organisation.name for item in services.match(need).items]


def by_name(need: Need) -> dict[str, MatchItem]:
    return {item.organisation.name: item for item in services.match(need).items}


def test_a_sentence_finds_the_sensor_makers_first(suppliers):
    found = names(Need(SENTENCE))
    sensors = {
        "Sensorik Erfurt GmbH",
        "Messfühlerbau Ilmenau GmbH",
        "Institut für Mikrosensorik Jena e. V.",
    }
    assert set(found[:3]) == sensors
    assert "Bäckerei Weiß" not in found[:3]


def test_an_english_need_finds_a_german_profile(suppliers):
    assert names(Need("hand sanitiser and surface disinfectant for clinics"))[0] == (
        "Hygienechemie Arnstadt GmbH"
    )
    assert names(Need("injection moulded plastic housings"))[0] == "Spritzgusswerk Gera GmbH"


def test_reasons_name_the_words_that_matched(suppliers):
    item = by_name(Need(SENTENCE))["Sensorik Erfurt GmbH"]
    assert "Sensoren" in item.reasons.words
    assert "Entwicklung" in item.reasons.words
    # Filler words of a need are no reason.
    assert not {"suchen", "Partner", "Wir"} & set(item.reasons.words)


def test_numbers_quantities_times_and_reasons_are_no_need_words(suppliers):
    # What a firm writes around its need: how many, how long, why.
    german = (
        "Weil unser Lieferant ausgefallen ist, suchen wir drei Monate lang 500 Sensoren pro Woche"
    )
    english = "Our supplier failed, so we need two hundred sensors per month for a year"
    assert [w.text for w in content_words(german)] == ["Sensoren"]
    assert [w.text for w in content_words(english)] == ["sensors"]
    sensors = {"Sensorik Erfurt GmbH", "Messfühlerbau Ilmenau GmbH"}
    for text in (german, english):
        item = services.match(Need(text)).items[0]
        assert item.organisation.name in sensors
        assert not {"Monate", "Woche", "drei", "pro", "month", "hundred"} & set(item.reasons.words)


def test_reasons_name_synonyms_that_matched(suppliers):
    # The need says "Antiseptikum", the profile "Desinfektionsmitteln": a curated synonym.
    item = by_name(Need("Antiseptikum für Kliniken"))["Hygienechemie Arnstadt GmbH"]
    assert "Desinfektionsmittel" in item.reasons.synonyms
    assert "Antiseptikum" not in item.reasons.words
    assert "Kliniken" in item.reasons.words


def test_reasons_tell_suggested_codes_from_own_ones(suppliers):
    results = services.match(Need("Desinfektionsmittel für Hände"))
    assert "20.20.0" in [s.code for s in results.suggested_wz]
    item = next(i for i in results.items if i.organisation.name == "Hygienechemie Arnstadt GmbH")
    sources = {r.code: r.source for r in item.reasons.wz}
    assert sources.get("20.20.0") == "suggested"
    assert item.reasons.wz[0].title.startswith("Herstellung von Schädlingsbekämpfungs")


def test_an_own_code_whose_notes_name_the_need_is_a_reason(suppliers, monkeypatch):
    # No suggestion for the text: the code still counts where its official notes name a
    # word of the need ("Desinfektionsmittel" is in the notes of 20.20.0).
    monkeypatch.setattr("sourcing.matching.suggest_codes", lambda text: [])
    results = services.match(Need("Desinfektionsmittel"))
    assert results.suggested_wz == []
    item = results.items[0]
    assert item.organisation.name == "Hygienechemie Arnstadt GmbH"
    assert [(r.code, r.source) for r in item.reasons.wz] == [("20.20.0", "own")]


def test_reasons_give_similarity_and_distance(suppliers):
    items = services.match(Need(SENTENCE, center=ERFURT)).items
    first = items[0]
    assert 0 < first.reasons.similarity <= 1
    assert first.reasons.similarity_level in {"high", "medium", "low"}
    erfurt = next(i for i in items if i.organisation.name == "Sensorik Erfurt GmbH")
    assert erfurt.reasons.distance_km is not None and erfurt.reasons.distance_km < 1
    jena = next(i for i in items if i.organisation.name.endswith("Jena e. V."))
    assert jena.reasons.distance_km is not None and 35 < jena.reasons.distance_km < 45
    # Without a place there is no distance.
    assert services.match(Need(SENTENCE)).items[0].reasons.distance_km is None


def test_more_similar_profiles_score_higher(suppliers):
    items = services.match(Need(SENTENCE)).items
    scores = [i.score for i in items]
    assert scores == sorted(scores, reverse=True)
    bakery = [i for i in items if i.organisation.name == "Bäckerei Weiß"]
    assert not bakery or bakery[0].score < items[0].score / 2


def test_filters_are_honoured(suppliers):
    assert names(Need(SENTENCE, filters={"kind": ["research"]})) == [
        "Institut für Mikrosensorik Jena e. V."
    ]
    makers = names(Need(SENTENCE, filters={"wz": ["26"]}))
    assert sorted(makers) == ["Messfühlerbau Ilmenau GmbH", "Sensorik Erfurt GmbH"]


def test_a_radius_is_honoured(suppliers):
    found = services.match(Need(SENTENCE, center=ERFURT, radius_km=20)).items
    assert [i.organisation.name for i in found] == ["Sensorik Erfurt GmbH"]
    assert all((i.reasons.distance_km or 0) <= 20 for i in found)


def test_the_page_size_is_honoured_and_total_counts_all(suppliers):
    results = services.match(Need(SENTENCE, limit=1))
    assert len(results.items) == 1
    assert results.total >= 3


def test_a_need_of_unknown_words_finds_nothing_close(suppliers):
    results = services.match(Need("Quxzyplonk Vrrtzz"))
    assert all(i.reasons.similarity >= 0.25 for i in results.items)


def test_a_need_too_long_is_refused(suppliers):
    with pytest.raises(ValidationError) as refused:
        services.match(Need("Sensoren " * (NEED_MAX_CHARS // 9 + 1)))
    assert "2,000" in str(refused.value.message_dict["q"])
    with pytest.raises(ValidationError):
        services.match(Need(SENTENCE, limit=101))


def test_a_need_for_a_research_partner_puts_the_institute_first(suppliers):
    """Two sensor firms name sensors more often than the institute does; a firm asking
    for a research partner still gets the institute first, and is told why."""
    need = Need("Forschungspartner für Sensoren und Messfühler")
    found = names(need)
    assert found[0] == "Institut für Mikrosensorik Jena e. V."
    item = by_name(need)["Institut für Mikrosensorik Jena e. V."]
    assert item.reasons.kind == "Forschungseinrichtung" or item.reasons.kind
    # Asking for sensors alone ranks the firms as before: the kind is what lifted it.
    assert by_name(Need("Sensoren und Messfühler"))["Sensorik Erfurt GmbH"].reasons.kind is None


def test_a_kind_filter_the_visitor_chose_wins_over_the_words(suppliers):
    need = Need("Forschungspartner für Sensoren", filters={"kind": ["company"]})
    found = names(need)
    assert "Institut für Mikrosensorik Jena e. V." not in found
    assert found[0] in {"Sensorik Erfurt GmbH", "Messfühlerbau Ilmenau GmbH"}
