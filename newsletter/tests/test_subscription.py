"""Subscribing as a visitor sees it: double opt-in with an expiring link, the consent
record, the same answer for every address, preferences and unsubscribing, retention
and personal data."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Account, ConsentRecord
from accounts.privacy import apply_retention, delete_account, export_user_data
from core.testing import sign_in
from messaging.models import Suppression
from newsletter.choices import SubscriberStatus
from newsletter.models import Subscriber

from .helpers import ADDRESS, ask, confirmation_link, german, path_of, subscribed, topics

pytestmark = pytest.mark.django_db


def test_double_opt_in_with_consent_record(mail_sent_at_once: None, settings: Any) -> None:
    settings.NEWSLETTER_CONFIRM_HOURS = 48
    chosen = topics()
    client = german()
    page = client.get("/newsletter/").content.decode()
    assert "Wasserstoff" in page  # the topics, and the wording with its version:
    assert "Ich möchte den Newsletter der Agentur per E-Mail erhalten." in page
    assert "newsletter-2026-11-30" in page
    response = ask(client, ADDRESS, chosen["wasserstoff"])
    assert response.status_code == 302 and response["Location"] == "/newsletter/danke/"
    assert "48 Stunden" in client.get("/newsletter/danke/").content.decode()
    subscriber = Subscriber.objects.get(email=ADDRESS)
    assert subscriber.status == SubscriberStatus.PENDING
    assert [t.name for t in subscriber.topics.all()] == ["Wasserstoff"]
    [confirmation] = mail.outbox
    assert confirmation.subject.endswith("Bitte bestätigen Sie Ihr Newsletter-Abonnement")
    assert "48 Stunden" in confirmation.body
    consent = ConsentRecord.objects.get(email=ADDRESS)
    assert consent.user is None and consent.granted and consent.purpose == "newsletter"
    assert consent.text == "Ich möchte den Newsletter der Agentur per E-Mail erhalten."
    assert consent.text_version == "newsletter-2026-11-30"
    assert consent.ip == "203.0.113.0/24"  # the network, not the address
    assert consent.source == "newsletter form"
    assert abs((consent.created - timezone.now()).total_seconds()) < 60

    link = path_of(confirmation_link())
    scanned = client.get(link)  # a link scanner's GET confirms nothing
    assert scanned.status_code == 200
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    response = client.post(link)
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.confirmed_at
    assert "Ihr Abonnement ist bestätigt" in client.get(response["Location"]).content.decode()


def test_the_confirmation_link_expires(mail_sent_at_once: None, settings: Any) -> None:
    settings.NEWSLETTER_CONFIRM_HOURS = 2
    client = german()
    ask(client)
    link = path_of(confirmation_link())
    Subscriber.objects.update(confirm_sent_at=timezone.now() - datetime.timedelta(hours=3))
    response = client.post(link)
    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    # A forged or cut link is refused too.
    assert client.post(link[:-3] + "xyz/").status_code == 404


def test_the_answer_is_the_same_for_every_address(mail_sent_at_once: None) -> None:
    chosen = topics()
    client = german()
    subscribed(client, ADDRESS, chosen["wasserstoff"])
    mail.outbox.clear()
    known = ask(german(), ADDRESS, chosen["mobilitaet"])
    new = ask(german(), "neu@beispiel-werk.de", chosen["mobilitaet"])
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    # The subscriber's topics are not changed by whoever typed the address.
    assert [t.name for t in Subscriber.objects.get(email=ADDRESS).topics.all()] == ["Wasserstoff"]
    # The subscriber hears of it once (with the link to the settings), not per attempt.
    ask(german(), ADDRESS)
    ask(german(), ADDRESS)
    to_known = [m for m in mail.outbox if m.to == [ADDRESS]]
    assert len(to_known) == 1 and "/newsletter/einstellungen/" in to_known[0].body
    # A waiting address gets one confirmation mail an hour, however often it is typed.
    ask(german(), "neu@beispiel-werk.de")
    assert len([m for m in mail.outbox if m.to == ["neu@beispiel-werk.de"]]) == 1


def test_the_form_is_rate_limited(mail_sent_at_once: None, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "newsletter": (3, 3600)}
    client = german()
    codes = [ask(client, f"p{n}@beispiel-werk.de").status_code for n in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert Subscriber.objects.count() == 3


def test_without_consent_nothing_is_stored(mail_sent_at_once: None) -> None:
    response = ask(german(), consent=False)
    assert response.status_code == 200
    assert "Setzen Sie das Häkchen" in response.content.decode()
    assert not Subscriber.objects.exists() and not ConsentRecord.objects.exists()
    assert not mail.outbox


def test_signed_in_users_subscribe_with_their_confirmed_address(
    mail_sent_at_once: None, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("mia@beispiel.de", "mia@beispiel.de", "x")
    Account.objects.create(user=user, email_verified_at=timezone.now())
    client = german()
    sign_in(client, user)
    assert 'value="mia@beispiel.de"' in client.get("/newsletter/").content.decode()
    ask(client, "mia@beispiel.de")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.user == user
    assert ConsentRecord.objects.get(purpose="newsletter").user == user
    assert not mail.outbox  # the address is proven: no confirmation mail


def test_preference_page_changes_topics_and_unsubscribes(mail_sent_at_once: None) -> None:
    chosen = topics()
    client = german()
    subscriber = subscribed(client, ADDRESS, chosen["wasserstoff"])
    page = f"/newsletter/einstellungen/{subscriber.token}/"
    assert "Sie erhalten den Newsletter." in client.get(page).content.decode()
    other = german()  # the private link is enough: no session needed
    other.post(page, {"action": "topics", "topics": [chosen["mobilitaet"].pk]})
    assert [t.name for t in subscriber.topics.all()] == ["Mobilität"]
    response = other.post(page, {"action": "unsubscribe"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert Suppression.objects.filter(address=ADDRESS, list_name="newsletter").exists()
    withdrawn = ConsentRecord.objects.filter(email=ADDRESS).order_by("created", "pk").last()
    assert withdrawn is not None and withdrawn.granted is False
    assert "nicht angemeldet" in other.get(page).content.decode()
    assert german().get("/newsletter/einstellungen/falsch/").status_code == 404
    # Subscribing again needs a new confirmation, which lifts the unsubscribe.
    mail.outbox.clear()
    ask(german(), ADDRESS)
    german().post(path_of(confirmation_link()))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert not Suppression.objects.filter(address=ADDRESS).exists()


def test_unconfirmed_subscriptions_are_deleted_after_the_link_expired(
    mail_sent_at_once: None, settings: Any
) -> None:
    settings.NEWSLETTER_CONFIRM_HOURS = 24
    subscribed(german(), "bleibt@beispiel-werk.de")
    ask(german(), ADDRESS)
    result = apply_retention(timezone.now() + datetime.timedelta(hours=23))
    assert result.others["unconfirmed newsletter subscriptions"] == 0
    result = apply_retention(timezone.now() + datetime.timedelta(hours=25))
    assert result.others["unconfirmed newsletter subscriptions"] == 1
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["bleibt@beispiel-werk.de"]
    assert not ConsentRecord.objects.filter(email=ADDRESS).exists()
    assert ConsentRecord.objects.filter(email="bleibt@beispiel-werk.de").exists()


def test_the_account_download_and_deletion_cover_the_subscription(
    mail_sent_at_once: None, django_user_model: Any
) -> None:
    subscribed(german(), "mia@beispiel.de")
    user = django_user_model.objects.create_user("mia@beispiel.de", "mia@beispiel.de", "x")
    unverified = django_user_model.objects.create_user(
        "x@beispiel.de", "lena@beispiel-werk.de", "x"
    )
    Account.objects.create(user=user, email_verified_at=timezone.now())
    data = export_user_data(user)
    assert [s["status"] for s in data["newsletter"]] == ["confirmed"]
    assert [(c["purpose"], c["email"], c["network"]) for c in data["consents"]] == [
        ("newsletter", "mia@beispiel.de", "203.0.113.0/24")
    ]
    # Whoever registered an address without confirming it sees nothing filed under it.
    subscribed(german(), ADDRESS)
    assert export_user_data(unverified)["newsletter"] == []
    assert export_user_data(unverified)["consents"] == []
    delete_account(user)
    assert not Subscriber.objects.filter(email="mia@beispiel.de").exists()
    assert not ConsentRecord.objects.filter(email="mia@beispiel.de").exists()
    kept = ConsentRecord.objects.filter(user=user)
    assert kept.count() == 1 and kept.get().ip == ""


def test_the_newsletter_consent_on_the_account_page_subscribes_and_unsubscribes(
    django_user_model: Any,
) -> None:
    from django.urls import reverse

    user = django_user_model.objects.create_user("mia@beispiel.de", "mia@beispiel.de", "x")
    Account.objects.create(user=user, email_verified_at=timezone.now())
    client = german()
    sign_in(client, user)
    client.post(reverse("accounts:consents"), {"newsletter": "on"})
    subscriber = Subscriber.objects.get(email="mia@beispiel.de")
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.user == user
    client.post(reverse("accounts:consents"), {})
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert Suppression.objects.filter(address="mia@beispiel.de", list_name="newsletter").exists()
    # One record per decision, as the account page shows them.
    assert list(
        ConsentRecord.objects.filter(purpose="newsletter").values_list("granted", flat=True)
    ) == [False, True]
    # Unsubscribing by the settings link unticks the consent on the account page.
    client.post(reverse("accounts:consents"), {"newsletter": "on"})
    german().post(f"/newsletter/einstellungen/{subscriber.token}/", {"action": "unsubscribe"})
    assert (
        'name="newsletter" id="consent-newsletter">'
        in client.get(reverse("accounts:account")).content.decode()
    )
