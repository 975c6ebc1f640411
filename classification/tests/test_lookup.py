"""Resolving WZ codes typed by people, and the label path shown on profiles."""

from __future__ import annotations

import pytest

from classification.models import WzCode
from classification.services import normalise_wz_code, resolve_wz2008, wz_label_path

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20.20", "20.20"),
        ("2020", "20.20"),
        ("20.20.0", "20.20.0"),
        ("20200", "20.20.0"),
        ("C 20.20", "20.20"),
        ("C20.20", "20.20"),
        ("c 20.20.0", "20.20.0"),
        (" 20.20 ", "20.20"),
        ("\u00a020.20\u00a0", "20.20"),
        ("20,20", "20.20"),  # German decimal comma in a number cell
        ("2020.0", "20.20"),  # a number cell read as float
        ("20.2", "20.20"),  # the number 20.20 lost its trailing zero
        ("WZ 2008: 62.01", "62.01"),
        ("62.01.9", "62.01.9"),
        ("01.11.0", "01.11.0"),
    ],
)
def test_spreadsheet_spellings_resolve_to_wz2008_class_or_subclass(text: str, expected: str):
    found = resolve_wz2008(text)

    assert found is not None
    assert (found.version, found.code) == ("2008", expected)
    assert found.level >= 4


@pytest.mark.parametrize(
    "text",
    [
        "99.99",  # no such class
        "62.01.0",  # 62.01 is split into .1 and .9
        "C",  # a section, not a class
        "20",  # a division
        "25.1",  # a group with several classes: which one is unknowable
        "A 20.20",  # the letter contradicts the code
        "",
        "Chemie",
        "20.20.0.1",
    ],
)
def test_unknown_or_too_coarse_codes_give_none(text: str):
    assert resolve_wz2008(text) is None


def test_resolve_never_returns_wz2025():
    # 62.10 is a WZ 2025 class only (WZ 2008 has 62.01 … 62.09).
    assert WzCode.objects.filter(version="2025", code="62.10").exists()
    assert resolve_wz2008("62.10") is None


def test_normalise_keeps_the_typed_section_for_checking():
    assert normalise_wz_code("C-20.20") == ("20.20", "C")
    assert normalise_wz_code("20.20") == ("20.20", None)
    assert normalise_wz_code("abc") is None


def test_label_path_from_section_to_item_in_one_query(django_assert_num_queries):
    item = WzCode.objects.get(version="2008", code="20.20.0")

    with django_assert_num_queries(1):
        chain = wz_label_path(item)

    assert [c.code for c in chain] == ["C", "20", "20.2", "20.20", "20.20.0"]
    assert [c.level for c in chain] == [1, 2, 3, 4, 5]
    assert chain[0].title == "Verarbeitendes Gewerbe"


def test_label_path_by_code_string_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        chain = wz_label_path("62.01")
    assert [c.code for c in chain] == ["J", "62", "62.0", "62.01"]


def test_label_path_follows_the_edition():
    chain = wz_label_path("62.10", version="2025")
    # Software development moved to section K in WZ 2025.
    assert [c.code for c in chain] == ["K", "62", "62.1", "62.10"]
    assert all(c.version == "2025" for c in chain)


def test_label_path_of_a_section_and_of_an_unknown_code():
    assert [c.code for c in wz_label_path("C")] == ["C"]
    assert wz_label_path("99.99") == []
