"""What a German-speaking user types, and what they must find — on both engines."""

from __future__ import annotations

import pytest

from search.query import SearchQuery

from .helpers import index_all, make_org, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def landscape(engine_name):
    make_org("Müller Präzisionstechnik GmbH", description="Drehteile und Frästeile in Kleinserie.")
    make_org("Straßenbau Weiß KG", description="Asphalt, Pflaster und Tiefbau.")
    make_org(
        "Südthüringer Medizingeräte GmbH",
        description="Wir sind Hersteller für Medizintechnik: Endoskope und OP-Leuchten.",
    )
    make_org("Fügetechnik Arnstadt GmbH", offerings=["Laser-Schweißen", "Löten"], place="arnstadt")
    make_org("Ilmtal Maschinenbau GmbH", description="Sondermaschinen für die Automobilindustrie.")
    make_org("Thüringer Kunststoffwerk GmbH", description="Spritzguss von Kunststoff-Gehäusen.")
    make_org("Pumpenfabrik Gera GmbH", offerings=["Kreiselpumpe", "Dosierpumpe"], place="gera")
    make_org("Weiterbildung Jena GmbH", offerings=["Workshops für Ingenieure"], place="jena")
    make_org(
        "Chemiewerk Bad Berka GmbH",
        description="Familienunternehmen seit 1990.",
        wz="20.20.0",
    )
    make_org("Glasbläserei Lauscha", description="Christbaumschmuck aus Glas.")
    index_all()


def test_umlauts_fold_both_ways(landscape):
    assert names("Mueller") == ["Müller Präzisionstechnik GmbH"]
    assert names("MÜLLER") == ["Müller Präzisionstechnik GmbH"]
    assert names("muller") == ["Müller Präzisionstechnik GmbH"]
    assert names("Suedthueringer") == ["Südthüringer Medizingeräte GmbH"]


def test_sharp_s_is_ss(landscape):
    assert names("Strassenbau") == ["Straßenbau Weiß KG"]
    assert names("weiss") == ["Straßenbau Weiß KG"]


def test_inflected_forms_meet(landscape):
    assert names("Pumpen") == ["Pumpenfabrik Gera GmbH"]
    assert "Thüringer Kunststoffwerk GmbH" in names("Gehäuse")


def test_compound_query_finds_its_parts(landscape):
    assert names("Medizintechnikhersteller") == ["Südthüringer Medizingeräte GmbH"]
    assert names("Laserschweißanlage") == ["Fügetechnik Arnstadt GmbH"]


def test_part_of_an_indexed_compound_is_found(landscape):
    # "Kreiselpumpe" is indexed with its parts: a search for the part finds it.
    assert "Pumpenfabrik Gera GmbH" in names("Kreisel")
    assert names("Schweißen") == ["Fügetechnik Arnstadt GmbH"]


def test_one_typo_from_five_letters(landscape):
    assert names("Maschienenbau") == ["Ilmtal Maschinenbau GmbH"]
    assert names("Pumpn") == ["Pumpenfabrik Gera GmbH"]


def test_two_typos_from_nine_letters(landscape):
    assert names("Medizinteknik") == ["Südthüringer Medizingeräte GmbH"]


def test_short_words_are_not_guessed(landscape):
    # Four letters: a typo is more likely another word, so nothing is guessed.
    assert names("Glsa") == []
    assert names("Glas") == ["Glasbläserei Lauscha"]


def test_prefix_while_typing(landscape):
    assert names("Spritzgu", prefix=True) == ["Thüringer Kunststoffwerk GmbH"]
    # Not typing any more: a word, and "Spritzgu" is two edits from any word here.
    assert names("Spritzgu") == []


def test_curated_synonyms(landscape):
    assert names("Plastik") == ["Thüringer Kunststoffwerk GmbH"]


def test_openthesaurus_synonyms(landscape):
    # OpenThesaurus: Seminar;Training;Kurs;Workshop;Lehrgang;...
    assert names("Lehrgang") == ["Weiterbildung Jena GmbH"]


def test_wz_notes_find_organisations_by_their_code(landscape):
    # The company's own text never says it; WZ 20.20 does.
    assert names("Desinfektionsmittel") == ["Chemiewerk Bad Berka GmbH"]


def test_phrase_needs_the_words_in_order(landscape):
    assert names('"Kunststoff Gehäusen"') == ["Thüringer Kunststoffwerk GmbH"]
    assert names('"Gehäusen Kunststoff"') == []


def test_all_words_must_match(landscape):
    assert names("Pumpe Gera") == ["Pumpenfabrik Gera GmbH"]
    assert names("Pumpe Jena") == []


def test_hostile_input_is_harmless(landscape):
    for text in [
        '"',
        "(((",
        "name:*",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\x00\x1f",
        "ü" * 500,
    ]:
        assert isinstance(names(text), list)


def test_name_outranks_description(engine_name):
    make_org("Beschichtung Hermsdorf GmbH", description="Lackieren von Metallteilen.")
    make_org("Hermsdorfer Lackierwerk GmbH", description="Wir bieten Beschichtung und mehr.")
    index_all()
    assert names("Beschichtung")[0] == "Beschichtung Hermsdorf GmbH"


def test_verified_profiles_rank_higher_but_a_better_match_still_wins(engine_name):
    import datetime

    today = datetime.date.today()
    make_org("Gießerei Nord GmbH", description="Guss aus Aluminium.")
    make_org("Gießerei Süd GmbH", description="Guss aus Aluminium.", last_verified=today)
    make_org("Gießerei Mitte GmbH", description="Aluminiumguss", last_verified=today)
    make_org(
        "Aluminium Schmidt GmbH",
        description="Aluminium, Aluminium und Aluminium.",
        offerings=["Aluminium", "Aluminiumprofile"],
    )
    index_all()
    # The same text: the verified profile first.
    found = names("Guss")
    assert found.index("Gießerei Süd GmbH") < found.index("Gießerei Nord GmbH")
    # The name says it, the others only mention it: the unverified name match leads.
    assert names("Aluminium")[0] == "Aluminium Schmidt GmbH"
    # Without words the verified profiles come first.
    assert set(names()[:2]) == {"Gießerei Süd GmbH", "Gießerei Mitte GmbH"}


def test_highlights_show_why_a_hit_matched(landscape):
    from search import services

    results = services.search(SearchQuery(text="Medizintechnikhersteller"))
    snippet = str(results.items[0].snippet_html)
    assert "<mark>Hersteller</mark>" in snippet
    assert "<mark>Medizintechnik</mark>" in snippet
    results = services.search(SearchQuery(text="Desinfektionsmittel"))
    assert [c.code for c in results.items[0].matched_codes] == ["20.20.0"]


def test_general_language_senses_of_a_word_find_no_unrelated_firms(engine_name):
    """OpenThesaurus lists "Partner" also as spouse ("Mann", "(jemandes) Alter",
    "Macker (ugs.)"); those senses must not make a search for partners find every
    firm whose name holds "mann" or "alt"."""
    from django.conf import settings

    from search import vocabulary

    make_org("Baumann Elektronik GmbH", description="Leiterplatten und Baugruppen.")
    make_org("Altenburger Sensorik GmbH", description="Sensoren und Messtechnik.")
    make_org("Partnerschaft Weiß Beratung", description="Beratung für Partner im Handwerk.")
    if (settings.REFERENCE_DATA_DIR / vocabulary.OPENTHESAURUS).is_file():
        vocabulary.import_synonyms()
        vocabulary.reset()
    index_all()
    assert names("Partner") == ["Partnerschaft Weiß Beratung"]
