"""Trade words and English needs: a workshop word in -erei reaches its verb, a compound
its parts, and English trade words the German ones — on both engines, with profiles
written in ordinary words."""

from __future__ import annotations

import pytest

from search import vocabulary

from .helpers import index_all, make_org, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def trades(engine_name):
    make_org(
        "Präzision Ilmenau GmbH", description="CNC-Drehen von Präzisionsteilen.", place="ilmenau"
    )
    make_org(
        "Farbwerk Gera GmbH", description="Wir lackieren Gehäuse und Metallteile.", place="gera"
    )
    make_org("Kunststofftechnik Saale GmbH", description="Spritzgießen von Kunststoffteilen.")
    make_org("Kabelwerk Jena GmbH", description="Konfektionierung von Kabeln.", place="jena")
    make_org("Metallguss Arnstadt GmbH", description="Wir gießen Aluminium.", place="arnstadt")
    make_org("Druckhaus Erfurt GmbH", description="Wir drucken Bücher und Broschüren.")
    make_org("Bäckerei Weiß", description="Brot und Brötchen.")
    index_all()


def test_workshop_words_find_the_shops_described_by_their_verb(trades):
    assert names("Dreherei") == ["Präzision Ilmenau GmbH"]
    assert names("Lackiererei") == ["Farbwerk Gera GmbH"]
    assert names("Kunststoffspritzerei") == ["Kunststofftechnik Saale GmbH"]
    # Spritzgießen is casting too, but the foundry's own verb ranks first.
    assert names("Gießerei")[0] == "Metallguss Arnstadt GmbH"
    assert names("Druckerei") == ["Druckhaus Erfurt GmbH"]


def test_a_compound_reaches_its_parts(trades):
    assert names("Kabelkonfektion") == ["Kabelwerk Jena GmbH"]


def test_the_rule_is_general_not_a_list():
    analyser = vocabulary.analyser()
    # Words no test data and no list names: the verb's stem, by the rule.
    assert "stick" in analyser.word("Stickerei").terms  # sticken
    assert "polier" in analyser.word("Poliererei").terms  # Polierung
    assert "konfektion" in analyser.word("Konfektionierung").terms
    assert "kabel" in analyser.word("Kabeln").terms


def test_a_shop_named_by_its_trade_word_is_found_by_the_verb(engine_name):
    make_org("Lohndreherei Weimar GmbH", description="Ihr Partner für Einzelteile.")
    index_all()
    assert names("drehen") == ["Lohndreherei Weimar GmbH"]


def test_english_trade_words_find_german_profiles(trades):
    assert names("plastic parts") == ["Kunststofftechnik Saale GmbH"]
    assert names("turned parts") == ["Präzision Ilmenau GmbH"]
    assert names("cable assembly") == ["Kabelwerk Jena GmbH"]


def test_english_wz_titles_join_the_notes(engine_name):
    # The profile says nothing in English and nothing of plastics: its WZ code does.
    make_org("Formteile Sömmerda GmbH", description="Familienunternehmen seit 1990.", wz="22.29.0")
    index_all()
    assert names("plastic") == ["Formteile Sömmerda GmbH"]
