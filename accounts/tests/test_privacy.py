"""Consents, the data download, deleting an account, erasing contacts, retention,
and the privacy policy that staff maintain."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Account, Claim, ConsentRecord, OrganisationEditor, PrivacyPolicy
from accounts.privacy import apply_retention
from accounts.roles import EDITOR
from accounts.services import grant_editor, grant_role
from core.testing import sign_in
from directory.models import ChangeRequest, ContactPerson, Organisation
from directory.tests.factories import ContactPersonFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Werkbank-Fräse-2026"


@pytest.fixture
def member(django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user(
        "mia@beispiel.de", "mia@beispiel.de", PASSWORD, first_name="Mia", last_name="Roth"
    )
    Account.objects.create(user=user, email_verified_at=timezone.now())
    return user


@pytest.fixture
def mia(client: Client, member: Any) -> Client:
    sign_in(client, member)
    return client


def test_optional_consents_are_given_and_withdrawn_as_new_records(mia: Client, member: Any) -> None:
    mia.post(reverse("accounts:consents"), {"newsletter": "on"})
    mia.post(reverse("accounts:consents"), {})
    records = list(ConsentRecord.objects.filter(user=member).order_by("created", "pk"))
    assert [(r.purpose, r.granted) for r in records] == [
        ("newsletter", True),
        ("newsletter", False),
    ]
    assert all(r.source == "account page" and r.text and r.text_version for r in records)
    page = mia.get(reverse("accounts:account")).content.decode()
    assert 'name="newsletter" id="consent-newsletter">' in page  # not checked any more


def test_a_consent_names_the_policy_version_it_was_given_to(client: Client) -> None:
    PrivacyPolicy.objects.create(title="Datenschutz", body="Version eins.")
    data = {
        "email": "neu@beispiel.de",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_privacy": "on",
    }
    client.post(reverse("accounts:register"), data)
    PrivacyPolicy.objects.create(title="Datenschutz", body="Version zwei.")
    client.post(reverse("accounts:register"), {**data, "email": "zwei@beispiel.de"})
    versions = dict(ConsentRecord.objects.values_list("user__email", "text_version"))
    assert versions == {"neu@beispiel.de": "policy-1", "zwei@beispiel.de": "policy-2"}


def test_staff_publish_policy_versions_and_published_ones_stay_as_they_were(
    client: Client, admin_client: Client
) -> None:
    assert "noch keine Datenschutzerklärung" in client.get("/datenschutz/").content.decode()
    admin_client.post(
        reverse("admin:accounts_privacypolicy_add"),
        {
            "title": "Datenschutzerklärung",
            "body": "Wir verarbeiten Kontodaten.\n\nKontakt: dsb@agentur.example",
            "published_0": "01.01.2026",
            "published_1": "00:00:00",
        },
    )
    policy = PrivacyPolicy.objects.get()
    assert policy.version == 1
    page = client.get("/datenschutz/").content.decode()
    assert "Wir verarbeiten Kontodaten." in page and "Version 1" in page
    changed = admin_client.post(
        reverse("admin:accounts_privacypolicy_change", args=[policy.pk]),
        {
            "title": "Geändert",
            "body": "Heimlich",
            "published_0": "01.01.2026",
            "published_1": "00:00:00",
        },
    )
    assert changed.status_code == 403
    assert PrivacyPolicy.objects.get().body.startswith("Wir verarbeiten")
    PrivacyPolicy.objects.create(
        title="Zukunft", body="Noch nicht.", published=timezone.now() + datetime.timedelta(days=3)
    )
    assert "Noch nicht." not in client.get("/datenschutz/").content.decode()


def test_the_data_download_holds_everything_about_the_account_and_nothing_else(
    mia: Client, member: Any, django_user_model: Any
) -> None:
    organisation = OrganisationFactory.create(name="Roth Feinmechanik GmbH")
    grant_editor(member, organisation, "domain")
    Claim.objects.create(user=member, organisation=organisation, method="review", message="Ich")
    mia.post(reverse("accounts:consents"), {"contact": "on"})
    mia.post(
        reverse("directory:organisation-edit", args=[organisation.slug]),
        {"name": organisation.name, "phone": "0361 5", "email": "", "website": ""},
    )
    other = django_user_model.objects.create_user("x@y.de", "x@y.de")
    ConsentRecord.objects.create(
        user=other, purpose="newsletter", granted=True, text="t", text_version="1", source="s"
    )

    response = mia.get(reverse("accounts:data-download"))
    assert response["Content-Disposition"] == 'attachment; filename="meine-daten.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == "mia@beispiel.de"
    assert data["account"]["last_name"] == "Roth"
    assert [c["purpose"] for c in data["consents"]] == ["contact"]
    assert data["organisations_maintained"][0]["organisation"] == "Roth Feinmechanik GmbH"
    assert data["claims"][0]["message"] == "Ich"
    assert any(c["object"] == "Roth Feinmechanik GmbH" for c in data["changes_made"])
    assert "x@y.de" not in response.content.decode()

    assert Client().get(reverse("accounts:data-download")).status_code == 302


def test_deleting_the_account_anonymises_it_and_keeps_the_organisation_data(
    mia: Client, member: Any
) -> None:
    TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    other_device = Client()
    sign_in(other_device, member)
    organisation = OrganisationFactory.create(name="Roth Feinmechanik GmbH")
    grant_editor(member, organisation, "domain")
    organisation._history_user = member
    organisation.phone = "0361 9"
    organisation.save()
    ChangeRequest.objects.create(
        organisation=organisation,
        kind="edit",
        author=member,
        author_email="mia@beispiel.de",
        changes={"name": "Neu"},
        message="bitte",
    )

    wrong = mia.post(reverse("accounts:delete"), {"password": "falsch"})
    assert wrong.status_code == 400
    done = mia.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert done.status_code == 302
    assert mia.get(reverse("accounts:account")).status_code == 302  # signed out
    assert other_device.get(reverse("accounts:account")).status_code == 302  # everywhere

    user = get_user_model().objects.get(pk=member.pk)
    assert (user.username, user.email, user.first_name, user.last_name) == (
        f"deleted-{member.pk}",
        "",
        "",
        "",
    )
    assert not user.is_active and not user.has_usable_password()
    assert not Account.objects.filter(user=user).exists()
    assert not OrganisationEditor.objects.filter(user=user).exists()
    request = ChangeRequest.objects.get()
    assert (request.author_email, request.message) == ("", "")
    assert request.status == "rejected"  # staff cannot apply it any more
    assert not TOTPDevice.objects.filter(user=user).exists()
    # The organisation and its history stay.
    organisation.refresh_from_db()
    assert organisation.phone == "0361 9"
    assert organisation.history.filter(history_user=user).exists()
    # The address is free again.
    again = Client().post(
        reverse("accounts:register"),
        {
            "email": "mia@beispiel.de",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_privacy": "on",
        },
    )
    assert again.status_code == 302
    assert get_user_model().objects.filter(email="mia@beispiel.de").count() == 1


def test_erasing_a_contact_removes_its_history_an_ordinary_removal_keeps_it(
    django_user_model: Any,
) -> None:
    staff = django_user_model.objects.create_user("red@agentur.example", "red@agentur.example")
    grant_role(staff, EDITOR)
    office = Client()
    sign_in(office, staff)
    kept = ContactPersonFactory.create(last_name="Bleibt")
    erased = ContactPersonFactory.create(last_name="Vergessen", email="v@example.org")
    erased.phone = "0361 1"
    erased.save()
    kept_pk, erased_pk = kept.pk, erased.pk
    kept.delete()
    office.post(
        reverse("admin:directory_contactperson_changelist"),
        {"action": "erase", "_selected_action": [erased_pk]},
    )
    assert not ContactPerson.objects.filter(pk=erased_pk).exists()
    assert not ContactPerson.history.filter(id=erased_pk).exists()
    assert ContactPerson.history.filter(id=kept_pk).exists()


def test_retention_deletes_unconfirmed_accounts_and_empties_old_messages(
    django_user_model: Any, settings: Any
) -> None:
    old = django_user_model.objects.create_user("alt@x.de", "alt@x.de", is_active=False)
    new = django_user_model.objects.create_user("neu@x.de", "neu@x.de", is_active=False)
    kept = django_user_model.objects.create_user("gesperrt@x.de", "gesperrt@x.de", is_active=False)
    Account.objects.create(user=old)
    Account.objects.create(user=new)
    get_user_model().objects.filter(pk__in=[old.pk, kept.pk]).update(
        date_joined=timezone.now() - datetime.timedelta(days=31)
    )
    claim = Claim.objects.create(
        user=new,
        organisation=OrganisationFactory.create(),
        method="review",
        message="Ich",
        email="n@x.de",
        status="rejected",
        decided_at=timezone.now() - datetime.timedelta(days=400),
    )
    organisation = OrganisationFactory.create()
    decided = ChangeRequest.objects.create(
        organisation=organisation,
        kind="correction",
        message="alt",
        author_email="a@b.de",
        status="rejected",
        decided_at=timezone.now() - datetime.timedelta(days=400),
    )
    pending = ChangeRequest.objects.create(
        organisation=organisation, kind="correction", message="offen", author_email="c@d.de"
    )
    call_command("apply_retention", verbosity=0)
    assert not get_user_model().objects.filter(pk=old.pk).exists()
    assert get_user_model().objects.filter(pk=new.pk).exists()
    # An account made or deactivated by staff (no self-registration) stays.
    assert get_user_model().objects.filter(pk=kept.pk).exists()
    claim.refresh_from_db()
    assert (claim.message, claim.email, claim.status) == ("", "", "rejected")
    decided.refresh_from_db()
    pending.refresh_from_db()
    assert (decided.message, decided.author_email, decided.status) == ("", "", "rejected")
    assert (pending.message, pending.author_email) == ("offen", "c@d.de")
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert apply_retention().accounts == 0
