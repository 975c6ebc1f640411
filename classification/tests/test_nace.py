"""English WZ titles from NACE Rev. 2 (REFERENCE_DATA_DIR/nace), as an operator imports them."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from classification import nace, services
from classification.models import WzCode

pytestmark = pytest.mark.django_db


def nace_file() -> Path:
    return services.find_reference_file(nace.NACE_PATTERN, nace.nace_folder())


def english(code: str) -> str:
    return WzCode.objects.get(version="2008", code=code).title_en


def altered_nace(tmp_path: Path, edits: dict[str, dict[str, str]]) -> Path:
    """A copy of the NACE file with the rows of the codes changed (appended if absent)."""
    source = nace_file()
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        fields, rows = reader.fieldnames or [], list(reader)
    for code, changes in edits.items():
        row = next((r for r in rows if r["Code"] == code), None)
        if row is None:
            row = {**dict.fromkeys(fields, ""), "Code": code}
            rows.append(row)
        row.update(changes)
    target = tmp_path / source.name
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    return target


def test_every_wz2008_code_has_an_english_title_and_a_subclass_shows_its_class():
    codes = WzCode.objects.filter(version="2008")
    assert codes.count() == 1835
    assert not codes.filter(title_en="").exists()
    assert english("C") == "Manufacturing"  # NACE writes sections in capitals
    assert english("25") == (
        "Manufacture of fabricated metal products, except machinery and equipment"
    )
    assert english("25.6") == "Treatment and coating of metals; machining"
    assert english("25.62") == "Machining"
    assert english("25.62.0") == "Machining"
    assert english("01.13.1") == english("01.13.2") == english("01.13")


def test_wz2025_keeps_german_titles_only():
    # NACE Rev. 2.1 is not in the reference data: no English title is guessed.
    assert not WzCode.objects.filter(version="2025").exclude(title_en="").exists()


def test_importing_again_changes_nothing():
    stats = nace.import_wz_english_titles()
    assert (stats.created, stats.updated, stats.unchanged) == (0, 0, 1835)


def test_import_wz_and_import_reference_data_report_the_english_titles():
    out = StringIO()
    call_command("import_wz", "--no-progress", stdout=out)
    summary = "WZ 2008 (English): English titles: 0 created, 0 updated, 1835 unchanged"
    assert summary in out.getvalue()

    out = StringIO()
    call_command("import_reference_data", "--no-progress", stdout=out)
    assert "English titles: 0 created, 0 updated, 1835 unchanged" in out.getvalue()


def test_a_changed_title_updates_the_class_and_its_subclass_only(tmp_path: Path):
    path = altered_nace(tmp_path, {"25.62": {"Description": "Machining of metal parts"}})

    stats = nace.import_wz_english_titles(path)

    assert stats.updated == 2
    assert english("25.62") == english("25.62.0") == "Machining of metal parts"
    assert english("25.6") == "Treatment and coating of metals; machining"


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        ("99.99.9", {"Level": "5", "Description": "Subclass"}, "level '5' is not 1 to 4"),
        ("2562", {"Level": "4", "Description": "Machining"}, "code 2562): the code does not"),
        ("25.62", {"Description": "   "}, "code 25.62): the title is empty"),
        ("25.62", {"Description": "x" * 501}, "the title is 501 characters long"),
    ],
)
def test_a_broken_file_names_file_row_and_code_and_writes_nothing(
    tmp_path: Path, code: str, changes: dict[str, str], message: str
):
    # An earlier row changed too: it must not be saved when a later row fails.
    path = altered_nace(tmp_path, {"01.11": {"Description": "Changed title"}, code: changes})

    with pytest.raises(services.ReferenceDataError) as error:
        nace.import_wz_english_titles(path)

    assert str(path) in str(error.value) and "row " in str(error.value)
    assert message in str(error.value)
    assert english("01.11") != "Changed title"


def test_a_duplicate_code_is_refused(tmp_path: Path):
    source = nace_file()
    text = source.read_text(encoding="utf-8")
    target = tmp_path / source.name
    target.write_text(text + '1;4;"25.62";"25.6";"Machining again";"";"";"";"";"2592"\n', "utf-8")

    with pytest.raises(services.ReferenceDataError, match=r"code 25\.62\): the code appears twice"):
        nace.import_wz_english_titles(target)


def test_the_command_says_which_file_is_missing(tmp_path: Path):
    with pytest.raises(CommandError, match="nace_rev2"):
        call_command("import_wz", "--nace-dir", str(tmp_path), "--no-progress", stdout=StringIO())
