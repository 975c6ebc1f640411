"""An imported list is found by the search, the API and the map once the import commits.

The importer writes with bulk inserts and updates that send no model signals; these
tests import through the service and through the back-office page, run the index
task the commit queues, and look for the organisations as a visitor would.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.testing import sign_in
from directory.choices import PublicationStatus
from directory.importing import import_organisations
from directory.models import Organisation
from directory.tests.test_importing import IMPORT_URL, company, csv_file
from search import services
from search.query import SearchQuery

from .helpers import index_all, make_org, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs the index tasks a write queued, as they run once its transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def indexed(engine_name: str, after_commit: Any) -> Organisation:
    """One organisation that was there before the import, indexed as after a rebuild."""
    with after_commit():  # committed before the import starts
        existing = make_org("Erfurter Drahtwerk GmbH", offerings=["Federn"], slug="drahtwerk")
    index_all()
    return existing


def found_by_api(text: str) -> tuple[int, set[str]]:
    body = Client().get("/api/v1/search", {"q": text, "page_size": "100"}).json()
    return body["total"], {hit["name"] for hit in body["results"]}


def on_the_map() -> set[int]:
    world = Client().get("/suche/karte/", {"zoom": "12", "bbox": "-89,-179,89,179"}).json()
    return {feature["properties"]["id"] for feature in world["features"]}


def test_imported_organisations_are_found_by_search_api_and_map(
    indexed: Organisation, after_commit: Any
) -> None:
    rows = [
        company(1, Firmenname="Gothaer Ventilbau GmbH"),
        company(2, Firmenname="Jenaer Ventiltechnik GmbH", PLZ="07743", Ort="Jena"),
    ]
    with after_commit():
        result = import_organisations(csv_file(rows), dry_run=False, source_detail="neu.csv")
        assert result.written, [e.reason for e in result.entries]

    imported = Organisation.objects.filter(source_detail="neu.csv")
    assert sorted(names("Ventil")) == ["Gothaer Ventilbau GmbH", "Jenaer Ventiltechnik GmbH"]
    assert found_by_api("Ventil") == (
        2,
        {"Gothaer Ventilbau GmbH", "Jenaer Ventiltechnik GmbH"},
    )
    assert set(imported.values_list("pk", flat=True)) | {indexed.pk} == on_the_map()


def test_related_rows_written_by_an_update_reach_the_index(
    indexed: Organisation, after_commit: Any
) -> None:
    with after_commit():
        import_organisations(csv_file([company(1)]), dry_run=False)
    assert names("Mikroverzahnung") == []

    # Only a list column changes: the organisation row itself is not updated.
    update = [company(1, Technologien="Laserschneiden; Mikroverzahnung")]
    with after_commit():
        result = import_organisations(csv_file(update), dry_run=False)
        assert result.written and result.counts["update"] == 1
    assert names("Mikroverzahnung") == ["Testwerk 1 Präzision GmbH"]


def test_organisation_hidden_by_import_leaves_results_and_counts(
    indexed: Organisation, after_commit: Any
) -> None:
    with after_commit():
        import_organisations(
            csv_file([company(1, Firmenname="Gothaer Ventilbau GmbH")]), dry_run=False
        )
    index_all()  # published and indexed, whichever way it got there
    assert names("Ventilbau") == ["Gothaer Ventilbau GmbH"]

    header = ["Agentur-ID", "Firmenname", "Veröffentlichung"]
    hide = {"Agentur-ID": "LEG-0001", "Firmenname": "Gothaer Ventilbau GmbH"}
    hide["Veröffentlichung"] = "verborgen"
    with after_commit():
        result = import_organisations(csv_file([hide], header=header), dry_run=False)
        assert result.written, [e.reason for e in result.entries]

    assert Organisation.objects.get(name="Gothaer Ventilbau GmbH").status == (
        PublicationStatus.HIDDEN
    )
    search = services.search(SearchQuery(text="Ventilbau"), relax=False)
    assert (search.total, search.items) == (0, [])
    everything = services.search(SearchQuery(limit=100), relax=False)
    assert everything.total == 1
    assert [item.organisation.pk for item in everything.items] == [indexed.pk]
    assert found_by_api("Ventilbau") == (0, set())
    assert on_the_map() == {indexed.pk}


@pytest.mark.urls("directory.tests.test_importing")
def test_back_office_import_is_found_by_the_search(
    indexed: Organisation, after_commit: Any, settings: Any, tmp_path: Any
) -> None:
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
    url = reverse(IMPORT_URL)
    data = csv_file([company(1, Firmenname="Gothaer Ventilbau GmbH")])
    upload = client.post(
        url, {"step": "upload", "file": SimpleUploadedFile("liste.csv", data, "text/csv")}
    )
    form = upload.context["mapping_form"]
    fields = {name: form[name].value() for name in form.fields if name.startswith("column_")}
    token = upload.context["token"]

    with after_commit():
        confirm = client.post(url, {"step": "confirm", "token": token, **fields})
        assert confirm.status_code == 302
    assert names("Ventilbau") == ["Gothaer Ventilbau GmbH"]
    assert found_by_api("Ventilbau") == (1, {"Gothaer Ventilbau GmbH"})
    imported = Organisation.objects.get(name="Gothaer Ventilbau GmbH")
    assert imported.pk in on_the_map()
