"""Staff maintain network profiles in the back office; every change is in the history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR, EXPERT
from accounts.services import grant_role
from core.testing import sign_in
from directory.tests.factories import ContactPersonFactory, OrganisationFactory
from directory.tests.test_admin import submitted_form
from networks.models import NetworkProfile
from networks.tests.factories import NetworkFactory, NetworkProfileFactory

pytestmark = pytest.mark.django_db


def staff_client(role: str, username: str) -> tuple[Client, User]:
    user = User.objects.create_user(username, f"{username}@example.org", "x" * 16)
    grant_role(user, role)
    client = Client()
    sign_in(client, user)
    return client, user


def profile_form(profile: NetworkProfile, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organisation": profile.organisation_id,
        "carrier": profile.carrier_id or "",
        "mission": profile.mission,
        "goals": profile.goals,
        "focus_topics": profile.focus_topics,
        "services": profile.services,
    }
    data.update(changes)
    return data


def test_an_editor_changes_a_profile_and_the_history_names_them() -> None:
    client, user = staff_client(EDITOR, "redakteurin")
    profile = NetworkProfileFactory.create()
    carrier = OrganisationFactory.create(name="Trägerverein Kunststoff e. V.")
    url = reverse("admin:networks_networkprofile_change", args=[profile.pk])

    response = client.post(url, profile_form(profile, mission="Neue Mission", carrier=carrier.pk))

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.mission == "Neue Mission"
    assert profile.carrier == carrier
    latest = profile.history.latest()
    assert latest.history_user == user
    assert latest.mission == "Neue Mission"
    history = client.get(reverse("admin:networks_networkprofile_history", args=[profile.pk]))
    assert "redakteurin" in history.content.decode()


def test_the_profile_page_in_the_back_office_names_the_networks_contacts() -> None:
    client, _user = staff_client(EDITOR, "redakteur")
    profile = NetworkProfileFactory.create()
    ContactPersonFactory.create(organisation=profile.organisation, last_name="Clustermanagerin")

    page = client.get(reverse("admin:networks_networkprofile_change", args=[profile.pk]))

    text = page.content.decode()
    assert "Clustermanagerin" in text
    assert reverse("admin:directory_organisation_change", args=[profile.organisation_id]) in text


def test_only_a_network_or_cluster_gets_a_profile() -> None:
    client, _user = staff_client(EDITOR, "redakteur")
    company = OrganisationFactory.create()

    response = client.post(
        reverse("admin:networks_networkprofile_add"),
        {
            "organisation": company.pk,
            "mission": "x",
            "goals": "",
            "focus_topics": "",
            "services": "",
            "carrier": "",
        },
    )

    assert response.status_code == 200
    assert not NetworkProfile.objects.exists()
    network = NetworkFactory.create()
    response = client.post(
        reverse("admin:networks_networkprofile_add"),
        {
            "organisation": network.pk,
            "mission": "x",
            "goals": "",
            "focus_topics": "",
            "services": "",
            "carrier": "",
        },
    )
    assert response.status_code == 302
    assert NetworkProfile.objects.get().organisation == network


def test_an_expert_reads_profiles_but_cannot_change_them() -> None:
    client, _user = staff_client(EXPERT, "expertin")
    profile = NetworkProfileFactory.create()
    url = reverse("admin:networks_networkprofile_change", args=[profile.pk])

    assert client.get(url).status_code == 200
    client.post(url, profile_form(profile, mission="Geändert"))

    profile.refresh_from_db()
    assert profile.mission != "Geändert"


def test_a_networks_organisation_page_edits_its_profile_beside_contacts_and_members() -> None:
    client, user = staff_client(EDITOR, "redakteurin")
    network = NetworkFactory.create(name="Netzwerk mit Profil")
    ContactPersonFactory.create(organisation=network, last_name="Clustermanagerin")
    company = OrganisationFactory.create()
    url = reverse("admin:directory_organisation_change", args=[network.pk])

    page = client.get(url)
    prefixes = [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]
    assert "network_profile" in prefixes and "contacts" in prefixes
    company_page = client.get(reverse("admin:directory_organisation_change", args=[company.pk]))
    assert "network_profile" not in [
        inline.formset.prefix for inline in company_page.context["inline_admin_formsets"]
    ]

    data = submitted_form(page)
    data["network_profile-0-mission"] = "Im Backoffice geschrieben"
    data["network_profile-0-focus_topics"] = "Photonik"
    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    profile = NetworkProfile.objects.get(organisation=network)
    assert profile.mission == "Im Backoffice geschrieben"
    assert profile.history.latest().history_user == user
