"""Every way of writing organisations keeps the search in step with the database.

Each test runs one write path the way its user does (a page, the back office, the
import, the API, a command, an account or privacy action) with the index tasks
running as they would after the commit, and then compares what a visitor finds
(search results, their number, the kind facet, the API, the map) with what the
database says is published, and asks the consistency check for drift, of the index
and of the organisation vectors beside it (once the vector work the write scheduled is
done: ``search.vectors.wait``).
"""

from __future__ import annotations

import datetime
import io
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Account, Claim
from accounts.roles import EDITOR
from accounts.services import decide_claim, grant_editor, grant_role
from classification.models import Technology
from core.testing import sign_in
from directory.choices import OrganisationKind, PublicationStatus
from directory.importing import import_organisations
from directory.models import ChangeRequest, ContactPerson, Organisation, Tag
from directory.tests.factories import ContactPersonFactory, OfferingFactory
from directory.tests.test_admin import submitted_form
from directory.tests.test_importing import company, csv_file
from directory.tests.test_self_service import form_data
from search import consistency, services, vectors
from search.query import SearchQuery

from .helpers import index_all, make_org, names

pytestmark = pytest.mark.django_db


# --- What a visitor finds, compared with the database ----------------------------------


def assert_search_shows_the_database() -> None:
    published = Organisation.objects.filter(status=PublicationStatus.PUBLISHED)
    expected = set(published.values_list("pk", flat=True))
    results = services.search(SearchQuery(limit=500), relax=False)
    assert {item.organisation.pk for item in results.items} == expected
    assert results.total == len(expected)
    kinds = {v.value: v.count for f in results.facets if f.name == "kind" for v in f.values}
    assert {k: n for k, n in kinds.items() if n} == dict(
        Counter(published.values_list("kind", flat=True))
    )

    api = Client().get("/api/v1/search", {"page_size": 100}).json()
    assert api["total"] == len(expected)
    assert {hit["id"] for hit in api["results"]} == expected

    located = set(published.filter(sites__latitude__isnull=False).values_list("pk", flat=True))
    world = Client().get("/suche/karte/", {"zoom": "12", "bbox": "-89,-179,89,179"}).json()
    assert world["total"] == len(located)
    assert {f["properties"]["id"] for f in world["features"]} == located

    assert vectors.wait(60)
    drift = consistency.check()
    assert (drift.missing, drift.stale, drift.extra) == ([], [], [])
    assert (drift.vectors_missing, drift.vectors_stale, drift.vectors_extra) == ([], [], [])
    assert drift.vectors == len(expected)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs the index tasks a write queued, as they run once its transaction commits.

    Set-up writes run inside it too: the index queues one task per transaction, and a
    task left pending in the test's transaction would collect the later writes."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def landscape(engine_name: str, after_commit: Any) -> dict[str, Organisation]:
    """A network, two companies (one complete, with a tag, a technology and a contact),
    indexed as after a rebuild."""
    with after_commit():
        return _landscape()


def _landscape() -> dict[str, Organisation]:
    network = make_org(
        "Optonet Thüringen e.V.", kind=OrganisationKind.NETWORK, place="jena", slug="optonet"
    )
    optik = make_org(
        "Jenaer Linsenwerk GmbH",
        short="Linsen für Mikroskope.",
        offerings=["Präzisionslinsen"],
        technologies=["Laserschneiden"],
        networks=[network],
        place="jena",
        website="https://linsenwerk.example",
        slug="linsenwerk",
    )
    optik.tags.add(Tag.objects.create(name="Feinoptik", slug="feinoptik"))
    ContactPersonFactory(organisation=optik, last_name="Sommer")
    draht = make_org("Erfurter Drahtwerk GmbH", offerings=["Federn"], slug="drahtwerk")
    index_all()
    assert_search_shows_the_database()
    return {"network": network, "optik": optik, "draht": draht}


def staff(role: str = EDITOR, name: str = "red") -> tuple[Client, User]:
    user = User.objects.create_user(name, f"{name}@agentur.example", "x" * 16)
    grant_role(user, role)
    client = Client()
    sign_in(client, user)
    return client, user


# --- Pages and the back office ---------------------------------------------------------


def test_profile_form_on_the_portal_page(landscape: Any, after_commit: Any) -> None:
    office, _user = staff()
    optik = landscape["optik"]
    url = reverse("directory:organisation-edit", args=[optik.slug])
    with after_commit():
        data = form_data(office, optik, name="Jenaer Glaswerk GmbH", description="Glaskeramik.")
        assert office.post(url, data).status_code == 302
    assert names("Glaskeramik") == ["Jenaer Glaswerk GmbH"]
    assert_search_shows_the_database()


def test_admin_change_form(landscape: Any, after_commit: Any, admin_client: Client) -> None:
    draht = landscape["draht"]
    url = reverse("admin:directory_organisation_change", args=[draht.pk])
    with after_commit():
        data = submitted_form(admin_client.get(url))
        data["name"] = "Erfurter Federnwerk GmbH"
        data["sites-0-place"] = "Erfurt-Nord"
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
    assert names("Federnwerk") == ["Erfurter Federnwerk GmbH"]
    assert_search_shows_the_database()


@pytest.mark.parametrize("action", ["hide", "archive", "publish", "mark_verified_today"])
def test_admin_list_actions(
    landscape: Any, after_commit: Any, admin_client: Client, action: str
) -> None:
    with after_commit():
        hidden = make_org("Verborgene Gießerei GmbH", status=PublicationStatus.HIDDEN)
    index_all()
    chosen = [landscape["draht"], landscape["optik"], hidden]
    with after_commit():
        response = admin_client.post(
            reverse("admin:directory_organisation_changelist"),
            {"action": action, "_selected_action": [o.pk for o in chosen]},
        )
        assert response.status_code == 302
    found = set(names("GmbH"))
    if action == "publish":
        assert "Verborgene Gießerei GmbH" in found
    elif action in ("hide", "archive"):
        assert not found & {o.name for o in chosen}
    assert_search_shows_the_database()


def test_renaming_and_deleting_a_tag_in_the_back_office(
    landscape: Any, after_commit: Any, admin_client: Client
) -> None:
    tag = Tag.objects.get(name="Feinoptik")
    url = reverse("admin:directory_tag_change", args=[tag.pk])
    with after_commit():
        response = admin_client.post(url, {"name": "Mikrooptik", "slug": "mikrooptik"})
        assert response.status_code == 302
    assert names("Mikrooptik") == ["Jenaer Linsenwerk GmbH"]
    assert names("Feinoptik") == []
    assert_search_shows_the_database()

    with after_commit():
        response = admin_client.post(
            reverse("admin:directory_tag_delete", args=[tag.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
    assert names("Mikrooptik") == []
    assert_search_shows_the_database()


def test_renaming_a_technology_in_the_back_office(
    landscape: Any, after_commit: Any, admin_client: Client
) -> None:
    technology = Technology.objects.get(name="Laserschneiden")
    url = reverse("admin:classification_technology_change", args=[technology.pk])
    with after_commit():
        data = submitted_form(admin_client.get(url))
        data["name"] = "Wasserstrahlschneiden"
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
    assert names("Wasserstrahlschneiden") == ["Jenaer Linsenwerk GmbH"]
    assert_search_shows_the_database()


# --- Import, API ------------------------------------------------------------------------


def test_csv_import_of_new_and_hidden_organisations(landscape: Any, after_commit: Any) -> None:
    rows = [company(1, Firmenname="Gothaer Ventilbau GmbH"), company(2)]
    with after_commit():
        result = import_organisations(csv_file(rows), dry_run=False, source_detail="neu.csv")
        assert result.written, [e.reason for e in result.entries]
    assert names("Ventilbau") == ["Gothaer Ventilbau GmbH"]
    assert_search_shows_the_database()

    header = ["Agentur-ID", "Firmenname", "Veröffentlichung"]
    hide = [{"Agentur-ID": "LEG-0001", "Firmenname": "Gothaer Ventilbau GmbH"}]
    hide[0]["Veröffentlichung"] = "verborgen"
    with after_commit():
        result = import_organisations(
            csv_file(hide, header=header), dry_run=False, source_detail="verbergen.csv"
        )
        assert result.written, [e.reason for e in result.entries]
    assert Organisation.objects.get(name="Gothaer Ventilbau GmbH").status == "hidden"
    assert names("Ventilbau") == []
    assert services.search(SearchQuery(text="Ventilbau"), relax=False).total == 0
    assert_search_shows_the_database()


def test_profile_change_through_the_api(landscape: Any, after_commit: Any) -> None:
    office, _user = staff()
    with after_commit():
        response = office.patch(
            f"/api/v1/organisations/{landscape['draht'].slug}",
            {"name": "Erfurter Kettenwerk GmbH", "description": "Ketten und Federn."},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    assert names("Kettenwerk") == ["Erfurter Kettenwerk GmbH"]
    assert_search_shows_the_database()


# --- Commands ---------------------------------------------------------------------------


def test_check_profiles_command(landscape: Any, after_commit: Any, settings: Any) -> None:
    settings.PROFILE_HIDE_UNCONFIRMED_DAYS = 60
    today = timezone.localdate()
    days = settings.PROFILE_VERIFICATION_DAYS
    optik, draht = landscape["optik"], landscape["draht"]
    # Indexed while confirmed; then the confirmation lapsed two days ago.
    Organisation.objects.filter(pk=optik.pk).update(last_verified=today - datetime.timedelta(1))
    index_all()
    Organisation.objects.filter(pk=optik.pk).update(
        last_verified=today - datetime.timedelta(days + 2)
    )
    # Asked long ago and never answered: hidden by the check.
    Organisation.objects.filter(pk=draht.pk).update(
        last_verified=None,
        reverification_sent=timezone.now()
        - datetime.timedelta(days=settings.PROFILE_HIDE_UNCONFIRMED_DAYS + 1),
    )
    with after_commit():
        call_command("check_profiles", stdout=io.StringIO())
    assert names("Federn") == []
    assert_search_shows_the_database()


def test_apply_retention_command(landscape: Any, after_commit: Any) -> None:
    old = User.objects.create_user("alt@x.de", "alt@x.de", is_active=False)
    Account.objects.create(user=old)
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - datetime.timedelta(400))
    with after_commit():
        call_command("apply_retention", stdout=io.StringIO())
    assert not User.objects.filter(pk=old.pk).exists()
    assert_search_shows_the_database()


def test_generate_demo_data_command_and_its_delete(landscape: Any, after_commit: Any) -> None:
    with after_commit():
        call_command("generate_demo_data", "--count", "20", "--no-progress", stdout=io.StringIO())
    assert Organisation.objects.filter(source="generated").count() == 20
    assert_search_shows_the_database()

    # A generated network's members lose it from their network facet.
    generated_network = Organisation.objects.filter(
        source="generated", kind__in=[OrganisationKind.NETWORK, OrganisationKind.CLUSTER]
    ).first()
    if generated_network is not None:
        with after_commit():
            landscape["draht"].memberships.create(network=generated_network)
    index_all()
    with after_commit():
        call_command("generate_demo_data", "--delete", "--no-progress", stdout=io.StringIO())
    assert not Organisation.objects.filter(source="generated").exists()
    assert_search_shows_the_database()


# --- Accounts and privacy ---------------------------------------------------------------


def test_account_deletion(landscape: Any, after_commit: Any) -> None:
    password = "Werkbank-Fräse-2026"
    user = User.objects.create_user("mia@linsenwerk.example", "mia@linsenwerk.example", password)
    Account.objects.create(user=user, email_verified_at=timezone.now())
    grant_editor(user, landscape["optik"], "domain")
    client = Client()
    sign_in(client, user)
    with after_commit():
        assert client.post(reverse("accounts:delete"), {"password": password}).status_code == 302
    assert_search_shows_the_database()


def test_contact_erasure(landscape: Any, after_commit: Any, admin_client: Client) -> None:
    optik = landscape["optik"]
    with after_commit():
        OfferingFactory(organisation=optik, name="Objektive")
    index_all()
    contact = ContactPerson.objects.get(organisation=optik)
    with after_commit():
        admin_client.post(
            reverse("admin:directory_contactperson_changelist"),
            {"action": "erase", "_selected_action": [contact.pk]},
        )
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()
    assert_search_shows_the_database()


def test_accepted_claim_and_change_request(
    landscape: Any, after_commit: Any, settings: Any
) -> None:
    office, reviewer = staff()
    member = User.objects.create_user("ina@drahtwerk.example", "ina@drahtwerk.example")
    draht = landscape["draht"]
    claim = Claim.objects.create(user=member, organisation=draht, method="review", message="Ich")
    with after_commit():
        decide_claim(None, claim, reviewer, accept=True)
    assert_search_shows_the_database()

    request = ChangeRequest.objects.create(
        organisation=draht, kind="edit", author=member, changes={"name": "Erfurter Drahtzug GmbH"}
    )
    with after_commit():
        office.post(
            reverse("admin:directory_changerequest_changelist"),
            {"action": "accept", "_selected_action": [request.pk]},
        )
    assert names("Drahtzug") == ["Erfurter Drahtzug GmbH"]
    assert_search_shows_the_database()


# --- The check itself -------------------------------------------------------------------


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


def test_check_command_reports_drift_and_repairs_it(
    engine_name: str, settings: Any, english: Any
) -> None:
    kept = make_org("Saalfelder Feinguss GmbH", offerings=["Feinguss"])
    changed = make_org("Rudolstädter Porzellan GmbH", offerings=["Geschirr"])
    gone = make_org("Geraer Textil GmbH")
    index_all()
    # Writes that reached the database but not the index.
    settings.SEARCH_AUTO_UPDATE = False
    new = make_org("Weimarer Buchbinderei GmbH")
    OfferingFactory(organisation=changed, name="Isolatoren")
    Organisation.objects.filter(pk=gone.pk).update(status=PublicationStatus.HIDDEN)

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check_search_index", "--no-progress", stdout=out)
    assert failed.value.returncode == 1
    assert "--repair" in str(failed.value)
    report = out.getvalue()
    assert "3 published organisations, 3 documents" in report
    assert f"Missing (published, not in the index): 1 ({new.pk})" in report
    assert f"Stale (indexed with other content than the database's): 1 ({changed.pk})" in report
    assert f"Extra (in the index, not published): 1 ({gone.pk})" in report
    assert "Vectors: 3 organisation vectors." in report
    assert f"Vectors missing (published, no vector): 1 ({new.pk})" in report
    assert f"Vectors stale (made of other texts or another model): 1 ({changed.pk})" in report
    assert f"Vectors extra (not published): 1 ({gone.pk})" in report
    assert names("Isolatoren") == []

    out = io.StringIO()
    call_command("check_search_index", "--repair", "--no-progress", stdout=out)
    assert "Repaired: 3 organisations" in out.getvalue()
    assert names("Isolatoren") == ["Rudolstädter Porzellan GmbH"]
    assert names("Buchbinderei") == ["Weimarer Buchbinderei GmbH"]
    assert names("Textil") == []
    assert kept.pk in {i.organisation.pk for i in services.search(SearchQuery()).items}

    out = io.StringIO()
    call_command("check_search_index", "--no-progress", stdout=out)
    assert "The search index matches the database." in out.getvalue()


def test_an_update_naming_more_organisations_than_a_query_takes_parameters(
    engine_name: str, after_commit: Any
) -> None:
    """An import or a generator run names many organisations at once: more than SQLite
    (250,000 here) or PostgreSQL (65,535) take as parameters of one query."""
    with after_commit():
        kept = make_org("Ilmenauer Messtechnik GmbH", place="ilmenau")
    index_all()
    Organisation.objects.filter(pk=kept.pk).update(name="Ilmenauer Sensorik GmbH")
    services.index_organisations([kept.pk, *range(kept.pk + 1, kept.pk + 260_000)])
    assert names("Sensorik") == ["Ilmenauer Sensorik GmbH"]
    assert consistency.check().clean


def test_an_index_of_an_earlier_version_is_reported_and_rebuilt_by_the_repair(
    engine_name: str, settings: Any, english: Any
) -> None:
    if engine_name != "tantivy":
        pytest.skip("only the Tantivy index has schema versions of its own")
    make_org("Sonneberger Spielwaren GmbH")
    old = settings.SEARCH_INDEX_DIR / "20250101000000-0000000a-v1"
    old.mkdir(parents=True)
    (settings.SEARCH_INDEX_DIR / "CURRENT").write_text(old.name)

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check_search_index", "--no-progress", stdout=out)
    assert failed.value.returncode == 1
    assert "rebuild_search_index" in out.getvalue()

    call_command("check_search_index", "--repair", "--no-progress", stdout=io.StringIO())
    assert names("Spielwaren") == ["Sonneberger Spielwaren GmbH"]
    assert consistency.check().clean


def test_renaming_a_district_and_deleting_a_growth_field(landscape: Any, after_commit: Any) -> None:
    from classification.models import GrowthField
    from geo.models import District

    growth = GrowthField.objects.order_by("pk").first()
    assert growth is not None
    with after_commit():
        landscape["draht"].growth_fields.add(growth)
    district = District.objects.get(ags="16051")  # Erfurt, where the Drahtwerk is
    with after_commit():
        district.name = "Landeshauptstadt Erfordia"
        district.save()
    assert names("Erfordia") == ["Erfurter Drahtwerk GmbH"]
    assert_search_shows_the_database()

    with after_commit():
        growth.delete()
    query = SearchQuery(filters={"growth": [str(growth.pk)]})
    assert services.search(query, relax=False).total == 0
    assert_search_shows_the_database()
