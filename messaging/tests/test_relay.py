"""The generic relay: conversations between party keys, relayed by email through the
outbox, pages by private token, reveal, block, figures and retention."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from messaging import relay
from messaging.choices import MailList
from messaging.models import Conversation, Participant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_sent_at_once")]

SENDER = relay.Party(key="visitor:abc", name="Vera Besucherin", address="vera@privat.example")
RECIPIENT = relay.Party(key="organisation:7", name="Drehteile AG", address="chef@drehteile.example")


def start(**extra: Any) -> Conversation:
    values: dict[str, Any] = {
        "about": "organisation:7",
        "about_title": "Drehteile AG",
        "about_url": "http://testserver/o/drehteile/",
        "subject": "Anfrage Drehteile",
        "sender": SENDER,
        "recipient": RECIPIENT,
        "body": "Können Sie 500 Teile liefern?",
        **extra,
    }
    return relay.start_conversation(**values)


def token_of(conversation: Conversation, side: str) -> str:
    return conversation.participants.get(side=side).token


def test_a_message_reaches_the_recipient_without_the_senders_address() -> None:
    conversation = start()
    to_recipient = [m for m in mail.outbox if m.to == [RECIPIENT.address]]
    to_sender = [m for m in mail.outbox if m.to == [SENDER.address]]
    assert len(to_recipient) == 1 and len(to_sender) == 1
    relayed = to_recipient[0]
    whole = relayed.message().as_string()
    assert SENDER.address not in whole
    assert "Reply-To" not in relayed.extra_headers
    assert "Können Sie 500 Teile liefern?" in relayed.body
    assert token_of(conversation, "recipient") in relayed.body
    assert RECIPIENT.address not in to_sender[0].message().as_string()
    assert conversation.message_count == 1 and not conversation.answered


def test_both_sides_answer_on_the_portal_and_the_figures_follow() -> None:
    conversation = start()
    mail.outbox.clear()
    client = Client()
    url = f"/nachrichten/c/{token_of(conversation, 'recipient')}/"
    page = client.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"  # the token stays on the portal
    assert "Können Sie 500 Teile liefern?" in page.content.decode()
    assert SENDER.address not in page.content.decode()
    answer = client.post(url, {"action": "reply", "body": "Ja, gern."}, follow=True)
    assert "Ja, gern." in answer.content.decode()
    assert [m.to for m in mail.outbox] == [[SENDER.address]]
    assert RECIPIENT.address not in mail.outbox[0].message().as_string()
    conversation.refresh_from_db()
    assert conversation.message_count == 2 and conversation.first_reply_at is not None
    sender_page = Client().get(f"/nachrichten/c/{token_of(conversation, 'sender')}/")
    text = sender_page.content.decode()
    assert "Ja, gern." in text and RECIPIENT.address not in text
    assert list(relay.conversations_about("organisation:7")) == [conversation]


def test_only_the_recipient_reveals_and_then_sees_the_senders_address() -> None:
    conversation = start()
    sender_url = f"/nachrichten/c/{token_of(conversation, 'sender')}/"
    recipient_url = f"/nachrichten/c/{token_of(conversation, 'recipient')}/"
    Client().post(sender_url, {"action": "reveal"})
    conversation.refresh_from_db()
    assert conversation.revealed_at is None
    page = Client().post(recipient_url, {"action": "reveal"})
    assert SENDER.address in page.content.decode()
    conversation.refresh_from_db()
    assert conversation.revealed_at is not None
    assert RECIPIENT.address not in Client().get(sender_url).content.decode()


def test_the_recipient_blocks_the_sender() -> None:
    conversation = start()
    Client().post(f"/nachrichten/c/{token_of(conversation, 'recipient')}/", {"action": "block"})
    assert relay.is_blocked("organisation:7", ["visitor:abc"])
    assert not relay.is_blocked("organisation:8", ["visitor:abc"])


def test_nobody_else_sees_a_conversation(admin_client: Client) -> None:
    conversation = start()
    assert Client().get("/nachrichten/c/not-a-token/").status_code == 404
    stranger = User.objects.create_user("sam", "sam@x.example", "x" * 16)
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/nachrichten/{conversation.pk}/").status_code == 404
    assert "Anfrage Drehteile" not in client.get("/nachrichten/").content.decode()
    # Staff read it in the admin only (with the model's permission).
    admin_page = admin_client.get(f"/admin/messaging/conversation/{conversation.pk}/change/")
    assert admin_page.status_code == 200


def test_a_users_conversations_are_listed_for_them() -> None:
    user = User.objects.create_user("uwe", "uwe@x.example", "x" * 16)
    conversation = start(sender=relay.Party(f"user:{user.pk}", "Uwe", user.email, user.pk))
    assert list(relay.conversations_of(user)) == [conversation]
    client = Client()
    client.force_login(user)
    assert "Anfrage Drehteile" in client.get("/nachrichten/").content.decode()
    assert client.get(conversation.get_absolute_url()).status_code == 200


def test_an_empty_answer_is_refused_with_a_message() -> None:
    conversation = start()
    url = f"/nachrichten/c/{token_of(conversation, 'recipient')}/"
    page = Client().post(url, {"action": "reply", "body": "  \u200b "})
    assert page.status_code == 200
    assert Conversation.objects.get(pk=conversation.pk).message_count == 1


def test_list_mail_to_an_unclaimed_address_carries_a_one_click_unsubscribe() -> None:
    start(recipient_list=MailList.RELAYED_CONTACT, recipient_note="Profil nicht gepflegt.")
    relayed = next(m for m in mail.outbox if m.to == [RECIPIENT.address])
    assert relayed.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Profil nicht gepflegt." in relayed.body


def test_retention_deletes_old_conversations(settings: Any) -> None:
    old = start()
    new = start()
    Conversation.objects.filter(pk=old.pk).update(
        last_message_at=timezone.now() - datetime.timedelta(days=settings.RETENTION_RELAY_DAYS + 1)
    )
    assert relay.delete_expired(timezone.now()) >= 1
    assert not Conversation.objects.filter(pk=old.pk).exists()
    assert Conversation.objects.filter(pk=new.pk).exists()
    assert not Participant.objects.filter(conversation_id=old.pk).exists()
