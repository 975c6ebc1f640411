"""The import report suggests WZ codes for an unknown code and for a row without one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from classification.models import WzCode
from directory.importing import EntryLevel, import_organisations
from directory.tests.test_import_report import office, upload  # noqa: F401  (fixture)
from directory.tests.test_importing import IMPORT_URL, company, csv_file, findings

pytestmark = pytest.mark.django_db

HEADER = ["Firmenname", "Beschreibung", "WZ 2008", "weitere WZ"]
CODE_RE = re.compile(r"\b\d{2}\.\d{2}\.\d\b")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def suggested_codes(reason: str) -> list[str]:
    return CODE_RE.findall(reason.split("suggested:", 1)[1])


def subclasses() -> set[str]:
    return set(WzCode.objects.filter(version="2008", level=5).values_list("code", flat=True))


def test_unknown_code_gets_three_real_suggestions_from_the_row():
    rows = [
        {
            "Firmenname": "Desinfekt Erfurt GmbH",
            "Beschreibung": "Wir stellen Desinfektionsmittel für Kliniken her.",
            "WZ 2008": "20.29.9",
        }
    ]
    result = import_organisations(csv_file(rows, header=HEADER))
    [(row, column, value, reason)] = findings(result)
    assert (row, column, value) == (2, "WZ 2008", "20.29.9")
    assert reason.startswith("Unknown WZ 2008 code 20.29.9")
    codes = suggested_codes(reason)
    assert len(codes) == 3 and set(codes) <= subclasses()
    assert "20.20.0" in codes
    title = WzCode.objects.get(version="2008", code=codes[0]).title
    assert title[:40] in reason


def test_unknown_further_code_is_suggested_for_each_row_from_its_own_text():
    rows = [
        {
            "Firmenname": "Dreherei Jena",
            "Beschreibung": "Drehen und Fräsen von Metallteilen",
            "WZ 2008": "25.62.0",
            "weitere WZ": "99.99.9",
        },
        {
            "Firmenname": "Kunststoffwerk Gera",
            "Beschreibung": "Kunststoffteile und Verpackungen aus Kunststoff",
            "WZ 2008": "22.29.0",
            "weitere WZ": "99.99.9",
        },
    ]
    result = import_organisations(csv_file(rows, header=HEADER))
    errors = findings(result)
    assert [(e[0], e[1]) for e in errors] == [(2, "weitere WZ"), (3, "weitere WZ")]
    first, second = (suggested_codes(e[3]) for e in errors)
    assert first != second
    assert any(c.startswith("25.") for c in first)
    assert any(c.startswith("22.") for c in second)


def test_row_without_code_gets_a_note_and_rows_with_codes_do_not():
    rows = [
        {
            "Firmenname": "Schutzmasken Suhl GmbH",
            "Beschreibung": "Atemschutzmasken FFP2 und Gasmasken",
            "WZ 2008": "",
        },
        {"Firmenname": "Dreherei Jena", "Beschreibung": "Drehteile", "WZ 2008": "25.62.0"},
    ]
    result = import_organisations(csv_file(rows, header=HEADER))
    assert not findings(result)
    notes = findings(result, EntryLevel.NOTE)
    assert [(n[0], n[1]) for n in notes] == [(2, "WZ 2008")]
    assert notes[0][3].startswith("No WZ 2008 code")
    assert "32.99.0" in suggested_codes(notes[0][3])


@pytest.mark.urls("directory.tests.test_importing")
def test_back_office_report_shows_the_suggestions(office):  # noqa: F811
    data = csv_file([company(1, **{"WZ 2008": "25.99.9"})])
    token, fields = upload(office, data)
    page = office.post(reverse(IMPORT_URL), {"step": "check", "token": token, **fields})
    html = page.content.decode()
    assert "Unknown WZ 2008 code 25.99.9" in html
    reason = html.split("Unknown WZ 2008 code 25.99.9", 1)[1].split("<", 1)[0]
    # The written code's class comes up, beside what the row's name says.
    assert any(code.startswith("25.99.") for code in suggested_codes(reason))


def test_only_the_first_rows_without_a_code_pay_for_suggestions(monkeypatch):
    from directory.importing import suggested

    monkeypatch.setattr(suggested, "MAX_MISSING_ROWS", 2)
    rows = [
        {"Firmenname": f"Bäckerei {n}", "Beschreibung": "Brot und Brötchen", "WZ 2008": ""}
        for n in range(4)
    ]
    result = import_organisations(csv_file(rows, header=HEADER))
    assert [n[0] for n in findings(result, EntryLevel.NOTE)] == [2, 3]
