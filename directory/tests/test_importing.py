"""Importing organisation lists: what staff see in the report and what ends up in the database.

Every bad-input case checks both: the reason in the report (row, column, value)
and that the database is exactly as before (organisations, sites, history).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import path, reverse
from django.utils import translation
from openpyxl import Workbook
from simple_history.admin import SimpleHistoryAdmin

from classification.models import Technology
from clusterportal import urls as project_urls
from core.tabular import read_table
from core.testing import sign_in
from directory.admin_import import OrganisationImportExportAdminMixin
from directory.choices import OrganisationKind, Source, Visibility
from directory.importing import (
    EntryLevel,
    ImportResult,
    Outcome,
    import_organisations,
    normalise_website,
    split_person_name,
    suggest_mapping,
)
from directory.models import (
    ContactPerson,
    ExternalIdentifier,
    Offering,
    Organisation,
    Site,
    Tag,
)
from directory.tests.factories import (
    CertificationStandardFactory,
    ExternalIdentifierFactory,
    OfferingFactory,
    OrganisationFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons are asserted in English (the msgids); the German catalog may translate them."""
    with translation.override("en"):
        yield


HEADER = [
    "Agentur-ID",
    "Firmenname",
    "Straße",
    "PLZ",
    "Ort",
    "Website",
    "WZ 2008",
    "Mitarbeiter",
    "Gründungsjahr",
    "Technologien",
    "Zertifikate",
    "Ansprechpartner",
    "Kontakt E-Mail",
]


def company(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "Agentur-ID": f"LEG-{n:04d}",
        "Firmenname": f"Testwerk {n} Präzision GmbH",
        "Straße": f"Hauptstraße {n}",
        "PLZ": "99084",
        "Ort": "Erfurt",
        "Website": f"https://www.testwerk{n}.example",
        "WZ 2008": "25.62.0",
        "Mitarbeiter": "45",
        "Gründungsjahr": "1994",
        "Technologien": "Laserschneiden",
        "Zertifikate": "ISO 9001",
        "Ansprechpartner": f"Dr. Erika Muster{n}",
        "Kontakt E-Mail": f"kontakt{n}@testwerk.example",
    }
    row.update(overrides)
    return row


def csv_file(
    rows: list[dict[str, str]],
    header: list[str] | None = None,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> bytes:
    header = header or HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list[Any]], merges: tuple[str, ...] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Firmen"
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def with_cached_value(data: bytes, cell: str, value: str) -> bytes:
    """The workbook as Excel saves it: the formula in ``cell`` with its calculated value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text, count = re.subn(
                    rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/?>(?:</v>)?',
                    rf"\1<f>\2</f><v>{value}</v>",
                    text,
                )
                assert count == 1, text
                content = text.encode()
            target.writestr(item, content)
    return output.getvalue()


def database_state() -> dict[str, int]:
    """What a failed import must leave exactly as it was."""
    return {
        "organisations": Organisation.objects.count(),
        "sites": Site.objects.count(),
        "contacts": ContactPerson.objects.count(),
        "identifiers": ExternalIdentifier.objects.count(),
        "organisation history": Organisation.history.count(),
        "site history": Site.history.count(),
        "tags": Tag.objects.count(),
    }


def findings(result: ImportResult, level: str = EntryLevel.ERROR) -> list[tuple[Any, ...]]:
    return [(e.row, e.column, e.value, e.reason) for e in result.entries if e.level == level]


def assert_refused(data: bytes, **kwargs: Any) -> ImportResult:
    """Import for real and check that nothing at all was written."""
    before = database_state()
    result = import_organisations(data, dry_run=False, source_detail="liste.csv", **kwargs)
    assert not result.written
    assert database_state() == before
    return result


# --- A good list ----------------------------------------------------------------------


def test_good_list_creates_organisations_with_geocoded_sites_and_history():
    user = User.objects.create_user("importer", is_staff=True)
    data = csv_file(
        [
            company(1),
            company(2, PLZ="07743", Ort="Jena", **{"Straße": "Carl-Zeiss-Platz 1"}),
            company(3, PLZ="99423", Ort="Weimar", Technologien="Quantenpunkt-Sensorik"),
        ]
    )

    result = import_organisations(data, dry_run=False, user=user, source_detail="firmen.csv")

    assert result.written, result.entries
    assert result.counts[Outcome.CREATE] == 3
    erfurt = Organisation.objects.get(name="Testwerk 1 Präzision GmbH")
    site = erfurt.sites.select_related("district").get()
    assert (site.postal_code, site.place, site.street) == ("99084", "Erfurt", "Hauptstraße 1")
    assert site.district is not None and site.district.ags == "16051"
    assert site.latitude is not None and site.geocode_precision != "none"
    districts = dict(Site.objects.values_list("place", "district__ags"))
    assert districts == {"Erfurt": "16051", "Jena": "16053", "Weimar": "16055"}

    assert erfurt.source == Source.IMPORT and erfurt.source_detail == "firmen.csv"
    assert erfurt.legal_form == "GmbH"  # read from the name: the list had no such column
    assert erfurt.primary_wz is not None and erfurt.primary_wz.code == "25.62.0"
    assert erfurt.employee_size_class == "small"
    assert erfurt.founding_year == 1994
    assert [t.name for t in erfurt.technologies.all()] == ["Laserschneiden"]
    assert [c.standard.name for c in erfurt.certifications.all()] == ["ISO 9001"]
    assert erfurt.identifiers.get().value == "LEG-0001"
    contact = erfurt.contacts.get()
    assert (contact.title, contact.first_name, contact.last_name) == ("Dr.", "Erika", "Muster1")
    assert contact.visibility == Visibility.STAFF  # personal data is internal unless the list says

    record = erfurt.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == "Import firmen.csv"
    assert record.history_user == user
    assert [link.technology.name for link in record.technologies.all()] == ["Laserschneiden"]
    assert site.history.get().history_change_reason == "Import firmen.csv"
    assert contact.history.get().history_user == user

    weimar = Organisation.objects.get(name="Testwerk 3 Präzision GmbH")
    assert [t.name for t in weimar.tags.all()] == ["Quantenpunkt-Sensorik"]
    assert (4, "Technologien", "Quantenpunkt-Sensorik") in [
        (e.row, e.column, e.value) for e in result.entries if e.level == EntryLevel.NOTE
    ]


def test_dry_run_reports_what_would_happen_and_writes_nothing():
    before = database_state()
    result = import_organisations(csv_file([company(1), company(2)]), dry_run=True)
    assert result.counts[Outcome.CREATE] == 2
    assert result.can_write and not result.written
    assert database_state() == before


def test_second_import_of_the_same_list_changes_nothing():
    data = csv_file([company(1), company(2)])
    assert import_organisations(data, dry_run=False).written
    history = Organisation.history.count()

    result = import_organisations(data, dry_run=False)

    assert result.counts[Outcome.UNCHANGED] == 2
    assert Organisation.objects.count() == 2
    assert Organisation.history.count() == history


# --- Bad input: the reason with row and column, and the database unchanged ------------


def test_unknown_postal_code_is_reported_and_nothing_is_written():
    result = assert_refused(csv_file([company(1), company(2, PLZ="99999")]))
    assert (3, "PLZ", "99999", "Postal code 99999 does not exist") in findings(result)
    assert [r.outcome for r in result.rows] == [Outcome.CREATE, Outcome.ERROR]


def test_postal_code_with_wrong_format_is_reported():
    result = assert_refused(csv_file([company(1, PLZ="9908A")]))
    assert findings(result) == [(2, "PLZ", "9908A", "Postal code “9908A” must have five digits")]


def test_postal_code_that_lost_its_leading_zero_is_read_with_a_note():
    result = import_organisations(csv_file([company(1, PLZ="7743", Ort="Jena")]), dry_run=False)
    assert result.written
    assert Site.objects.get().postal_code == "07743"
    assert any("07743" in reason for *_rest, reason in findings(result, EntryLevel.NOTE))


def test_unknown_wz_code_is_reported():
    result = assert_refused(csv_file([company(1, **{"WZ 2008": "99.99"})]))
    ((row, column, value, reason),) = findings(result)
    assert (row, column, value) == (2, "WZ 2008", "99.99")
    assert reason.startswith("Unknown WZ 2008 code 99.99")


def test_missing_name_is_reported():
    result = assert_refused(csv_file([company(1), company(2, Firmenname="")]))
    assert findings(result) == [(3, "Firmenname", "", "The name is missing")]


def test_unknown_certification_is_an_error():
    result = assert_refused(csv_file([company(1, Zertifikate="ISO 99999")]))
    ((row, column, value, reason),) = findings(result)
    assert (row, column, value) == (2, "Zertifikate", "ISO 99999")
    assert "Unknown certification" in reason


def test_invalid_email_url_year_and_too_long_text_are_reported():
    rows = [
        company(1, **{"Kontakt E-Mail": "kein-at-zeichen"}),
        company(2, Website="http://"),
        company(3, **{"Gründungsjahr": "3020"}),
        company(4, Firmenname="X" * 300),
    ]
    result = assert_refused(csv_file(rows))
    errors = {(row, column) for row, column, _value, _reason in findings(result)}
    assert errors == {
        (2, "Kontakt E-Mail"),
        (3, "Website"),
        (4, "Gründungsjahr"),
        (5, "Firmenname"),
    }
    year = next(r for row, col, _v, r in findings(result) if col == "Gründungsjahr")
    assert "3020" in year and "1000" in year


def test_latin1_file_with_umlauts_is_read_correctly():
    header = ["Firmenname", "Straße", "PLZ", "Ort", "Beschreibung"]
    row = {
        "Firmenname": "Müller & Söhne Glasbläserei GmbH",
        "Straße": "Große Straße 5",
        "PLZ": "98724",
        "Ort": "Lauscha",
        "Beschreibung": "Glaskugeln aus Thüringen, größtenteils mundgeblasen",
    }
    data = csv_file([row], header=header, encoding="latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = import_organisations(data, dry_run=False, source_detail="alt.csv")

    assert result.written, result.entries
    organisation = Organisation.objects.get()
    assert organisation.name == "Müller & Söhne Glasbläserei GmbH"
    assert organisation.description.startswith("Glaskugeln aus Thüringen, größtenteils")
    assert organisation.sites.get().street == "Große Straße 5"


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_common_delimiters_are_recognised(delimiter):
    rows = [company(1, Firmenname="Komma, Punkt & Co. KG"), company(2)]
    result = import_organisations(csv_file(rows, delimiter=delimiter), dry_run=False)
    assert result.written, result.entries
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "Komma, Punkt & Co. KG",
        "Testwerk 2 Präzision GmbH",
    }


def test_xlsx_with_formula_without_value_and_merged_cells_is_refused_with_reasons():
    data = xlsx_file(
        [
            ["Firmenname", "PLZ", "Ort", "Mitarbeiter"],
            ["Alpha GmbH", "99084", "Erfurt", 12],
            ["Beta GmbH", "99085", None, "=B2*2"],
            ["Gamma GmbH", "99086", None, 300],
        ],
        merges=("C2:C4",),
    )
    result = assert_refused(data)
    ((row, column, value, reason),) = findings(result)
    assert (row, column, value) == (3, "Mitarbeiter", "=B2*2")
    assert "no calculated value" in reason
    merged = [(r, c) for r, c, _v, reason in findings(result, EntryLevel.NOTE) if "C2:C4" in reason]
    assert merged == [(3, "Ort"), (4, "Ort")]


def test_xlsx_formula_gives_its_saved_value_and_merged_cells_fill_down():
    data = xlsx_file(
        [
            ["Firmenname", "PLZ", "Ort", "Mitarbeiter"],
            ["Alpha GmbH", "99084", "Erfurt", 12],
            ["Beta GmbH", "99085", None, "=D2*30"],
        ],
        merges=("C2:C3",),
    )
    data = with_cached_value(data, "D3", "360")

    result = import_organisations(data, dry_run=False, source_detail="liste.xlsx")

    assert result.written, result.entries
    beta = Organisation.objects.get(name="Beta GmbH")
    assert beta.employee_size_class == "large"
    assert beta.sites.get().place == "Erfurt"


def test_spreadsheet_error_values_are_errors():
    data = xlsx_file([["Firmenname", "Mitarbeiter"], ["Alpha GmbH", "#DIV/0!"]])
    result = assert_refused(data)
    assert findings(result)[0][:3] == (2, "Mitarbeiter", "#DIV/0!")


def test_duplicate_website_within_the_file():
    rows = [
        company(1, Website="https://www.gleich.example/"),
        company(2),
        company(3, Website="http://GLEICH.example"),
    ]
    result = assert_refused(csv_file(rows))
    (entry,) = [e for e in result.entries if e.level == EntryLevel.DUPLICATE]
    assert (entry.row, entry.column, entry.value) == (4, "Website", "http://GLEICH.example")
    assert entry.other_row == 2
    assert "Same website as row 2" in entry.reason
    assert result.rows[2].outcome == Outcome.DUPLICATE


def test_duplicate_of_an_existing_organisation_by_website():
    existing = OrganisationFactory.create(
        name="Altbestand AG", website="https://www.altbestand.example/"
    )
    result = assert_refused(csv_file([company(1, Website="altbestand.example")]))
    (entry,) = [e for e in result.entries if e.level == EntryLevel.DUPLICATE]
    assert (entry.row, entry.column) == (2, "Website")
    assert (entry.organisation_id, entry.organisation_name) == (existing.pk, "Altbestand AG")
    assert f"portal ID {existing.pk}" in entry.reason


def test_duplicate_of_an_existing_organisation_by_name_and_postal_code():
    existing = SiteFactory.create(
        organisation__name="Testwerk 1 Präzision GmbH", postal_code="99084"
    ).organisation
    result = assert_refused(csv_file([company(1)]))
    (entry,) = [e for e in result.entries if e.level == EntryLevel.DUPLICATE]
    assert (entry.row, entry.column, entry.organisation_id) == (2, "Firmenname", existing.pk)
    assert entry.reason.startswith("Same name and postal code")


def test_similar_name_in_the_same_postal_code_is_a_possible_duplicate():
    existing = SiteFactory.create(
        organisation__name="Mueller Praezisionstechnik GmbH & Co. KG", postal_code="99084"
    ).organisation
    SiteFactory.create(organisation__name="Werk 1 Optik GmbH", postal_code="99084")
    rows = [
        company(1, Firmenname="Müller Präzisionstechnik GmbH"),
        company(2, Firmenname="Werk 2 Optik GmbH"),  # another number: another company
        company(3, Firmenname="Müller Präzisionstechnik GmbH", PLZ="07743", Ort="Jena"),
    ]
    result = assert_refused(csv_file(rows))
    duplicates = [e for e in result.entries if e.level == EntryLevel.DUPLICATE]
    assert [(e.row, e.organisation_id) for e in duplicates] == [(2, existing.pk)]
    assert "similar" in duplicates[0].reason


def test_confirmed_duplicates_are_imported():
    OrganisationFactory.create(website="https://www.testwerk1.example")
    data = csv_file([company(1)])
    assert not import_organisations(data, dry_run=False).written

    result = import_organisations(data, dry_run=False, allow_duplicates=True)

    assert result.written
    assert result.rows[0].outcome == Outcome.CREATE and result.rows[0].duplicate
    assert Organisation.objects.count() == 2


def test_empty_and_unreadable_files_are_refused():
    for data, reason in (
        (b"", "The file is empty."),
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "neither a CSV nor an XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel file"),
        (b"99084;Erfurt\n99085;Erfurt\n", "looks like data"),
        (b"Firmenname;PLZ\n", "no data rows"),
    ):
        result = assert_refused(data)
        ((row, _column, _value, message),) = findings(result)
        assert row is None and reason in message


def test_list_without_a_name_column_is_refused():
    result = assert_refused(csv_file([{"PLZ": "99084"}], header=["PLZ", "Ort"]))
    assert "No column is mapped to Name" in findings(result)[0][3]


def test_hostile_text_is_stored_as_plain_text():
    text = '<script>alert("x")</script>\x07\u200b Ingenieurbüro'
    result = import_organisations(
        csv_file([company(1, Firmenname=text)]), dry_run=False, source_detail="x.csv"
    )
    assert result.written
    assert Organisation.objects.get().name == '<script>alert("x")</script> Ingenieurbüro'


# --- Upsert by external identifier ----------------------------------------------------


def test_row_with_known_agency_id_updates_the_organisation_with_history():
    user = User.objects.create_user("redaktion", is_staff=True)
    organisation = ExternalIdentifierFactory.create(
        value="LEG-0001", organisation__name="Testwerk 1 Präzision GmbH"
    ).organisation
    CertificationStandardFactory.create(name="ISO 9001")
    before = Organisation.objects.count()

    result = import_organisations(
        csv_file([company(1, Website="https://neu.example")]),
        dry_run=False,
        user=user,
        source_detail="update.csv",
    )

    assert result.written, result.entries
    assert result.rows[0].outcome == Outcome.UPDATE
    assert "Website" in result.rows[0].changes
    assert Organisation.objects.count() == before
    organisation.refresh_from_db()
    assert organisation.website == "https://neu.example"
    assert organisation.sites.get().district.ags == "16051"
    latest = organisation.history.latest()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "Import update.csv"
    assert latest.history_user == user
    assert [t.technology.name for t in latest.technologies.all()] == ["Laserschneiden"]
    assert organisation.source == "manual"  # where it came from first stays


def test_update_replaces_lists_and_clears_emptied_cells_with_history():
    organisation = ExternalIdentifierFactory.create(
        value="LEG-0001",
        organisation__name="Testwerk 1 Präzision GmbH",
        organisation__founding_year=1990,
    ).organisation
    OfferingFactory.create(organisation=organisation, name="Altes Produkt")
    OfferingFactory.create(organisation=organisation, name="Drehteile")
    header = ["Agentur-ID", "Firmenname", "Produkte", "Gründungsjahr"]
    row = {"Agentur-ID": "LEG-0001", "Firmenname": "Testwerk 1 Präzision GmbH"}
    data = csv_file([{**row, "Produkte": "Drehteile; Frästeile"}], header=header)

    result = import_organisations(data, dry_run=False, source_detail="produkte.csv")

    assert result.rows[0].outcome == Outcome.UPDATE
    assert set(organisation.offerings.values_list("name", flat=True)) == {"Drehteile", "Frästeile"}
    removed = Offering.history.get(name="Altes Produkt", history_type="-")
    assert removed.history_change_reason == "Import produkte.csv"
    organisation.refresh_from_db()
    assert organisation.founding_year is None  # a mapped column's empty cell clears the value
    assert "Founding year" in result.rows[0].changes


def test_same_agency_id_twice_in_the_file_is_an_error():
    result = assert_refused(csv_file([company(1), company(2, **{"Agentur-ID": "LEG-0001"})]))
    assert (3, "Agentur-ID", "LEG-0001") in [f[:3] for f in findings(result)]


def test_identifiers_of_two_different_organisations_in_one_row_are_an_error():
    ExternalIdentifierFactory.create(value="LEG-0001")
    ExternalIdentifierFactory.create(scheme="register", value="HRB 123")
    header = [*HEADER, "Registernummer"]
    result = assert_refused(csv_file([company(1, Registernummer="HRB 123")], header=header))
    assert "different organisations" in findings(result)[0][3]


def test_portal_id_of_an_unrelated_organisation_is_refused():
    other = OrganisationFactory.create(name="Ganz Andere Bäckerei")
    header = ["Portal-ID", "Firmenname"]
    result = assert_refused(
        csv_file([{"Portal-ID": str(other.pk), "Firmenname": "Optik Jena AG"}], header=header)
    )
    assert "belongs to “Ganz Andere Bäckerei”" in findings(result)[0][3]


# --- Mapping ---------------------------------------------------------------------------


def test_suggested_mapping_understands_common_german_and_english_headers():
    headers = [
        "Firma",
        "Str.",
        "Postleitzahl",
        "Stadt",
        "Homepage",
        "WZ-Code",
        "weitere WZ",
        "Beschäftigte",
        "Rechtsform",
        "Kurzbeschreibung",
        "Produkte",
        "Art",
        "Kontakt Name",
        "Funktion",
        "Kontakt Telefon",
        "Kontakt E-Mail",
        "HRB",
        "ID",
        "Netzwerk",
        "Notizen intern",
        "Company name",
        "Zip code",
    ]
    mapping = suggest_mapping(headers)
    assert mapping == {
        "Firma": "name",
        "Str.": "street",
        "Postleitzahl": "postal_code",
        "Stadt": "place",
        "Homepage": "website",
        "WZ-Code": "primary_wz",
        "weitere WZ": "secondary_wz",
        "Beschäftigte": "employees",
        "Rechtsform": "legal_form",
        "Kurzbeschreibung": "short_description",
        "Produkte": "products",
        "Art": "kind",
        "Kontakt Name": "contact_name",
        "Funktion": "contact_role",
        "Kontakt Telefon": "contact_phone",
        "Kontakt E-Mail": "contact_email",
        "HRB": "register_number",
        "ID": "agency_id",
        "Netzwerk": "networks",
        "Notizen intern": "",
        "Company name": "",  # "name" is taken by "Firma" already
        "Zip code": "",
    }


def test_explicit_mapping_overrides_the_suggestion():
    header = ["Bezeichnung", "PLZ", "Ort", "Bemerkung"]
    data = csv_file(
        [{"Bezeichnung": "Zuordnung GmbH", "PLZ": "99084", "Ort": "Erfurt", "Bemerkung": "x"}],
        header=header,
    )
    result = import_organisations(
        data, mapping={"Bezeichnung": "name", "Bemerkung": ""}, dry_run=False
    )
    assert result.written
    assert Organisation.objects.get().name == "Zuordnung GmbH"
    bad = import_organisations(data, mapping={"Bezeichnung": "firmname"})
    assert "Unknown target field" in findings(bad)[0][3]


def test_kind_legal_form_and_size_class_words_are_recognised():
    header = ["Name", "Art", "Rechtsform", "Mitarbeiter", "PLZ"]
    rows = [
        {
            "Name": "Institut A",
            "Art": "Forschungseinrichtung",
            "Rechtsform": "e.V.",
            "Mitarbeiter": "1.200",
            "PLZ": "07745",
        },
        {
            "Name": "Netz B",
            "Art": "Netzwerk",
            "Rechtsform": "GmbH & Co.KG",
            "Mitarbeiter": "klein",
            "PLZ": "99084",
        },
        {"Name": "C", "Art": "Raumschiff", "Rechtsform": "Ltd. & Co", "Mitarbeiter": "viele"},
    ]
    result = import_organisations(csv_file(rows, header=header))
    assert [r.outcome for r in result.rows] == [Outcome.CREATE, Outcome.CREATE, Outcome.ERROR]
    assert {c for _r, c, _v, _m in findings(result)} == {"Art", "Rechtsform", "Mitarbeiter"}
    result = import_organisations(csv_file(rows[:2], header=header), dry_run=False)
    institute = Organisation.objects.get(name="Institut A")
    assert (institute.kind, institute.legal_form, institute.employee_size_class) == (
        OrganisationKind.RESEARCH_INSTITUTE,
        "e. V.",
        "large",
    )
    network = Organisation.objects.get(name="Netz B")
    assert (network.kind, network.legal_form, network.employee_size_class) == (
        "network",
        "GmbH & Co. KG",
        "small",
    )


def test_helpers_for_names_and_websites():
    assert split_person_name("Prof. Dr. Erika Mustermann") == ("Prof. Dr.", "Erika", "Mustermann")
    assert split_person_name("Mustermann, Max") == ("", "Max", "Mustermann")
    assert split_person_name("Frau Gabi Beispiel") == ("", "Gabi", "Beispiel")
    assert normalise_website("HTTPS://www.Firma.de/") == normalise_website("firma.de")
    assert normalise_website("https://uni-jena.de/physik") != normalise_website("uni-jena.de")


def test_reader_reports_row_numbers_as_the_spreadsheet_shows_them():
    table = read_table(b'sep=,\nName,PLZ\n\nA GmbH,99084\n"B\nGmbH",99085\nC,1\n')
    assert [(row.number, row.values["Name"]) for row in table.rows] == [
        (3, "A GmbH"),
        (4, "B\nGmbH"),
        (5, "C"),
    ]


# --- Report and command -----------------------------------------------------------------


def test_report_csv_lists_row_column_value_and_reason():
    result = import_organisations(csv_file([company(1, PLZ="99999")]))
    text = result.report_csv().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Row", "Column", "Value", "Reason"]
    assert ["2", "PLZ", "99999", "Postal code 99999 does not exist", "error"] in [
        r[:5] for r in rows
    ]


def test_import_command_dry_run_commit_and_exit_status(tmp_path, capsys):
    good = tmp_path / "gut.csv"
    good.write_bytes(csv_file([company(1)]))
    bad = tmp_path / "schlecht.csv"
    bad.write_bytes(csv_file([company(1, PLZ="99999")]))
    report = tmp_path / "bericht.csv"

    call_command("import_organisations", str(good), "--no-progress")
    assert "Dry run, nothing written" in capsys.readouterr().out
    assert not Organisation.objects.exists()

    with pytest.raises(CommandError) as failure:
        call_command(
            "import_organisations", str(bad), "--commit", "--no-progress", "--report", str(report)
        )
    assert failure.value.returncode == 1
    assert "row 2\tPLZ\t99999\tPostal code 99999 does not exist" in capsys.readouterr().out
    assert "99999" in report.read_text(encoding="utf-8-sig")
    assert not Organisation.objects.exists()

    call_command(
        "import_organisations",
        str(good),
        "--commit",
        "--no-progress",
        "--mapping",
        '{"Kontakt E-Mail": ""}',
    )
    assert "Imported" in capsys.readouterr().out
    organisation = Organisation.objects.get()
    assert organisation.source_detail == "gut.csv"
    assert organisation.contacts.get().email == ""


# --- The import page in the back office ------------------------------------------------


class ImportTestAdmin(OrganisationImportExportAdminMixin, SimpleHistoryAdmin):
    actions = ("noop",)  # the mixin adds its export actions to whatever a ModelAdmin has

    @admin.action(description="noop")
    def noop(self, request, queryset):  # pragma: no cover - never run
        return None


# An admin site of its own, so these tests do not depend on how directory/admin.py is built.
site = admin.AdminSite(name="importadmin")
site.register(Organisation, ImportTestAdmin)
urlpatterns = [path("import-admin/", site.urls), *project_urls.urlpatterns]
IMPORT_URL = "importadmin:directory_organisation_import"


@pytest.fixture
def uploads(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


@pytest.fixture
def importer_client() -> Client:
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


@pytest.mark.urls(__name__)
def test_admin_import_upload_mapping_dry_run_and_confirm(importer_client, uploads):
    url = reverse(IMPORT_URL)
    data = csv_file([company(1), company(2, PLZ="07743", Ort="Jena")], encoding="cp1252")

    page = importer_client.get(url)
    assert page.status_code == 200
    assert b'type="file"' in page.content

    upload = importer_client.post(
        url, {"step": "upload", "file": SimpleUploadedFile("firmen.csv", data, "text/csv")}
    )
    assert upload.status_code == 200
    token = upload.context["token"]
    assert len(list(uploads.iterdir())) == 1
    form = upload.context["mapping_form"]
    fields = {name: form[name].value() for name in form.fields if name.startswith("column_")}
    assert fields["column_1"] == "name"  # "Firmenname" suggested as the name
    assert "Testwerk 1 Präzision GmbH" in upload.content.decode()

    fields["column_12"] = ""  # do not import the contact e-mail
    check = importer_client.post(url, {"step": "check", "token": token, **fields})
    assert check.status_code == 200
    result = check.context["result"]
    assert result.dry_run and result.can_write
    assert result.counts[Outcome.CREATE] == 2
    assert not Organisation.objects.exists()
    assert "Import now" in check.content.decode()

    report = importer_client.get(
        reverse("importadmin:directory_organisation_import_report", args=[token])
    )
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")

    confirm = importer_client.post(url, {"step": "confirm", "token": token, **fields})
    assert confirm.status_code == 302
    assert Organisation.objects.count() == 2
    assert not ContactPerson.objects.exclude(email="").exists()
    assert list(uploads.iterdir()) == []  # the upload is deleted after the import
    assert Organisation.history.filter(history_user__username="import").count() == 2


@pytest.mark.urls(__name__)
def test_admin_import_report_shows_errors_escaped_and_refuses_confirm(importer_client, uploads):
    url = reverse(IMPORT_URL)
    data = csv_file([company(1, Firmenname="<script>alert(1)</script>", PLZ="99999")])
    upload = importer_client.post(
        url, {"step": "upload", "file": SimpleUploadedFile("böse.csv", data)}
    )
    token = upload.context["token"]
    form = upload.context["mapping_form"]
    fields = {name: form[name].value() for name in form.fields if name.startswith("column_")}

    check = importer_client.post(url, {"step": "check", "token": token, **fields})

    html = check.content.decode()
    assert "Postal code 99999 does not exist" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Import now" not in html
    refused = importer_client.post(url, {"step": "confirm", "token": token, **fields})
    assert refused.status_code == 200
    assert not Organisation.objects.exists()

    cancel = importer_client.post(url, {"step": "cancel", "token": token, **fields})
    assert cancel.status_code == 302
    assert list(uploads.iterdir()) == []


@pytest.mark.urls(__name__)
def test_admin_import_needs_add_and_change_permission_and_own_upload(uploads):
    url = reverse(IMPORT_URL)
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client = Client(headers={"accept-language": "en"})
    sign_in(client, viewer)
    assert client.get(url).status_code == 403

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]

    other = User.objects.create_superuser("other", password="x")
    other_client = Client(headers={"accept-language": "en"})
    sign_in(other_client, other)
    response = other_client.post(url, {"step": "check", "token": "A" * 32})
    assert response.status_code == 404


@pytest.mark.urls(__name__)
def test_admin_upload_of_an_unreadable_file_shows_the_reason(importer_client, uploads):
    url = reverse(IMPORT_URL)
    response = importer_client.post(
        url, {"step": "upload", "file": SimpleUploadedFile("leer.csv", b"  \n")}
    )
    assert response.status_code == 200
    assert "The file is empty." in response.content.decode()
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_unknown_technology_becomes_a_tag_and_known_synonym_is_matched():
    technology = Technology.objects.exclude(synonyms="").order_by("pk")[0]
    synonym = technology.synonyms.splitlines()[0]
    rows = [company(1, Technologien=f"{synonym}; Neuland-Technik")]
    result = import_organisations(csv_file(rows), dry_run=False)
    organisation = Organisation.objects.get()
    assert list(organisation.technologies.all()) == [technology]
    assert [t.name for t in organisation.tags.all()] == ["Neuland-Technik"]
    assert result.written
