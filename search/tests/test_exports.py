"""The search's downloads as a visitor opens them: German Excel, XLSX, GeoJSON, API.

No public download carries a contact person (harvesting); staff exports from the back
office keep them.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from openpyxl import load_workbook

from directory.choices import Visibility
from directory.exporting import organisation_rows
from directory.models import Organisation
from directory.tests.factories import ContactPersonFactory
from search import services

from .helpers import index_all, make_org

pytestmark = pytest.mark.django_db

EVIL_NAME = '=HYPERLINK("http://evil.example","Klick")'
EVIL_STREET = "@SUMME(1+1)"


@pytest.fixture
def firms(settings: Any, tmp_path: Any) -> Organisation:
    settings.SEARCH_ENGINE = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    services.engine().clear()
    for place in ("erfurt", "jena"):
        make_org(f"Laserzentrum {place.title()} GmbH", description="Laserschneiden.", place=place)
    evil = make_org(EVIL_NAME, description="Laserschneiden von Blechen.", place="gera")
    evil.sites.update(street=EVIL_STREET)
    ContactPersonFactory.create(
        organisation=evil,
        first_name="Petra",
        last_name="Pressesprecherin",
        email="petra.presse@evil.example",
        phone="+49 365 4711",
        visibility=Visibility.PUBLIC,
    )
    index_all()
    return evil


def streamed(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def test_search_csv_opens_in_german_excel_with_guarded_formulas(
    client: Any, firms: Organisation
) -> None:
    response = client.get("/suche/export.csv", {"q": "Laser"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = streamed(response)
    assert content.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the mark
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "Portal-ID;Name;Art;Website;Straße;Postleitzahl;Ort;Kreis;WZ-2008-Code;"
        "Breitengrad;Längengrad;Profil"
    )
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3
    (evil,) = [r for r in rows if "HYPERLINK" in r["Name"]]
    # A spreadsheet shows these as text and never runs them.
    assert evil["Name"] == "'" + EVIL_NAME
    assert evil["Straße"] == "'" + EVIL_STREET
    assert evil["Art"] == "Unternehmen"
    assert evil["Profil"].startswith("http://testserver/organisationen/")


def test_search_csv_titles_follow_the_visitors_language(client: Any, firms: Organisation) -> None:
    response = client.get("/suche/export.csv", {"q": "Laser"}, headers={"Accept-Language": "en"})
    header = streamed(response).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Portal ID;Name;Kind;Website;Street;Postal code;Place;District")


def test_search_xlsx_holds_the_same_result_with_text_as_text(
    client: Any, firms: Organisation
) -> None:
    response = client.get("/suche/export.xlsx", {"q": "Laser"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="suche.xlsx"'
    sheet = load_workbook(io.BytesIO(streamed(response))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Portal-ID", "Name", "Art", "Website", "Straße")
    names = {row[1] for row in rows[1:]}
    assert names == {EVIL_NAME, "Laserzentrum Erfurt GmbH", "Laserzentrum Jena GmbH"}
    evil_cell = next(
        cell for row in sheet.iter_rows(min_row=2) for cell in row[1:2] if cell.value == EVIL_NAME
    )
    assert evil_cell.data_type == "s"  # a text cell, never a formula
    csv_ids = {
        row["Portal-ID"]
        for row in csv.DictReader(
            io.StringIO(
                streamed(client.get("/suche/export.csv", {"q": "Laser"})).decode("utf-8-sig")
            ),
            delimiter=";",
        )
    }
    assert {str(row[0]) for row in rows[1:]} == csv_ids
    html = client.get("/suche/", {"q": "Laser"}).content.decode()
    assert 'href="/suche/export.xlsx?q=Laser"' in html


def test_no_public_download_carries_a_contact_person(client: Any, firms: Organisation) -> None:
    secrets = (b"Pressesprecherin", b"petra.presse", b"4711")
    downloads = {
        "csv": streamed(client.get("/suche/export.csv", {"q": "Laser"})),
        "geojson": streamed(client.get("/suche/export.geojson", {"q": "Laser"})),
        "api search": client.get("/api/v1/search", {"q": "Laser"}).content,
        "api profile": client.get(f"/api/v1/organisations/{firms.slug}").content,
    }
    xlsx = load_workbook(io.BytesIO(streamed(client.get("/suche/export.xlsx", {"q": "Laser"}))))
    downloads["xlsx"] = json.dumps(
        [list(row) for row in xlsx.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    ).encode()
    for name, content in downloads.items():
        assert not [s for s in secrets if s in content], name
    assert json.loads(downloads["api profile"])["contacts"] == []
    # Nor a list exported for a visitor or a registered user; staff exports keep them.
    registered = User.objects.create_user("member")
    for user in (AnonymousUser(), registered):
        (row,) = [r for r in organisation_rows(None, user) if r["name"] == EVIL_NAME]
        assert row["contact_email"] == row["contact_last_name"] == row["contact_phone"] == ""
    staff = User.objects.create_user("staff", is_staff=True)
    (row,) = [r for r in organisation_rows(None, staff) if r["name"] == EVIL_NAME]
    assert row["contact_email"] == "petra.presse@evil.example"
