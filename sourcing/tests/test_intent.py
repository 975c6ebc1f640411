"""The kind of organisation a need asks for, read from its words."""

from __future__ import annotations

import pytest

from sourcing.intent import wanted_kinds


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Forschungspartner für Sensorik und Messtechnik", ["research", "university"]),
        ("Wir suchen eine Hochschule für ein Kooperationsprojekt", ["research", "university"]),
        ("university partner for battery recycling research", ["research", "university"]),
        ("FuE-Partner für Leichtbau", ["research", "university"]),
        ("IT-Dienstleister für Netzwerk, Server und Support", []),
        ("Drehteile aus Edelstahl, 500 Stück", []),
        ("disinfectant for our hospital", []),
    ],
)
def test_kinds_from_the_need_words(text, kinds):
    assert wanted_kinds(text)[0] == kinds


def test_the_cue_words_are_named():
    assert wanted_kinds("Forschungspartner für Sensorik")[1] == ["forschungspartner"]


@pytest.mark.parametrize(
    "text",
    [
        "Marktforschung für ein neues Produkt",
        "Netzwerktechnik und Verkabelung für unser Büro",
        "Verbandsmaterial und Pflaster, dringend",
        "Verband und Pflaster für die Erste Hilfe",
        "Trockenkammer für Holz",
    ],
)
def test_trade_words_that_only_look_like_cues(text):
    assert wanted_kinds(text)[0] == []


def test_a_compound_ending_in_a_kind_counts():
    assert wanted_kinds("Partner aus einem Fraunhofer-Institut")[0] == ["research", "university"]
    assert wanted_kinds("Forschungsinstitut für Optik")[0] == ["research", "university"]
