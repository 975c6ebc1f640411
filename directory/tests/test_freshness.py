"""Profiles are confirmed by their editors once a year (``PROFILE_VERIFICATION_DAYS``)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import grant_editor
from directory import freshness
from directory.models import Organisation
from directory.tests.factories import ContactPersonFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def due_profile(django_user_model: Any) -> Any:
    organisation = OrganisationFactory.create(
        name="Alte Angaben GmbH", last_verified=TODAY - datetime.timedelta(days=400)
    )
    editor = django_user_model.objects.create_user("ed@alte-angaben.de", "ed@alte-angaben.de")
    grant_editor(editor, organisation, "domain")
    return organisation


def test_editors_of_due_profiles_are_asked_once_and_confirm_with_one_button(
    client: Client, due_profile: Any, django_user_model: Any, mail_sent_at_once: None
) -> None:
    fresh = OrganisationFactory.create(name="Frisch GmbH", last_verified=TODAY)
    grant_editor(
        django_user_model.objects.create_user("f@frisch.de", "f@frisch.de"), fresh, "domain"
    )
    OrganisationFactory.create(name="Ohne Bearbeiter GmbH")  # due, but nobody to ask

    call_command("check_profiles", verbosity=0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ed@alte-angaben.de"]
    assert "Alte Angaben GmbH" in message.subject
    link = re.search(r"http://\S+/bestaetigen/\S+", str(message.body))
    assert link
    due_profile.refresh_from_db()
    assert due_profile.reverification_sent is not None

    call_command("check_profiles", verbosity=0)
    assert len(mail.outbox) == 1  # not asked again in the same round

    path = link.group(0).split("8000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    due_profile.refresh_from_db()
    assert due_profile.last_verified == TODAY - datetime.timedelta(
        days=400
    )  # a GET changes nothing
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    due_profile.refresh_from_db()
    assert due_profile.last_verified == timezone.localdate()
    assert due_profile.reverification_sent is None
    assert "Zuletzt bestätigt" in client.get(due_profile.get_absolute_url()).content.decode()
    # The link worked once.
    assert client.get(path).status_code == 404


def test_an_editor_confirms_from_the_edit_page(due_profile: Any) -> None:
    from core.testing import sign_in

    editor = Client()
    sign_in(editor, due_profile.editors.get().user)
    url = reverse("directory:confirm-profile-signed-in", args=[due_profile.slug])
    assert editor.post(url).status_code == 302
    due_profile.refresh_from_db()
    assert due_profile.last_verified == timezone.localdate()
    stranger = Client()
    assert stranger.post(url).status_code == 302  # to the login
    assert stranger.post(url)["Location"].startswith(reverse("accounts:login"))


def test_a_forged_or_foreign_link_confirms_nothing(client: Client, due_profile: Any) -> None:
    other = OrganisationFactory.create(name="Andere GmbH")
    token = freshness.confirmation_token(other)
    assert (
        client.get(reverse("directory:confirm-profile", args=[due_profile.slug, token])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("directory:confirm-profile", args=[due_profile.slug, "abc:def"])
        ).status_code
        == 404
    )
    due_profile.refresh_from_db()
    assert due_profile.last_verified == TODAY - datetime.timedelta(days=400)


def test_unanswered_profiles_are_hidden_after_the_grace_period_and_return_when_confirmed(
    client: Client, due_profile: Any, settings: Any
) -> None:
    settings.PROFILE_HIDE_UNCONFIRMED_DAYS = 30
    freshness.check_profiles()
    assert Organisation.objects.get(pk=due_profile.pk).status == "published"
    Organisation.objects.filter(pk=due_profile.pk).update(
        reverification_sent=timezone.now() - datetime.timedelta(days=31)
    )
    result = freshness.check_profiles()
    assert result.hidden == [due_profile.pk]
    due_profile.refresh_from_db()
    assert due_profile.status == "hidden"
    assert client.get(due_profile.get_absolute_url()).status_code == 404

    token = freshness.confirmation_token(due_profile)
    client.post(reverse("directory:confirm-profile", args=[due_profile.slug, token]))
    due_profile.refresh_from_db()
    assert due_profile.status == "published"
    assert client.get(due_profile.get_absolute_url()).status_code == 200


def test_a_profile_hidden_by_staff_is_not_shown_again_by_a_confirmation(
    client: Client, due_profile: Any
) -> None:
    Organisation.objects.filter(pk=due_profile.pk).update(status="hidden")
    due_profile.refresh_from_db()
    freshness.confirm(due_profile)
    due_profile.refresh_from_db()
    assert due_profile.status == "hidden"


def test_a_lapsed_confirmation_loses_the_ranking_boost(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from search import services
    from search.tests.helpers import index_all, make_org, names

    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    services.engine().clear()
    # Index updates run when a transaction commits, here when each block ends.
    with django_capture_on_commit_callbacks(execute=True):
        lapsing = make_org(
            "Aaa Gießerei GmbH",
            description="Guss.",
            last_verified=TODAY - datetime.timedelta(days=300),
        )
        # Complete but never confirmed: ×1.1, between a confirmed profile (×1.25) and one
        # whose confirmation lapsed (×1), so no tie decides the order.
        complete = make_org(
            "Bbb Gießerei GmbH",
            description="Guss.",
            offerings=["Formenbau"],
            website="https://bbb.example",
        )
        ContactPersonFactory.create(organisation=complete)
    index_all()
    assert names("Guss") == ["Aaa Gießerei GmbH", "Bbb Gießerei GmbH"]
    # A year has passed for the first (the database changes without the index noticing).
    Organisation.objects.filter(pk=lapsing.pk).update(
        last_verified=TODAY - datetime.timedelta(days=366)
    )
    assert names("Guss")[0] == "Aaa Gießerei GmbH"
    with django_capture_on_commit_callbacks(execute=True):
        result = freshness.check_profiles()
    assert lapsing.pk in result.reindexed
    assert names("Guss") == ["Bbb Gießerei GmbH", "Aaa Gießerei GmbH"]
