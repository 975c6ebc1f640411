"""Organisation editors and network managers maintain their profiles; visitors suggest
corrections; staff review what needs review. Through real requests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR
from accounts.services import grant_editor, grant_role
from classification.models import WzCode
from core.testing import sign_in
from directory.models import ChangeRequest, ContactPerson, Membership, Organisation, Site
from directory.tests.factories import ContactPersonFactory, OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation() -> Any:
    org = OrganisationFactory.create(name="Saale Optik GmbH", phone="03641 1")
    org.primary_wz = WzCode.objects.get(version="2008", code="26.70.0")
    org.save()
    SiteFactory.create(organisation=org, postal_code="07743", place="Jena", is_primary=True)
    return org


@pytest.fixture
def owner(django_user_model: Any, organisation: Any) -> Any:
    user = django_user_model.objects.create_user("ina@saale-optik.de", "ina@saale-optik.de")
    grant_editor(user, organisation, "domain")
    return user


@pytest.fixture
def ina(client: Client, owner: Any) -> Client:
    sign_in(client, owner)
    return client


@pytest.fixture
def office(django_user_model: Any) -> Client:
    staff = django_user_model.objects.create_user("red@agentur.example", "red@agentur.example")
    grant_role(staff, EDITOR)
    client = Client()
    sign_in(client, staff)
    return client


def edit_url(org: Any) -> str:
    return reverse("directory:organisation-edit", args=[org.slug])


def form_data(client: Client, org: Any, **changes: Any) -> dict[str, Any]:
    form = client.get(edit_url(org)).context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            value = ""
        if isinstance(value, list):
            value = [str(v) for v in value]
        data[name] = value
    data.update(changes)
    return data


def test_an_editor_changes_plain_fields_at_once_with_history(
    ina: Client, owner: Any, organisation: Any
) -> None:
    response = ina.post(
        edit_url(organisation),
        form_data(ina, organisation, phone="03641 999", description="Linsen und Optiken."),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.phone == "03641 999"
    assert organisation.description == "Linsen und Optiken."
    latest = organisation.history.latest()
    assert latest.history_user == owner
    assert "gespeichert" in ina.get(edit_url(organisation)).content.decode()


def test_name_and_wz_changes_wait_for_review_and_apply_with_their_author(
    ina: Client, owner: Any, organisation: Any, office: Client
) -> None:
    response = ina.post(
        edit_url(organisation),
        form_data(
            ina,
            organisation,
            name="Saale Photonik GmbH",
            primary_wz_code="26.51",
            secondary_wz_codes="27.90.0",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.name == "Saale Optik GmbH"
    assert organisation.primary_wz.code == "26.70.0"
    request = ChangeRequest.objects.get()
    assert request.kind == "edit" and request.status == "pending"
    assert request.changes == {
        "name": "Saale Photonik GmbH",
        "primary_wz": "26.51",
        "secondary_wz": ["27.90.0"],
    }
    assert request.current["name"] == "Saale Optik GmbH"
    page = ina.get(edit_url(organisation)).content.decode()
    assert "Saale Photonik GmbH" in page  # listed as waiting

    changelist = reverse("admin:directory_changerequest_changelist")
    assert "Saale Photonik" in office.get(changelist).content.decode()
    office.post(changelist, {"action": "accept", "_selected_action": [request.pk]})
    organisation.refresh_from_db()
    assert organisation.name == "Saale Photonik GmbH"
    assert organisation.primary_wz.code == "26.51"
    assert [w.code for w in organisation.secondary_wz.all()] == ["27.90.0"]
    assert organisation.history.latest().history_user == owner
    request.refresh_from_db()
    assert request.status == "accepted"


def test_without_review_settings_a_name_change_applies_at_once(
    ina: Client, organisation: Any, settings: Any
) -> None:
    settings.PROFILE_REVIEWED_FIELDS = []
    ina.post(edit_url(organisation), form_data(ina, organisation, name="Saale Photonik GmbH"))
    organisation.refresh_from_db()
    assert organisation.name == "Saale Photonik GmbH"
    assert not ChangeRequest.objects.exists()


def test_an_unknown_wz_code_is_named_and_nothing_is_saved(ina: Client, organisation: Any) -> None:
    response = ina.post(
        edit_url(organisation),
        form_data(ina, organisation, phone="0000", secondary_wz_codes="27.90.0, 99.99.9"),
    )
    assert response.status_code == 400
    assert "99.99.9" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.phone == "03641 1"
    assert not ChangeRequest.objects.exists()


def test_an_editor_manages_contacts_of_their_organisation_only(
    ina: Client, organisation: Any
) -> None:
    add = reverse("directory:contact-add", args=[organisation.slug])
    bad = ina.post(add, {"last_name": "", "visibility": "public", "email": "kein"})
    assert bad.status_code == 400
    assert not ContactPerson.objects.exists()
    ina.post(
        add,
        {
            "first_name": "Ina",
            "last_name": "Keller",
            "email": "ina@saale-optik.de",
            "visibility": "registered",
        },
    )
    contact = ContactPerson.objects.get()
    assert contact.organisation == organisation
    edit = reverse("directory:contact-edit", args=[organisation.slug, contact.pk])
    ina.post(edit, {"first_name": "Ina", "last_name": "Keller-Berg", "visibility": "public"})
    contact.refresh_from_db()
    assert contact.last_name == "Keller-Berg"

    foreign = ContactPersonFactory.create(organisation=OrganisationFactory.create())
    other_org = foreign.organisation
    assert (
        ina.get(reverse("directory:contact-edit", args=[other_org.slug, foreign.pk])).status_code
        == 404
    )
    # Not through one's own organisation's address either.
    assert (
        ina.get(reverse("directory:contact-edit", args=[organisation.slug, foreign.pk])).status_code
        == 404
    )
    assert (
        ina.post(
            reverse("directory:contact-delete", args=[organisation.slug, foreign.pk])
        ).status_code
        == 404
    )
    assert ContactPerson.objects.filter(pk=foreign.pk).exists()

    ina.post(reverse("directory:contact-delete", args=[organisation.slug, contact.pk]))
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()


def test_a_new_site_waits_for_review_and_is_geocoded_when_accepted(
    ina: Client, organisation: Any, office: Client
) -> None:
    add = reverse("directory:site-add", args=[organisation.slug])
    invalid = ina.post(add, {"kind": "branch", "postal_code": "9908", "place": "Erfurt"})
    assert invalid.status_code == 400
    assert "fünf Ziffern" in invalid.content.decode()
    ina.post(
        add, {"kind": "branch", "street": "Anger 1", "postal_code": "99084", "place": "Erfurt"}
    )
    assert organisation.sites.count() == 1
    request = ChangeRequest.objects.get()
    assert request.changes["site"]["postal_code"] == "99084"
    office.post(
        reverse("admin:directory_changerequest_changelist"),
        {"action": "accept", "_selected_action": [request.pk]},
    )
    site = Site.objects.get(organisation=organisation, postal_code="99084")
    assert not site.is_primary
    assert site.latitude is not None and site.district is not None
    assert site.district.name.startswith("Erfurt")


def test_a_network_manager_maintains_members_a_company_editor_cannot(
    django_user_model: Any, ina: Client, organisation: Any
) -> None:
    network = OrganisationFactory.create(name="Optonet e.V.", kind="network")
    manager = django_user_model.objects.create_user("nm@optonet.de", "nm@optonet.de")
    grant_editor(manager, network, "review")
    client = Client()
    sign_in(client, manager)
    add = reverse("directory:member-add", args=[network.slug])
    client.post(add, {"member": "saale optik gmbh"})
    membership = Membership.objects.get(network=network)
    assert membership.organisation == organisation
    missing = client.post(add, {"member": "Gibt es nicht"}, follow=True)
    assert "Gibt es nicht" in missing.content.decode()

    # The company's editor may not touch the network's members, nor the network.
    assert ina.post(add, {"member": "Saale Optik GmbH"}).status_code == 404
    assert ina.get(edit_url(network)).status_code == 404
    assert (
        ina.post(
            reverse("directory:member-add", args=[organisation.slug]), {"member": "x"}
        ).status_code
        == 404
    )

    client.post(reverse("directory:member-remove", args=[network.slug, membership.pk]))
    assert not Membership.objects.exists()


def test_visitors_suggest_corrections_that_staff_decide(
    client: Client, organisation: Any, office: Client
) -> None:
    url = reverse("directory:correction", args=[organisation.slug])
    assert url in client.get(organisation.get_absolute_url()).content.decode()
    empty = client.post(url, {"message": ""})
    assert empty.status_code == 400
    sent = client.post(
        url, {"message": "Die Telefonnummer ist veraltet.", "email": "x@example.org"}
    )
    assert sent.status_code == 302
    correction = ChangeRequest.objects.get()
    assert correction.kind == "correction" and correction.author is None
    assert correction.author_email == "x@example.org"
    changelist = reverse("admin:directory_changerequest_changelist")
    assert "Telefonnummer ist veraltet" in office.get(changelist).content.decode()
    office.post(changelist, {"action": "reject", "_selected_action": [correction.pk]})
    correction.refresh_from_db()
    assert correction.status == "rejected"


def test_strangers_get_no_edit_page_and_visitors_are_sent_to_login(
    client: Client, organisation: Any, django_user_model: Any
) -> None:
    anonymous = client.get(edit_url(organisation))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    stranger = django_user_model.objects.create_user("s@example.org", "s@example.org")
    sign_in(client, stranger)
    assert client.get(edit_url(organisation)).status_code == 404
    assert client.post(edit_url(organisation), {"name": "Gekapert"}).status_code == 404
    assert Organisation.objects.get(pk=organisation.pk).name == "Saale Optik GmbH"


def test_removing_a_site_waits_for_review_where_addresses_are_reviewed(
    ina: Client, organisation: Any, office: Client
) -> None:
    branch = SiteFactory.create(
        organisation=organisation, postal_code="99084", place="Erfurt", is_primary=False
    )
    ina.post(reverse("directory:site-delete", args=[organisation.slug, branch.pk]))
    assert Site.objects.filter(pk=branch.pk).exists()
    request = ChangeRequest.objects.get()
    assert request.changes["site"]["delete"] is True
    office.post(
        reverse("admin:directory_changerequest_changelist"),
        {"action": "accept", "_selected_action": [request.pk]},
    )
    assert not Site.objects.filter(pk=branch.pk).exists()
    assert organisation.sites.count() == 1


def test_corrections_from_one_client_are_limited_per_hour(
    client: Client, organisation: Any, settings: Any
) -> None:
    settings.CORRECTIONS_PER_HOUR = 2
    url = reverse("directory:correction", args=[organisation.slug])
    for n in range(2):
        assert client.post(url, {"message": f"Hinweis {n}"}).status_code == 302
    refused = client.post(url, {"message": "Noch einer"})
    assert refused.status_code == 429
    assert "Bitte warten Sie" in refused.content.decode()
    api = client.post(
        f"/api/v1/organisations/{organisation.slug}/corrections",
        {"message": "Per API"},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert ChangeRequest.objects.count() == 2
    # Another client is not affected.
    assert Client(REMOTE_ADDR="192.0.2.44").post(url, {"message": "Anderer"}).status_code == 302
