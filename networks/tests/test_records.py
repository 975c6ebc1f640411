"""Working groups, projects and partner clusters: what visitors see on a network's page
and how its managers keep them (docs/networks.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import OrganisationEditor
from core.testing import sign_in
from directory.choices import PublicationStatus, Visibility
from directory.models import ContactPerson, Membership
from directory.tests.factories import OrganisationFactory
from networks.models import NetworkProject, PartnerCluster, WorkingGroup
from networks.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def page(client: Client, network: Any) -> str:
    response = client.get(reverse("networks:detail", args=[network.slug]))
    assert response.status_code == 200
    return response.content.decode()


def member(network: Any, name: str, **kwargs: Any) -> Any:
    organisation = OrganisationFactory.create(name=name, **kwargs)
    Membership.objects.create(network=network, organisation=organisation)
    return organisation


def manager_of(network: Any, name: str = "managerin") -> User:
    user = User.objects.create_user(name, f"{name}@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=user, organisation=network, via="staff")
    return user


def test_a_working_group_shows_its_published_members_and_the_contact_one_may_see(
    client: Client,
) -> None:
    network = NetworkFactory.create(name="Optonet e. V.")
    shown = member(network, "Lichtwerk GmbH")
    hidden = member(network, "Verborgen GmbH", status=PublicationStatus.HIDDEN)
    contact = ContactPerson.objects.create(
        organisation=network, first_name="Ina", last_name="Lux", visibility=Visibility.STAFF
    )
    group = WorkingGroup.objects.create(
        network=network,
        name="AG Lasertechnik",
        topic="Ultrakurzpulslaser in der Fertigung",
        meetings="vierteljährlich",
        contact=contact,
    )
    group.members.set([shown, hidden])

    html = page(client, network)
    assert "AG Lasertechnik" in html and "Ultrakurzpulslaser in der Fertigung" in html
    assert "vierteljährlich" in html
    assert "Lichtwerk GmbH" in html and "Verborgen GmbH" not in html
    assert "Ina Lux" not in html  # a staff-only contact stays hidden from visitors

    contact.visibility = Visibility.PUBLIC
    contact.save()
    assert "Ina Lux" in page(client, network)


def test_projects_show_running_first_with_published_partners(client: Client) -> None:
    network = NetworkFactory.create()
    partner = member(network, "Partner Werk AG")
    draft = member(network, "Entwurf GmbH", status=PublicationStatus.DRAFT)
    done = NetworkProject.objects.create(
        network=network, title="Abgeschlossen 2019", summary="Alt.", status="completed"
    )
    running = NetworkProject.objects.create(
        network=network,
        title="Wasserstoffregion Ost",
        summary="Elektrolyseure für den Mittelstand.",
        status="running",
        start_year=2024,
        end_year=2027,
        funding="EFRE Thüringen",
    )
    running.partners.set([partner, draft])
    html = page(client, network)
    assert html.index("Wasserstoffregion Ost") < html.index("Abgeschlossen 2019")
    assert "2024–2027" in html and "EFRE Thüringen" in html
    assert "Partner Werk AG" in html and "Entwurf GmbH" not in html
    assert done.title in html


def test_a_partner_cluster_shows_on_both_sides_once(client: Client) -> None:
    ours = NetworkFactory.create(name="Automotive Thüringen e. V.")
    theirs = NetworkFactory.create(name="Mobilitätscluster Sachsen")
    hidden = NetworkFactory.create(name="Verborgenes Netz", status=PublicationStatus.HIDDEN)
    PartnerCluster.objects.create(network=ours, partner=theirs, cooperation="projects", since=2021)
    PartnerCluster.objects.create(network=ours, partner=hidden, cooperation="events")
    PartnerCluster.objects.create(
        network=ours,
        partner_name="Cluster Automobile Occitanie",
        partner_location="Toulouse, Frankreich",
        partner_url="https://occitanie.example",
        cooperation="international",
    )

    html = page(client, ours)
    assert "Mobilitätscluster Sachsen" in html and "seit 2021" in html
    assert "Cluster Automobile Occitanie" in html and "Toulouse, Frankreich" in html
    assert "außerhalb der Region" in html and "https://occitanie.example" in html
    assert "Verborgenes Netz" not in html

    # The partner's page shows the cooperation too, though it recorded nothing itself.
    other = page(client, theirs)
    assert "Automotive Thüringen e. V." in other and "Gemeinsame Projekte" in other
    # Recorded by both: still one entry on each page.
    PartnerCluster.objects.create(network=theirs, partner=ours, cooperation="projects")
    assert page(client, theirs).count("Automotive Thüringen e. V.</a></h3>") == 1
    assert page(client, ours).count("Mobilitätscluster Sachsen</a></h3>") == 1


def test_the_manager_adds_edits_and_deletes_a_working_group_with_history(client: Client) -> None:
    network = NetworkFactory.create()
    inside = member(network, "Mitglied GmbH")
    outsider = OrganisationFactory.create(name="Kein Mitglied GmbH")
    manager = manager_of(network)
    sign_in(client, manager)
    add = reverse("networks:record-add", args=[network.slug, "arbeitsgruppen"])
    form = client.get(add)
    assert form.status_code == 200
    assert "Mitglied GmbH" in form.content.decode()
    assert "Kein Mitglied GmbH" not in form.content.decode()

    refused = client.post(add, {"name": "AG Recycling", "order": "0", "members": [outsider.pk]})
    assert refused.status_code == 200 and not WorkingGroup.objects.exists()
    assert f"{outsider.pk} ist keine gültige Auswahl" in refused.content.decode()

    saved = client.post(
        add,
        {"name": "AG Recycling", "topic": "Rezyklate", "order": "0", "members": [inside.pk]},
    )
    assert saved.status_code == 302 and saved["Location"].endswith("#working-groups")
    group = WorkingGroup.objects.get()
    assert list(group.members.all()) == [inside]
    assert {entry.history_user for entry in group.history.all()} == {manager}

    twice = client.post(add, {"name": "ag recycling", "order": "0"})
    assert "bereits eine Arbeitsgruppe" in twice.content.decode()

    edit = reverse("networks:record-edit", args=[network.slug, "arbeitsgruppen", group.pk])
    client.post(edit, {"name": "AG Kreislaufwirtschaft", "order": "1", "members": []})
    group.refresh_from_db()
    assert group.name == "AG Kreislaufwirtschaft"
    assert group.history.first().history_user == manager

    delete = reverse("networks:record-delete", args=[network.slug, "arbeitsgruppen", group.pk])
    assert "AG Kreislaufwirtschaft" in client.get(delete).content.decode()
    client.post(delete)
    assert not WorkingGroup.objects.exists()
    assert WorkingGroup.history.filter(history_type="-").get().history_user == manager


def test_only_the_networks_own_managers_and_staff_change_its_records(
    client: Client, admin_user: User
) -> None:
    network = NetworkFactory.create()
    other = NetworkFactory.create()
    group = WorkingGroup.objects.create(network=network, name="AG Eins")
    foreign_group = WorkingGroup.objects.create(network=other, name="AG Fremd")
    add = reverse("networks:record-add", args=[network.slug, "projekte"])

    anonymous = client.get(add)
    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]

    sign_in(client, manager_of(other, "fremd"))
    assert client.get(add).status_code == 404
    edit = reverse("networks:record-edit", args=[network.slug, "arbeitsgruppen", group.pk])
    assert client.post(edit, {"name": "Übernommen", "order": "0"}).status_code == 404
    group.refresh_from_db()
    assert group.name == "AG Eins"

    sign_in(client, manager_of(network, "eigen"))
    # Another network's record under this network's address is not found.
    wrong = reverse("networks:record-edit", args=[network.slug, "arbeitsgruppen", foreign_group.pk])
    assert client.get(wrong).status_code == 404
    assert (
        client.get(reverse("networks:record-add", args=[network.slug, "unsinn"])).status_code == 404
    )

    sign_in(client, admin_user)
    response = client.post(
        add, {"title": "Staff-Projekt", "summary": "Von der Agentur.", "status": "planned"}
    )
    assert response.status_code == 302
    assert NetworkProject.objects.filter(network=network, title="Staff-Projekt").exists()


def test_the_partner_form_says_what_is_missing_and_refuses_a_second_record(client: Client) -> None:
    network = NetworkFactory.create()
    partner = NetworkFactory.create(name="Partnernetz e. V.")
    company = OrganisationFactory.create(name="Firma statt Cluster GmbH")
    sign_in(client, manager_of(network))
    add = reverse("networks:record-add", args=[network.slug, "partner"])
    form = client.get(add).content.decode()
    assert "Partnernetz e. V." in form and "Firma statt Cluster GmbH" not in form

    empty = client.post(add, {"cooperation": "strategic"})
    assert (
        "Wählen Sie einen Partner aus dem Verzeichnis oder nennen Sie ihn."
        in empty.content.decode()
    )
    not_a_cluster = client.post(add, {"partner": company.pk, "cooperation": "strategic"})
    assert not_a_cluster.status_code == 200 and not PartnerCluster.objects.exists()

    client.post(add, {"partner": partner.pk, "cooperation": "mou", "since": "2020"})
    record = PartnerCluster.objects.get()
    assert record.in_region and record.partner == partner
    again = client.post(add, {"partner": partner.pk, "cooperation": "events"})
    assert "bereits erfasst" in again.content.decode()
    assert PartnerCluster.objects.count() == 1

    # The partner's managers see it but cannot change the other side's record.
    sign_in(client, manager_of(partner, "partnerin"))
    html = page(client, partner)
    assert "Vom Partnercluster eingetragen." in html
    edit = reverse("networks:record-edit", args=[partner.slug, "partner", record.pk])
    assert client.get(edit).status_code == 404


def test_working_groups_and_projects_are_found_by_the_search(
    client: Client, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from search.content import ContentQuery, search_content

    settings.SEARCH_INDEX_DIR = tmp_path / "index"

    def found(text: str) -> set[int]:
        query = ContentQuery(type="network", text=text, page_size=50)
        return {hit.id for hit in search_content(query).hits}

    with django_capture_on_commit_callbacks(execute=True):
        network = NetworkFactory.create(name="Kunststoffnetz e. V.")
    sign_in(client, manager_of(network))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("networks:record-add", args=[network.slug, "arbeitsgruppen"]),
            {"name": "AG Biopolymere", "order": "0"},
        )
        client.post(
            reverse("networks:record-add", args=[network.slug, "projekte"]),
            {"title": "Rezyklatbörse", "summary": "Ein Marktplatz.", "status": "running"},
        )
    assert found("Biopolymere") == {network.pk} == found("Rezyklatbörse")
    group = WorkingGroup.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("networks:record-delete", args=[network.slug, "arbeitsgruppen", group.pk])
        )
    assert found("Biopolymere") == set()


def test_the_history_shows_managers_every_change_and_who_made_it(
    client: Client, admin_user: User
) -> None:
    network = NetworkFactory.create()
    manager = manager_of(network)
    sign_in(client, manager)
    add = reverse("networks:record-add", args=[network.slug, "arbeitsgruppen"])
    client.post(add, {"name": "AG Sensorik", "order": "0"})
    group = WorkingGroup.objects.get()
    edit = reverse("networks:record-edit", args=[network.slug, "arbeitsgruppen", group.pk])
    client.post(edit, {"name": "AG Sensorik", "topic": "MEMS", "order": "0"})
    # Staff change the same group in the back office.
    staff = Client()
    staff.force_login(admin_user)
    with_staff = WorkingGroup.objects.get()
    with_staff.meetings = "monatlich"
    with_staff._history_user = admin_user  # type: ignore[attr-defined]
    with_staff.save()
    client.post(reverse("networks:record-delete", args=[network.slug, "arbeitsgruppen", group.pk]))

    history = reverse("networks:history", args=[network.slug])
    page = client.get(history)
    assert page.status_code == 200
    rows = [
        (change.action, change.fields, change.who)
        for change in page.context["changes"]
        if change.title == "AG Sensorik"
    ]
    assert rows[0] == ("deleted", [], "Sie")
    assert ("changed", ["Treffen"], "Mitarbeitende der Agentur") in rows
    assert ("changed", ["Thema"], "Sie") in rows
    assert rows[-1] == ("created", [], "Sie")
    assert "Arbeitsgruppe: AG Sensorik" in page.content.decode()

    sign_in(client, manager_of(NetworkFactory.create(), "andere"))
    assert client.get(history).status_code == 404
    client.logout()
    assert client.get(history).status_code == 302


def test_the_history_costs_the_same_queries_for_few_and_many_changes(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    network = NetworkFactory.create()
    partner = NetworkFactory.create(name="Partner im Verlauf e. V.")
    sign_in(client, manager_of(network))
    group = WorkingGroup.objects.create(network=network, name="AG Eins")
    PartnerCluster.objects.create(network=network, partner=partner)
    history = reverse("networks:history", args=[network.slug])
    client.get(history)
    with CaptureQueriesContext(connection) as few:
        client.get(history)
    for n in range(15):
        group.topic = f"Thema {n}"
        group.save()
        NetworkProject.objects.create(network=network, title=f"Projekt {n}", summary=".")
    with CaptureQueriesContext(connection) as many:
        page = client.get(history)
    assert len(many) == len(few)
    changes = page.context["changes"]
    assert next(c.fields for c in changes if c.title == "AG Eins" and c.action == "changed") == [
        "Thema"
    ]
    assert any(c.title == "Partner im Verlauf e. V." for c in changes)
    group.members.add(member(network, "Neues Mitglied GmbH"))
    newest = client.get(history).context["changes"][0]
    assert (newest.title, newest.fields) == ("AG Eins", ["Mitgliedsorganisationen"])
