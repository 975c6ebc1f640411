import pytest

from geo.names import fold_place_name, names_match, normalise_postal_code, repair_mojibake


@pytest.mark.parametrize(
    ("typed", "official"),
    [
        ("ERFURT", "Erfurt"),
        ("Erfurt, Stadt", "Erfurt"),
        ("Jena, Stadt", "Jena"),
        ("  jena ", "Jena"),
        ("Soemmerda", "Sömmerda"),
        ("Grossbreitenbach", "Großbreitenbach"),
        ("Frankfurt a. Main", "Frankfurt am Main"),
        ("Frankfurt (Main)", "Frankfurt am Main"),
        ("St. Kilian", "Sankt Kilian"),
        ("Halle/Saale", "Halle (Saale)"),
    ],
)
def test_spellings_of_the_same_place_fold_alike(typed: str, official: str) -> None:
    assert fold_place_name(typed) == fold_place_name(official)


@pytest.mark.parametrize(("a", "b"), [("Jena", "Gera"), ("Erfurt", "Erfurtshausen"), ("Suhl", "")])
def test_different_places_stay_different(a: str, b: str) -> None:
    assert fold_place_name(a) != fold_place_name(b)


def test_names_match_grades_equal_prefix_and_different() -> None:
    assert names_match("jena", "jena") == 2
    assert names_match("muehlhausen", "muehlhausen thueringen") == 1
    assert names_match("aurich haxtum", "aurich") == 1
    assert names_match("jen", "jena") == 0
    assert names_match("", "jena") == 0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("99084", "99084"),
        (" 99084 ", "99084"),
        ("D-99084", "99084"),
        ("7743", "07743"),  # a spreadsheet dropped the leading zero
        ("990845", ""),
        ("9908", "09908"),
        ("ABCDE", ""),
        ("", ""),
        ("٩٩٠٨٤", ""),  # Arabic-Indic digits are digits to Python, not a postal code
    ],
)
def test_normalise_postal_code(typed: str, expected: str) -> None:
    assert normalise_postal_code(typed) == expected


def test_repair_mojibake_fixes_double_encoded_utf8_only() -> None:
    assert repair_mojibake("Landgericht KÃ¶ln") == "Landgericht Köln"
    assert repair_mojibake("Köln") == "Köln"
    assert repair_mojibake("Ã") == "Ã"  # not valid UTF-8 underneath: left alone
