"""The import report as staff read it: on the back-office page and on the command line.

Errors come first and can be shown alone; every message says what is wrong and
where (row and column); a refused import says why; the counts agree; the command
line speaks the active language; hostile cells (NUL, formulas) are handled.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.exports import csv_bytes
from core.testing import sign_in
from directory.exporting import EXPORT_COLUMNS, organisation_rows
from directory.importing import EntryLevel, Outcome, import_organisations
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory, SiteFactory
from directory.tests.test_importing import (
    HEADER,
    IMPORT_URL,
    assert_refused,
    company,
    csv_file,
    findings,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def office(settings: Any, tmp_path: Path) -> Client:
    """A staff member who may import, with uploads kept in a temporary folder."""
    settings.DATA_DIR = tmp_path
    user = User.objects.create_user("import", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="directory",
            codename__in=["add_organisation", "change_organisation", "view_organisation"],
        )
    )
    client = Client(headers={"accept-language": "en"})
    sign_in(client, user)
    return client


def upload(client: Client, data: bytes) -> tuple[str, dict[str, Any]]:
    """Upload a list; the token and the suggested mapping as the form posts it."""
    response = client.post(
        reverse(IMPORT_URL),
        {"step": "upload", "file": SimpleUploadedFile("liste.csv", data, "text/csv")},
    )
    form = response.context["mapping_form"]
    fields = {name: form[name].value() for name in form.fields if name.startswith("column_")}
    return response.context["token"], fields


def existing_testwerk_1() -> Organisation:
    """An organisation a row of ``company(1)`` duplicates twice: website, name and postal code."""
    organisation: Organisation = OrganisationFactory(  # type: ignore[assignment]
        name="Testwerk 1 Präzision GmbH", website="https://testwerk1.example"
    )
    SiteFactory(organisation=organisation, postal_code="99084", place="Erfurt")
    return organisation


# --- Messages that say what and where -------------------------------------------------


def test_founding_year_outside_the_range_names_the_range_row_and_column():
    next_year = timezone.localdate().year + 1
    rows = [company(1, Gründungsjahr="3000"), company(2, Gründungsjahr="0999")]
    result = import_organisations(csv_file(rows))
    assert findings(result) == [
        (2, "Gründungsjahr", "3000", f"Founding year 3000 is not between 1000 and {next_year}"),
        (3, "Gründungsjahr", "0999", f"Founding year 999 is not between 1000 and {next_year}"),
    ]
    with translation.override("de"):
        german = import_organisations(csv_file(rows[:1]))
    assert german.entries[0].reason == (
        f"Gründungsjahr 3000 liegt nicht zwischen 1000 und {next_year}"
    )


def test_nul_in_a_cell_is_an_error_naming_row_and_column_and_nothing_is_written():
    rows = [company(1), company(2, Firmenname="Null\x00werk GmbH", Ort="Erf\x00urt")]
    result = assert_refused(csv_file(rows))
    errors = findings(result)
    assert [(row, column) for row, column, _value, _reason in errors] == [
        (3, "Firmenname"),
        (3, "Ort"),
    ]
    assert all("NUL" in reason for *_where, reason in errors)
    assert result.counts[Outcome.ERROR] == 1


def test_formula_like_cells_are_stored_as_text_and_exported_guarded():
    rows = [
        company(
            1,
            Firmenname='=HYPERLINK("http://evil.example","Klick")',
            Straße="@Werkstraße",
            Technologien="-Laserschneiden; +Fräsen",
        )
    ]
    header = [*HEADER, "Telefon"]
    rows[0]["Telefon"] = "+49 361 123456"
    result = import_organisations(csv_file(rows, header=header), dry_run=False)
    assert result.written, [e.reason for e in result.entries]
    organisation = Organisation.objects.get()
    assert organisation.name == '=HYPERLINK("http://evil.example","Klick")'
    assert organisation.phone == "+49 361 123456"
    assert organisation.sites.get().street == "@Werkstraße"

    staff = User.objects.create_superuser("chef", password="x")
    exported = csv_bytes(organisation_rows(Organisation.objects.all(), staff), EXPORT_COLUMNS)
    line = next(csv.DictReader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    assert line["Name"] == '\'=HYPERLINK("http://evil.example","Klick")'
    # The export, imported again, gives the same text back.
    again = import_organisations(exported, dry_run=True)
    assert again.counts[Outcome.UNCHANGED] == 1, [e.reason for e in again.entries]


# --- The report page ------------------------------------------------------------------


def mixed_list() -> bytes:
    """Notes in rows 2 and 4, an error in row 3, a possible duplicate in row 4."""
    return csv_file(
        [
            company(1, Technologien="Neuland-Technik"),
            company(2, PLZ="99999"),
            company(3, Website="https://www.testwerk1.example", Technologien="Zukunftstechnik"),
        ]
    )


def findings_table(html: str) -> str:
    """The table of findings on the report page (the mapping below shows sample values)."""
    return html.split('class="import-report"', 1)[1].split("</table>", 1)[0]


@pytest.mark.urls("directory.tests.test_importing")
def test_report_lists_errors_then_duplicates_then_notes_and_shows_errors_alone(office):
    url = reverse(IMPORT_URL)
    token, fields = upload(office, mixed_list())
    check = office.post(url, {"step": "check", "token": token, **fields})
    levels = [entry.level for entry in check.context["entries"]]
    assert levels == sorted(
        levels, key=[EntryLevel.ERROR, EntryLevel.DUPLICATE, EntryLevel.NOTE].index
    )
    assert levels[0] == EntryLevel.ERROR and EntryLevel.NOTE in levels
    html = check.content.decode()
    table = findings_table(html)
    assert table.index("Postal code 99999 does not exist") < table.index("Same website as row 2")
    assert table.index("Same website as row 2") < table.index("Neuland-Technik")

    # A plain link (no script) shows the errors alone, with the same counts.
    only = f"{url}?token={token}&findings=errors"
    assert f'href="{only.replace("&", "&amp;")}"' in html
    errors_only = office.get(only)
    assert errors_only.status_code == 200
    assert [entry.level for entry in errors_only.context["entries"]] == [EntryLevel.ERROR]
    table = findings_table(errors_only.content.decode())
    assert "Postal code 99999 does not exist" in table
    assert "Neuland-Technik" not in table and "Same website" not in table
    assert errors_only.context["result"].counts == check.context["result"].counts
    assert not Organisation.objects.exists()


@pytest.mark.urls("directory.tests.test_importing")
def test_summary_verdict_and_table_count_duplicate_rows_alike(office):
    existing_testwerk_1()
    url = reverse(IMPORT_URL)
    token, fields = upload(office, csv_file([company(1), company(2)]))
    check = office.post(url, {"step": "check", "token": token, **fields})
    result = check.context["result"]
    assert len([e for e in result.entries if e.level == EntryLevel.DUPLICATE]) == 2
    table = {item["outcome"]: item["count"] for item in check.context["outcome_rows"]}
    assert table[Outcome.DUPLICATE] == 1
    assert result.duplicate_count == 1
    assert "1 possible duplicate:" in check.content.decode()
    assert "1 possible duplicates" in result.summary()


@pytest.mark.urls("directory.tests.test_importing")
def test_import_now_with_unconfirmed_duplicates_says_which_rows_need_a_decision(office):
    existing_testwerk_1()
    url = reverse(IMPORT_URL)
    token, fields = upload(office, csv_file([company(2), company(1)]))
    office.post(url, {"step": "check", "token": token, **fields})

    refused = office.post(url, {"step": "confirm", "token": token, **fields})
    assert refused.status_code == 200
    said = [str(message) for message in refused.context["messages"]]
    assert said == [
        "Nothing was imported: row 3 is a possible duplicate. Correct the file, or confirm "
        "that the rows are distinct organisations."
    ]
    assert not Organisation.objects.filter(source_detail="liste.csv").exists()

    fields["allow_duplicates"] = "on"
    confirmed = office.post(url, {"step": "confirm", "token": token, **fields})
    assert confirmed.status_code == 302
    assert Organisation.objects.filter(source_detail="liste.csv").count() == 2


# --- The command line -----------------------------------------------------------------


def run_command(*args: str) -> tuple[str, str]:
    """stdout and the error of ``import_organisations`` (empty when it succeeded)."""
    out = io.StringIO()
    try:
        call_command("import_organisations", *args, "--no-progress", stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


@pytest.mark.parametrize(
    ("language", "row", "english_words"),
    [("de", "Zeile", ("row ", "Nothing", "Dry run", "not shown", "rows/s")), ("en", "row", ())],
)
def test_command_speaks_the_active_language_only(tmp_path, language, row, english_words):
    bad = tmp_path / "liste.csv"
    bad.write_bytes(csv_file([company(1, PLZ="99999", Technologien="Neuland-Technik")]))
    good = tmp_path / "gut.csv"
    good.write_bytes(csv_file([company(1)]))
    with translation.override(language):
        out, error = run_command(str(bad), "--commit")
        dry, _none = run_command(str(good))
    assert f"{row} 2\tPLZ\t99999\t" in out
    for word in english_words:
        assert word not in out + error + dry
    if language == "de":
        assert "Postleitzahl 99999" in out
        assert "Es wurde nichts importiert: 1 Fehler" in error
        assert "Probelauf" in dry
    assert not Organisation.objects.exists()


def test_control_characters_in_the_file_name_are_not_recorded():
    """The name becomes the source and the history reason (PostgreSQL refuses a NUL)."""
    result = import_organisations(
        csv_file([company(1)]), dry_run=False, source_detail="liste\x00\u202e.csv"
    )
    assert result.written
    organisation = Organisation.objects.get()
    assert organisation.source_detail == "liste.csv"
    assert organisation.history.get().history_change_reason == "Import liste.csv"


def test_summary_of_one_row_is_singular_in_both_languages():
    data = csv_file([company(1)])
    assert import_organisations(data).summary().startswith("1 row: 1 new,")
    with translation.override("de"):
        assert import_organisations(data).summary().startswith("1 Zeile: 1 neu,")
