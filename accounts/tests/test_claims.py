"""Claiming a profile: a code to the organisation's own domain, or a staff review."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Claim, OrganisationEditor
from accounts.roles import EDITOR
from accounts.services import grant_role
from core.testing import sign_in
from directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation() -> Any:
    return OrganisationFactory.create(
        name="Beispiel Werk GmbH", website="https://www.beispiel-werk.de/kontakt"
    )


@pytest.fixture
def member(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("jana@web.example", "jana@web.example", "x" * 16)


@pytest.fixture
def jana(client: Client, member: Any) -> Client:
    sign_in(client, member)
    return client


def claim_url(organisation: Any) -> str:
    return reverse("accounts:claim", args=[organisation.slug])


def code_in_mail() -> str:
    found = re.search(r"^\s+(\d{6})\s*$", str(mail.outbox[-1].body), re.M)
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_a_code_to_the_organisations_domain_makes_the_user_its_editor(
    jana: Client, member: Any, organisation: Any
) -> None:
    profile = jana.get(organisation.get_absolute_url()).content.decode()
    assert claim_url(organisation) in profile
    page = jana.get(claim_url(organisation)).content.decode()
    assert "beispiel-werk.de" in page

    elsewhere = jana.post(claim_url(organisation), {"send_code": "1", "email": "jana@web.example"})
    assert elsewhere.status_code == 400
    assert "@beispiel-werk.de" in elsewhere.content.decode()
    lookalike = jana.post(
        claim_url(organisation), {"send_code": "1", "email": "j@beispiel-werk.de.evil.example"}
    )
    assert lookalike.status_code == 400
    assert not mail.outbox

    sent = jana.post(claim_url(organisation), {"send_code": "1", "email": "Jana@Beispiel-Werk.de"})
    assert sent.status_code == 302
    assert mail.outbox[-1].to == ["jana@beispiel-werk.de"]
    code = code_in_mail()
    claim = Claim.objects.get()
    assert code not in claim.code_hash

    wrong = jana.post(sent["Location"], {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "4 weitere Versuche" in wrong.content.decode()
    right = jana.post(sent["Location"], {"code": code})
    assert right["Location"] == reverse("directory:organisation-edit", args=[organisation.slug])
    assert OrganisationEditor.objects.filter(
        user=member, organisation=organisation, via="domain"
    ).exists()
    assert OrganisationEditor.history.get().history_user == member
    claim.refresh_from_db()
    assert claim.status == "verified"
    assert jana.get(right["Location"]).status_code == 200
    assert "Profil bearbeiten" in jana.get(organisation.get_absolute_url()).content.decode()


def test_a_subdomain_address_counts_and_codes_expire(jana: Client, organisation: Any) -> None:
    sent = jana.post(
        claim_url(organisation), {"send_code": "1", "email": "jana@mail.beispiel-werk.de"}
    )
    assert sent.status_code == 302
    code = code_in_mail()
    Claim.objects.update(code_sent_at=timezone.now() - timedelta(hours=25))
    late = jana.post(sent["Location"], {"code": code})
    assert late.status_code == 400
    assert "nicht mehr gültig" in late.content.decode()
    assert not OrganisationEditor.objects.exists()


def test_five_wrong_codes_void_the_claim(jana: Client, organisation: Any) -> None:
    sent = jana.post(claim_url(organisation), {"send_code": "1", "email": "j@beispiel-werk.de"})
    code = code_in_mail()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        jana.post(sent["Location"], {"code": wrong})
    assert jana.post(sent["Location"], {"code": code}).status_code == 400
    assert not OrganisationEditor.objects.exists()
    # New codes, to other addresses at the domain, do not renew the tries.
    again = jana.post(claim_url(organisation), {"send_code": "1", "email": "k@beispiel-werk.de"})
    assert again.status_code == 400
    assert "Prüfung" in again.content.decode()
    assert len(mail.outbox) == 1


def test_without_a_website_only_a_review_is_offered(
    jana: Client, member: Any, django_user_model: Any, settings: Any
) -> None:
    organisation = OrganisationFactory.create(name="Ohne Netz KG", website="")
    page = jana.get(claim_url(organisation)).content.decode()
    assert 'name="send_code"' not in page
    refused = jana.post(claim_url(organisation), {"send_code": "1", "email": "a@b.de"})
    assert refused.status_code == 400

    empty = jana.post(claim_url(organisation), {"ask_review": "1", "message": " "})
    assert empty.status_code == 400
    asked = jana.post(
        claim_url(organisation),
        {"ask_review": "1", "message": "Ich bin die Geschäftsführerin, Tel. 0361 123"},
    )
    assert asked.status_code == 302
    claim = Claim.objects.get(method="review")
    assert claim.status == "pending"

    # Staff decide in the back office's queue; the user learns the decision by email.
    staff = django_user_model.objects.create_user("red@agentur.example", "red@agentur.example")
    grant_role(staff, EDITOR)
    office = Client()
    sign_in(office, staff)
    changelist = reverse("admin:accounts_claim_changelist")
    assert "Ohne Netz KG" in office.get(changelist).content.decode()
    mail.outbox.clear()
    office.post(changelist, {"action": "accept", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert claim.status == "verified"
    assert claim.decided_by == staff
    assert OrganisationEditor.objects.filter(user=member, organisation=organisation).exists()
    # The role's history names the staff member who decided.
    assert OrganisationEditor.history.get().history_user == staff
    assert mail.outbox[-1].to == [member.email]
    assert "angenommen" in str(mail.outbox[-1].body)


def test_a_rejected_review_gives_no_rights(
    jana: Client, member: Any, organisation: Any, django_user_model: Any
) -> None:
    jana.post(claim_url(organisation), {"ask_review": "1", "message": "Ich arbeite dort."})
    staff = django_user_model.objects.create_user("red@agentur.example", "red@agentur.example")
    grant_role(staff, EDITOR)
    office = Client()
    sign_in(office, staff)
    claim = Claim.objects.get()
    office.post(
        reverse("admin:accounts_claim_changelist"),
        {"action": "reject", "_selected_action": [claim.pk]},
    )
    claim.refresh_from_db()
    assert claim.status == "rejected"
    assert not OrganisationEditor.objects.exists()
    edit = jana.get(reverse("directory:organisation-edit", args=[organisation.slug]))
    assert edit.status_code == 404


def test_visitors_are_asked_to_sign_in_and_staff_cannot_claim(
    client: Client, organisation: Any, admin_client: Client
) -> None:
    response = client.get(claim_url(organisation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert admin_client.get(claim_url(organisation)).status_code == 403
