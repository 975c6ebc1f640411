"""Generated profiles are written in correct German, as far as a simple check can tell.

A reviewer reading about a thousand generated profiles found trade words used as if they
named the firm ("Als Drehteile mit Sitz in …"), nominative after "zu" and "aus"
("forscht zu maschinelles Lernen", "aus Softwarehäuser"), a doubled "Unternehmen aus
Unternehmen", a broken word from the official notes ("Herstellung v on Fässern"),
"von Teile", items listed twice and doubled full stops. Each test catches one class.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from directory import demo
from directory.choices import Source
from directory.demo.common import clean_note
from directory.demo.texts import company_text, research_text
from directory.demo_data.research import FIELDS
from directory.models import Organisation

pytestmark = pytest.mark.django_db

# "v on": a word broken by a space.
BROKEN_WORD = re.compile(r"\bv on\b")
# Two full stops that are not an ellipsis ("u. Ä..").
DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")
# "zu" with a strong-declined adjective ("zu maschinelles Lernen", "zu technische
# Textilien") or a plural in the nominative ("zu Wirkstoffe").
ZU_NOMINATIVE = re.compile(
    r"\bzu (?:[a-zäöü][\w-]*(?:es|e) [A-ZÄÖÜ]|[A-ZÄÖÜ][\w-]*(?:stoffe|textilien|produkte)\b)"
)
# Nominative plurals whose dative differs ("Softwarehäuser" → "Softwarehäusern").
NOMINATIVE_PLURAL = (
    r"[A-ZÄÖÜ][\w-]*(?:häuser|bände|stoffe|produkte|hersteller|zulieferer|versorger)"
)
# "aus" (or "von") with a list naming such a plural: "aus Softwarehäuser, Industrie und …".
FROM_NOMINATIVE = re.compile(rf"\b(?:aus|von) (?:[\w-]+(?:, | und ))*{NOMINATIVE_PLURAL}\b")
# "von" with a plural in the nominative ("von Teile aus Metallpulver").
VON_TEILE = re.compile(r"\bvon (?:[a-zäöü]+e )?(?:Teile|Bauteile|Einzelteile)\b")
# "Als" with a product, activity or trade rather than what the firm is ("Als Drehteile",
# "Als Getränkeherstellung", "Als Logistik", "Als Gerüstbau").
ALS_TRADE = re.compile(
    r"\bAls [A-ZÄÖÜ][\w-]*(?:teile|stoffe|zide|ung|ik|bau|waren|mittel|produkte|technik)\b"
)
# One listed item said twice in a row: "…, Charter- und Ausflugsverkehr mit Omnibussen
# und Charter- und Ausflugsverkehr mit Omnibussen".
REPEATED_ITEM = re.compile(
    r"(?:^|[:;,] |für |auf )(?P<item>[^,;:]{6,}?)(?:, | und |; )(?P=item)"
    r"(?=[.,;:]| und | an\b| aus\b|$)"
)
FAULTS = {
    "broken word": BROKEN_WORD,
    "double full stop": DOUBLE_STOP,
    "nominative after zu": ZU_NOMINATIVE,
    "nominative plural after aus/von": FROM_NOMINATIVE,
    "von Teile": VON_TEILE,
    "Als with a trade word": ALS_TRADE,
    "item said twice": REPEATED_ITEM,
    "Unternehmen aus Unternehmen": re.compile(r"\bUnternehmen aus Unternehmen\b"),
    "doubled word": re.compile(r"\b(\w{3,}) \1\b"),
}


def faults(text: str) -> list[str]:
    """The names of the faults found in ``text``, paragraph by paragraph."""
    found: list[str] = []
    for paragraph in text.split("\n\n"):
        found.extend(name for name, pattern in FAULTS.items() if pattern.search(paragraph))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "Als Drehteile mit Sitz in Jena bieten wir seit 2001 Drehteile an.",
        "Unser Institut in Jena forscht seit 2011 zu technische Textilien und Filtermedien.",
        "Unser Institut forscht zu maschinelles Lernen und Bildverarbeitung.",
        "Für Unternehmen aus Softwarehäuser, Industrie und Gesundheitswesen bieten wir …",
        "Für Unternehmen aus Unternehmen, Kommunen und Verbände bieten wir …",
        "Das bieten wir: Herstellung v on Fässern, Trommeln, Dosen.",
        "Das bieten wir: Herstellung von Teile aus Metallpulver.",
        "Daneben auch: Imbissstuben u. Ä..",
        "Wir stehen für Keramik, Herstellung von Krügen und Herstellung von Krügen.",
    ],
)
def test_the_checks_find_what_the_reviewer_found(text: str) -> None:
    assert faults(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Stichwort Drehteile: Seit 2001 bieten wir in Jena Drehteile und CNC-Drehen an.",
        "Unser Institut forscht seit 2011; im Mittelpunkt stehen technische Textilien.",
        "Wir arbeiten mit Partnern aus diesen Bereichen: Softwarehäuser und Industrie.",
        "Herstellung von Teilen aus Metallpulver; Bestrahlungen usw.",
        "Bauaufsicht für Garten- und Landschaftsgestaltung; Bauplanung für Garten- und "
        "Landschaftsgestaltung.",
        "Transport zu Lande und zu Wasser. Als Familienbetrieb bieten wir …",
    ],
)
def test_the_checks_let_correct_german_pass(text: str) -> None:
    assert not faults(text), (text, faults(text))


def _texts(org: Organisation) -> Iterator[str]:
    yield org.short_description
    yield org.description
    for offering in org.offerings.all():
        yield offering.name


def test_generated_profiles_show_none_of_the_faults() -> None:
    demo.generate(count=demo.DEFAULT_COUNT, seed=demo.DEFAULT_SEED, include_reference=False)
    generated = Organisation.objects.filter(source=Source.GENERATED).prefetch_related("offerings")
    found = [
        (org.slug, fault, text[:120])
        for org in generated
        for text in _texts(org)
        for fault in faults(text)
    ]
    assert generated.count() == demo.DEFAULT_COUNT
    assert not found, found[:10]


def _fixed(value: float) -> Callable[[], float]:
    return lambda: value


@pytest.mark.parametrize("variant", range(6))
def test_a_company_text_says_each_thing_once(variant: int) -> None:
    # The title, the same bullet twice and a bullet whose words the title already says.
    title = "Herstellung von Wermutwein und sonstigen aromatisierten Weinen"
    short, description = company_text(
        _fixed((variant + 0.5) / 6),
        subject="Unser Unternehmen",
        subject_lower="unser Unternehmen",
        trade="Getränkeherstellung",
        town="Erfurt",
        founded=2006,
        title=title,
        terms=[title],
        focus=["Herstellung von Wermutwein u. Ä.", "Herstellung von Wermutwein u. Ä."],
        sentences=[],
        switch="",
        also=["Imbissstuben u. Ä."],
    )
    intro = description.split("\n\n")[0]
    assert intro.count("Wermutwein") == 1, intro
    for text in (short, description):
        assert not faults(text), (text, faults(text))


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@pytest.mark.parametrize("roll", [0.2, 0.8])
def test_research_texts_need_no_declension(field, roll: float) -> None:
    for university in (False, True):
        short, description, offerings = research_text(
            _fixed(roll),
            subject="Unser Institut",
            town="Jena",
            founded=2011,
            fields=[field],
            university=university,
        )
        for text in (short, description, *offerings):
            assert not faults(text), (text, faults(text))
        for topic in field.topics[:2]:
            assert f"zu {topic}" not in description


def test_slips_of_the_official_notes_are_mended() -> None:
    assert clean_note("Herstellung v on Fässern") == "Herstellung von Fässern"
    assert clean_note("Herstellung von Teile aus Metallpulver") == (
        "Herstellung von Teilen aus Metallpulver"
    )
    # Words that merely contain the letters stay as they are.
    unbroken = "Bau von Teilelagern; Rev on the road"
    assert clean_note(unbroken) == unbroken
