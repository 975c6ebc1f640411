"""Exports as staff and visitors get them, and the way back in through the importer."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from classification.models import Technology, WzCode
from core.exports import Column, export_response
from core.testing import sign_in
from directory.choices import PublicationStatus, Visibility
from directory.exporting import EXPORT_COLUMNS, organisation_rows
from directory.importing import Outcome, import_organisations
from directory.models import Organisation
from directory.tests.factories import (
    CertificationFactory,
    ContactPersonFactory,
    ExternalIdentifierFactory,
    MembershipFactory,
    OfferingFactory,
    OrganisationFactory,
    SiteFactory,
)
from directory.tests.test_importing import IMPORT_URL, company, csv_file
from geo.models import District

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff() -> User:
    return User.objects.create_user("staff", is_staff=True)


def full_organisation(
    name: str = "Rundreise Optik GmbH", agency_id: str | None = None
) -> Organisation:
    """An organisation with every part an export shows."""
    organisation = OrganisationFactory.create(
        name=name,
        website="https://www.rundreise.example/",
        email="info@rundreise.example",
        phone="+49 361 123456",
        founding_year=1990,
        employee_size_class="medium",
        description="Zeile eins\nZeile zwei",
        primary_wz=WzCode.objects.get(version="2008", code="26.70.0"),
    )
    organisation.secondary_wz.set(WzCode.objects.filter(version="2008", code__in=["28.41"]))
    organisation.technologies.set(Technology.objects.order_by("name")[:2])
    SiteFactory.create(
        organisation=organisation,
        street="Am Markt 1",
        postal_code="99084",
        place="Erfurt",
        district=District.objects.get(ags="16051"),
    )
    if agency_id:
        ExternalIdentifierFactory.create(organisation=organisation, value=agency_id)
    else:
        ExternalIdentifierFactory.create(organisation=organisation)
    OfferingFactory.create(organisation=organisation, name="Linsen, Prismen und Spiegel")
    OfferingFactory.create(organisation=organisation, name="Objektive")
    CertificationFactory.create(organisation=organisation)
    network = MembershipFactory.create(organisation=organisation).network
    network.name = "Optonet e. V."
    network.save()
    ContactPersonFactory.create(
        organisation=organisation,
        first_name="Erika",
        last_name="Muster",
        email="erika.muster@rundreise.example",
        visibility=Visibility.STAFF,
    )
    return organisation


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_is_excel_friendly_and_guards_formulas():
    rows = [{"name": '=HYPERLINK("http://evil")', "count": 3, "items": ["a", "b"]}]
    columns = [Column("name", "Name"), Column("count", "Count"), Column("items", "Items")]
    response = export_response(rows, columns, "csv", "liste")
    assert response["Content-Disposition"] == 'attachment; filename="liste.csv"'
    parsed = csv_rows(response.content)
    assert parsed == [{"Name": '\'=HYPERLINK("http://evil")', "Count": "3", "Items": "a; b"}]

    streamed = export_response(rows, columns, "csv", "liste", stream=True)
    assert isinstance(streamed, StreamingHttpResponse)
    assert b"".join(streamed.streaming_content) == response.content  # type: ignore[arg-type]


def test_xlsx_export_writes_text_as_text_never_as_formula():
    rows = [{"name": "=1+1", "count": 3}]
    response = export_response(
        rows, [Column("name", "Name"), Column("count", "Count")], "xlsx", "x"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Name"
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+1", "s")
    assert sheet["B2"].value == 3


def test_organisation_export_as_staff_has_every_column(staff):
    organisation = full_organisation(agency_id="LEG-4711")
    (row,) = organisation_rows(Organisation.objects.filter(pk=organisation.pk), staff)
    assert row["portal_id"] == organisation.pk
    assert row["agency_id"] == "LEG-4711"
    assert row["primary_wz"] == "26.70.0"
    assert row["secondary_wz"] == ["28.41"]
    assert row["products"] == ["Linsen, Prismen und Spiegel", "Objektive"]
    assert row["certifications"] == ["ISO 9001"]
    assert row["networks"] == ["Optonet e. V."]
    assert (row["postal_code"], row["place"], row["district"]) == ("99084", "Erfurt", "Erfurt")
    assert row["contact_email"] == "erika.muster@rundreise.example"
    assert row["employees"] == "medium (50–249)"


def test_contact_persons_are_exported_for_staff_only(staff):
    organisation = full_organisation()
    ContactPersonFactory.create(
        organisation=organisation,
        order=5,
        last_name="Öffentlich",
        email="presse@rundreise.example",
        visibility=Visibility.PUBLIC,
    )
    registered = User.objects.create_user("member")

    def export(user) -> bytes:
        return export_response(
            organisation_rows(Organisation.objects.all(), user), EXPORT_COLUMNS, "csv", "x"
        ).content

    # A list is what harvesters want: not even a public contact person is in it.
    for user in (AnonymousUser(), registered):
        exported = export(user)
        assert b"erika.muster" not in exported and b";Muster;" not in exported
        assert b"presse@rundreise.example" not in exported and "Öffentlich".encode() not in exported
        (row,) = [r for r in csv_rows(exported) if r["Name"] == "Rundreise Optik GmbH"]
        assert row["Contact email"] == row["Contact last name"] == row["Contact phone"] == ""
    assert b"erika.muster@rundreise.example" in export(staff)


def test_unpublished_organisations_are_exported_to_staff_only(staff):
    OrganisationFactory.create(name="Entwurf GmbH", status=PublicationStatus.DRAFT)
    OrganisationFactory.create(name="Sichtbar GmbH")
    assert [r["name"] for r in organisation_rows(None, None)] == ["Sichtbar GmbH"]
    assert [r["name"] for r in organisation_rows(None, staff)] == ["Entwurf GmbH", "Sichtbar GmbH"]


def test_export_needs_the_same_number_of_queries_for_any_number_of_rows(staff):
    full_organisation("Erste GmbH")
    with CaptureQueriesContext(connection) as few:
        list(organisation_rows(None, staff))
    for n in range(5):
        full_organisation(f"Weitere {n} GmbH")
    with CaptureQueriesContext(connection) as many:
        rows = list(organisation_rows(None, staff))
    assert len(rows) == Organisation.objects.count() == 12  # with the networks
    assert len(many) == len(few)


def test_json_export_is_a_list_of_objects_with_lists(staff):
    full_organisation()
    response = export_response(organisation_rows(None, staff), EXPORT_COLUMNS, "json", "x")
    data = json.loads(response.content)
    (item,) = [d for d in data if d["name"] == "Rundreise Optik GmbH"]
    assert item["products"] == ["Linsen, Prismen und Spiegel", "Objektive"]
    assert set(item) == {column.key for column in EXPORT_COLUMNS}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trip_is_unchanged_and_edits_become_updates(staff, fmt):
    full_organisation()
    import_organisations(csv_file([company(1), company(2)]), dry_run=False)
    before = Organisation.history.count()
    data = export_response(organisation_rows(None, staff), EXPORT_COLUMNS, fmt, "x").content

    result = import_organisations(data, dry_run=False, user=staff, source_detail=f"export.{fmt}")

    assert result.written, [e for e in result.entries if e.level != "note"]
    assert {r.outcome for r in result.rows} == {Outcome.UNCHANGED}
    assert Organisation.history.count() == before

    if fmt == "csv":
        edited = data.replace(b"Am Markt 1", b"Am Markt 2")
        result = import_organisations(edited, dry_run=False, user=staff)
        changed = [r for r in result.rows if r.outcome == Outcome.UPDATE]
        assert [r.name for r in changed] == ["Rundreise Optik GmbH"]
        assert Organisation.objects.get(name="Rundreise Optik GmbH").sites.get().street == (
            "Am Markt 2"
        )


@pytest.mark.urls("directory.tests.test_importing")
def test_admin_actions_export_the_selected_organisations():
    wanted = full_organisation()
    OrganisationFactory.create(name="Nicht ausgewählt GmbH")
    user = User.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client = Client(headers={"accept-language": "en"})
    sign_in(client, user)
    url = reverse(IMPORT_URL.replace("_import", "_changelist"))
    for fmt in ("csv", "xlsx", "json"):
        response = client.post(
            url, {"action": f"export_selected_{fmt}", "_selected_action": [wanted.pk]}
        )
        assert response.status_code == 200
        content = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        if fmt == "csv":
            names = [row["Name"] for row in csv_rows(content)]
            assert names == ["Rundreise Optik GmbH"]
        elif fmt == "json":
            assert [row["name"] for row in json.loads(content)] == ["Rundreise Optik GmbH"]
        else:
            sheet = load_workbook(io.BytesIO(content)).active
            assert sheet.max_row == 2


def test_export_command_writes_each_format(tmp_path):
    full_organisation()
    OrganisationFactory.create(name="Forschung e. V.", kind="research")
    out = tmp_path / "liste.csv"
    call_command("export_organisations", "--format", "csv", "-o", str(out), "--kind", "research")
    assert [r["Name"] for r in csv_rows(out.read_bytes())] == ["Forschung e. V."]

    call_command("export_organisations", "--format", "json", "-o", str(tmp_path / "a.json"))
    public = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert "Rundreise Optik GmbH" in public and "erika.muster" not in public

    call_command(
        "export_organisations",
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "a.xlsx"),
        "--audience",
        "staff",
    )
    sheet = load_workbook(tmp_path / "a.xlsx").active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "erika.muster@rundreise.example" in values
