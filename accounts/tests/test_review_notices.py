"""Staff learn of claims, reviewed changes and corrections waiting for them: one email per
reviewer through the outbox, and a count beside each queue in the back office."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Claim
from accounts.notifications import notify_reviewers
from accounts.roles import EDITOR, EXPERT
from accounts.services import grant_editor, grant_role, request_claim_review
from core.testing import sign_in
from directory.actions import suggest_correction
from directory.models import ChangeRequest
from directory.tests.factories import OrganisationFactory
from messaging.choices import MailList
from messaging.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation() -> Any:
    return OrganisationFactory.create(name="Ohne Netz KG", website="")


@pytest.fixture
def staff(django_user_model: Any) -> dict[str, Any]:
    """Two reviewers, and staff who may not review or have left."""
    people = {}
    for name, role in [("red", EDITOR), ("lektor", EDITOR), ("fach", EXPERT), ("alt", EDITOR)]:
        user = django_user_model.objects.create_user(
            f"{name}@agentur.example", f"{name}@agentur.example"
        )
        grant_role(user, role)
        people[name] = user
    people["alt"].is_active = False
    people["alt"].save()
    return people


@pytest.fixture
def member(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("jana@web.example", "jana@web.example", "x" * 16)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_claim_for_review_tells_each_reviewer_once(
    client: Client, member: Any, organisation: Any, staff: dict[str, Any]
) -> None:
    sign_in(client, member)
    asked = client.post(
        reverse("accounts:claim", args=[organisation.slug]),
        {"ask_review": "1", "message": "Ich bin die Geschäftsführerin"},
    )
    assert asked.status_code == 302
    assert recipients() == ["lektor@agentur.example", "red@agentur.example"]
    notice = mail.outbox[0]
    assert "Ohne Netz KG" in str(notice.body)
    assert reverse("admin:accounts_claim_changelist") in str(notice.body)
    assert "List-Unsubscribe" in notice.extra_headers  # staff may leave this list
    assert len(notice.alternatives) == 1  # type: ignore[attr-defined]  # and an HTML part

    # Asking again (a new message for the same claim) does not tell them again.
    client.post(
        reverse("accounts:claim", args=[organisation.slug]),
        {"ask_review": "1", "message": "Ich bin die Geschäftsführerin, Tel. 0361 123"},
    )
    assert len(mail.outbox) == 2


def test_the_notice_is_written_with_the_claim_and_goes_with_its_rollback(
    member: Any, organisation: Any, staff: dict[str, Any]
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        request_claim_review(member, organisation, "Ich arbeite dort.")
        assert Message.objects.filter(category=MailList.REVIEW_NOTICES).count() == 2
        raise RuntimeError("the request failed after the claim was written")
    assert not Claim.objects.exists()
    assert not Message.objects.exists()


def test_a_visitors_correction_and_an_editors_reviewed_change_tell_the_reviewers(
    client: Client, member: Any, organisation: Any, staff: dict[str, Any], settings: Any
) -> None:
    answer = client.post(
        reverse("directory:correction", args=[organisation.slug]),
        {"message": "Die Firma ist umgezogen.", "email": ""},
    )
    assert answer.status_code == 302
    assert ChangeRequest.objects.filter(kind=ChangeRequest.Kind.CORRECTION).count() == 1
    assert recipients() == ["lektor@agentur.example", "red@agentur.example"]
    assert "Ohne Netz KG" in str(mail.outbox[0].body)

    # The next item in the same queue soon after: no second email (the first links to
    # the queue); a while later, an email again.
    mail.outbox.clear()
    from directory.actions import update_profile

    grant_editor(member, organisation, "review")
    settings.PROFILE_REVIEWED_FIELDS = ["name"]
    update_profile(member, organisation, {"name": "Mit Netz KG"})
    assert ChangeRequest.objects.filter(kind=ChangeRequest.Kind.EDIT).count() == 1
    assert mail.outbox == []

    Message.objects.update(
        created=timezone.now() - timedelta(minutes=settings.REVIEW_NOTICE_MINUTES + 1)
    )
    update_profile(member, organisation, {"name": "Mit Netz und Boden KG"})  # joins the one
    assert mail.outbox == []
    suggest_correction(AnonymousUser(), organisation, "Telefonnummer fehlt.")
    assert recipients() == ["lektor@agentur.example", "red@agentur.example"]


def test_many_items_at_once_make_one_email_per_reviewer(
    organisation: Any, staff: dict[str, Any]
) -> None:
    items = ChangeRequest.objects.bulk_create(
        ChangeRequest(
            organisation=organisation,
            kind=ChangeRequest.Kind.CORRECTION,
            message=f"Hinweis {n}",
        )
        for n in range(49)
    )
    assert notify_reviewers(items) == 2
    assert recipients() == ["lektor@agentur.example", "red@agentur.example"]
    assert "49" in mail.outbox[0].subject
    assert "29" in str(mail.outbox[0].body)  # twenty named, the rest counted


def test_the_back_office_shows_what_waits_in_each_queue(
    member: Any, organisation: Any, staff: dict[str, Any]
) -> None:
    request_claim_review(member, organisation, "Ich arbeite dort.")
    for n in range(3):
        ChangeRequest.objects.create(
            organisation=organisation, kind=ChangeRequest.Kind.CORRECTION, message=f"{n}"
        )
    office = Client()
    sign_in(office, staff["red"])
    with translation.override("de"):
        page = office.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
        claims = str(Claim._meta.verbose_name_plural)
        changes = str(ChangeRequest._meta.verbose_name_plural)
    assert f"{claims} (1)" in page
    assert f"{changes} (3)" in page

    Claim.objects.update(status=Claim.Status.REJECTED)
    page = office.get(reverse("admin:index")).content.decode()
    assert f"{claims} (1)" not in page
