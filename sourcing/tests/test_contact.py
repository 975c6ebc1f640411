"""Contacting organisations through the portal without exposing addresses: the visitor's
one-time link, signed-in senders, editors and unclaimed profiles as recipients, who may
write, blocks, several organisations at once, and no address on any page or in any mail
(checked on the wire through a loopback SMTP server) until the recipient reveals it."""

from __future__ import annotations

import datetime
import email
import re
from email import policy
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.models import Account
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory
from messaging import relay
from messaging.models import Conversation, PendingRelay
from messaging.services import send_due
from sourcing.contact import services
from sourcing.models import Posting
from sourcing.tests.postings_factories import PostingFactory, editor_of, signed_in, staff_user

pytestmark = pytest.mark.django_db

VISITOR = "vera.besucherin@privat.example"
GENERAL = "info@drehteile.example"


def make_firm(**values: Any) -> Organisation:
    return cast(Organisation, OrganisationFactory(**values))


def make_posting(**values: Any) -> Posting:
    return cast(Posting, PostingFactory(**values))


def verified(user: User) -> User:
    Account.objects.update_or_create(user=user, defaults={"email_verified_at": timezone.now()})
    return user


def wire(smtp_server: Any) -> list[email.message.EmailMessage]:
    """Send what the outbox holds and parse what reached the server."""
    send_due()
    found = [
        email.message_from_bytes(envelope.content, policy=policy.default)
        for envelope in smtp_server.envelopes
    ]
    smtp_server.envelopes.clear()
    return found  # type: ignore[return-value]


def whole(message: email.message.EmailMessage) -> str:
    """Headers and both decoded parts."""
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    parts = [
        part.get_content()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    ]
    assert len(parts) == 2, "every relayed mail has a text and an HTML part"
    return headers + "\n" + "\n".join(parts)


def link_in(message: email.message.EmailMessage, pattern: str) -> str:
    match = re.search(pattern, whole(message))
    assert match, f"no link {pattern} in {whole(message)}"
    return match.group(0)


def form(**extra: Any) -> dict[str, str]:
    return {
        "step": "send",
        "name": "Vera Besucherin",
        "email": VISITOR,
        "subject": "Drehteile gesucht",
        "body": "Können Sie 500 Drehteile liefern?",
        **extra,
    }


def test_a_visitor_confirms_by_link_and_the_unclaimed_profile_gets_it_and_may_stop(
    smtp_server: Any,
) -> None:
    firm = make_firm(email=GENERAL)
    profile = Client().get(firm.get_absolute_url()).content.decode()
    assert "Dieses Profil wird nicht von der Organisation gepflegt." in profile
    assert f"/kontakt/organisation/{firm.slug}/" in profile
    visitor = Client()
    page = visitor.post(f"/kontakt/organisation/{firm.slug}/", form())
    assert page.status_code == 200
    assert not Conversation.objects.exists()  # nothing relayed before the confirmation
    [confirm_mail] = wire(smtp_server)
    assert confirm_mail["To"] == VISITOR
    link = link_in(confirm_mail, r"http://[^\s\"<]*/kontakt/bestaetigen/[\w-]+/")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert visitor.get("/" + path).status_code == 200
    assert not Conversation.objects.exists()  # GET only asks
    sent = visitor.post("/" + path)
    assert sent.status_code == 200
    conversation = Conversation.objects.get()
    assert visitor.post("/" + path).status_code == 404  # one time only
    mails = wire(smtp_server)
    to_firm = [m for m in mails if m["To"] == GENERAL]
    to_visitor = [m for m in mails if m["To"] == VISITOR]
    assert len(to_firm) == 1 and len(to_visitor) == 1
    firm_mail = whole(to_firm[0])
    assert VISITOR not in firm_mail
    assert "Reply-To" not in to_firm[0]
    assert to_firm[0]["From"] == "portal@agentur.example"
    assert "Können Sie 500 Drehteile liefern?" in firm_mail
    assert f"/organisationen/{firm.slug}/uebernehmen/" in firm_mail  # how to claim
    assert to_firm[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert GENERAL not in whole(to_visitor[0])
    assert GENERAL not in sent.content.decode()
    # The visitor's address is remembered in the session: the next message goes at once.
    visitor.post(f"/kontakt/organisation/{firm.slug}/", form(subject="Noch eine Frage"))
    assert Conversation.objects.count() == 2
    # One click on the unsubscribe link stops relayed mail to the general address.
    unsubscribe = re.search(r"<(http[^>]+)>", to_firm[0]["List-Unsubscribe"])
    assert unsubscribe
    Client().post("/" + unsubscribe.group(1).split("://", 1)[1].split("/", 1)[1])
    assert services.may_write(firm, None)[0] is False
    refused = Client().get(f"/kontakt/organisation/{firm.slug}/").content.decode()
    assert 'name="subject"' not in refused
    assert conversation.pk


def test_a_signed_in_user_writes_at_once_and_the_editor_answers_on_the_portal(
    smtp_server: Any,
) -> None:
    firm = make_firm(email=GENERAL)
    editor = verified(editor_of(firm, "ina"))
    asker = verified(User.objects.create_user("uwe", "uwe@privat.example", "x" * 16))
    client = signed_in(asker)
    page = client.post(
        f"/kontakt/organisation/{firm.slug}/",
        {k: v for k, v in form(name="Uwe Fragesteller").items() if k != "email"},
    )
    assert page.status_code == 200
    assert "ina@firma.example" not in page.content.decode()
    conversation = Conversation.objects.get()
    mails = wire(smtp_server)
    [to_editor] = [m for m in mails if m["To"] == editor.email]
    assert not [m for m in mails if m["To"] == GENERAL]  # editors, not the general address
    assert asker.email not in whole(to_editor)
    token_link = link_in(to_editor, r"http://[^\s\"<]*/nachrichten/c/[\w-]+/")
    token_path = "/" + token_link.split("://", 1)[1].split("/", 1)[1]
    editor_client = Client()
    reading = editor_client.get(token_path).content.decode()
    assert "Uwe Fragesteller" in reading and asker.email not in reading
    editor_client.post(token_path, {"action": "reply", "body": "Ja, ab März."})
    [answer] = wire(smtp_server)
    assert answer["To"] == asker.email
    assert editor.email not in whole(answer) and GENERAL not in whole(answer)
    # The asker reads it on the portal under /nachrichten/.
    mine = client.get(conversation.get_absolute_url()).content.decode()
    assert "Ja, ab März." in mine and editor.email not in mine
    assert "Drehteile gesucht" in client.get("/nachrichten/").content.decode()
    # The editor chooses to answer by mail: now (and only on their side) the address shows.
    revealed = editor_client.post(token_path, {"action": "reveal"}).content.decode()
    assert asker.email in revealed
    assert editor.email not in client.get(conversation.get_absolute_url()).content.decode()
    conversation.refresh_from_db()
    assert conversation.revealed_at is not None and conversation.first_reply_at is not None


def test_who_may_write_and_blocks() -> None:
    firm = make_firm(email=GENERAL)
    editor = verified(editor_of(firm, "ina"))
    asker = verified(User.objects.create_user("uwe", "uwe@privat.example", "x" * 16))
    user_party = services.sender_for_user(asker, "Uwe")
    visitor_party = relay.Party(relay.visitor_key(VISITOR), "Vera", VISITOR)
    assert services.may_write(firm, visitor_party)[0]
    services.change_setting(firm, services.ContactSetting.REGISTERED)
    ok, reason = services.may_write(firm, visitor_party)
    assert not ok and "registrierten Nutzern" in reason
    assert services.may_write(firm, user_party)[0]
    visitor_page = Client().get(f"/kontakt/organisation/{firm.slug}/").content.decode()
    assert "registrierten Nutzern" in visitor_page and 'name="subject"' not in visitor_page
    assert (
        'name="subject"'
        in signed_in(asker).get(f"/kontakt/organisation/{firm.slug}/").content.decode()
    )
    services.change_setting(firm, services.ContactSetting.NOBODY)
    assert not services.may_write(firm, user_party)[0]
    services.change_setting(firm, services.ContactSetting.EVERYONE)
    relay.block(services.organisation_key(firm), f"user:{asker.pk}", "Uwe")
    ok, reason = services.may_write(firm, user_party)
    assert not ok and "nicht zugestellt" in reason
    page = signed_in(asker).get(f"/kontakt/organisation/{firm.slug}/").content.decode()
    assert 'name="subject"' not in page
    # The editor sees and lifts the block on the settings page.
    settings_page = signed_in(editor).get(f"/kontakt/einstellungen/{firm.slug}/")
    assert settings_page.status_code == 200 and "Uwe" in settings_page.content.decode()


def test_the_settings_page_is_for_the_organisations_editors_and_staff() -> None:
    firm = make_firm(email=GENERAL)
    editor = verified(editor_of(firm, "ina"))
    stranger = verified(User.objects.create_user("sam", "sam@x.example", "x" * 16))
    url = f"/kontakt/einstellungen/{firm.slug}/"
    assert Client().get(url).status_code == 302
    assert signed_in(stranger).get(url).status_code == 403
    assert signed_in(staff_user()).get(url).status_code == 200
    signed_in(editor).post(url, {"policy": "registered"})
    assert services.setting_of(firm) == "registered"
    assert signed_in(stranger).post(url, {"policy": "nobody"}).status_code == 403
    assert services.setting_of(firm) == "registered"


def test_no_address_no_form() -> None:
    firm = make_firm(email="")
    profile = Client().get(firm.get_absolute_url()).content.decode()
    assert f"/kontakt/organisation/{firm.slug}/" not in profile
    page = Client().get(f"/kontakt/organisation/{firm.slug}/").content.decode()
    assert 'name="subject"' not in page


def test_one_message_to_several_selected_organisations(settings: Any, smtp_server: Any) -> None:
    firms = [make_firm(email=f"info{n}@firma{n}.example") for n in range(3)]
    silent = make_firm(email="")
    asker = verified(User.objects.create_user("uwe", "uwe@privat.example", "x" * 16))
    client = signed_in(asker)
    ids = [str(f.pk) for f in [*firms, silent]]
    page = client.post("/kontakt/auswahl/", {"organisation": ids})
    text = page.content.decode()
    assert page.status_code == 200 and all(f.name in text for f in firms)
    assert silent.name in text  # listed with the reason it is left out
    sent = client.post(
        "/kontakt/auswahl/",
        {"organisation": ids, "step": "send", "name": "Uwe", "subject": "Drei", "body": "Hallo"},
    )
    assert sent.status_code == 200
    assert Conversation.objects.count() == 3
    mails = wire(smtp_server)
    assert sorted(m["To"] for m in mails if m["To"] != asker.email) == sorted(
        f.email for f in firms
    )
    for message in mails:
        text = whole(message)
        others = [f.email for f in firms if f.email != message["To"]]
        assert not any(address in text for address in others)
        if message["To"] != asker.email:
            assert asker.email not in text
    settings.RELAY_MAX_RECIPIENTS = 2
    too_many = client.post("/kontakt/auswahl/", {"organisation": ids[:3]})
    assert too_many.status_code == 400 and "höchstens 2" in too_many.content.decode()
    assert client.post("/kontakt/auswahl/", {}).status_code == 400


def test_answering_a_request_is_a_conversation_about_it(smtp_server: Any) -> None:
    posting = make_posting(organisation=make_firm(email=GENERAL))
    asker = verified(User.objects.create_user("uwe", "uwe@privat.example", "x" * 16))
    page = signed_in(asker).post(
        f"/kontakt/gesuch/{posting.pk}/",
        {"step": "send", "name": "Uwe", "subject": "Angebot", "body": "Wir liefern."},
    )
    assert page.status_code == 200
    [conversation] = relay.conversations_about(f"posting:{posting.pk}")
    assert conversation.about_title == posting.title
    assert conversation.message_count == 1 and conversation.first_reply_at is None
    mails = wire(smtp_server)
    assert any(posting.title in whole(m) for m in mails if m["To"] == GENERAL)


def test_honeypot_and_bad_input_write_nothing() -> None:
    firm = make_firm(email=GENERAL)
    client = Client()
    trapped = client.post(f"/kontakt/organisation/{firm.slug}/", form(website_url="x"))
    assert trapped.status_code == 400
    empty = client.post(f"/kontakt/organisation/{firm.slug}/", form(body="   ", email="nope"))
    assert empty.status_code == 400
    named = client.post(f"/kontakt/organisation/{firm.slug}/", form(name="a@b.example"))
    assert named.status_code == 400
    assert not PendingRelay.objects.exists() and not Conversation.objects.exists()


def test_the_rate_limit_stops_a_flood(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": (2, 3600)}
    firm = make_firm(email=GENERAL)
    client = Client()
    codes = [
        client.post(
            f"/kontakt/organisation/{firm.slug}/", form(email=f"v{n}@x.example")
        ).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert PendingRelay.objects.count() == 2


def test_apply_retention_deletes_old_relayed_conversations(settings: Any) -> None:
    from django.core.management import call_command

    firm = make_firm(email=GENERAL)
    asker = verified(User.objects.create_user("uwe", "uwe@privat.example", "x" * 16))
    sender = services.sender_for_user(asker, "Uwe")
    assert sender is not None
    old, new = (
        services.deliver(sender=sender, organisations=[firm], subject=s, body="Hallo").sent[0][1]
        for s in ("Alt", "Neu")
    )
    Conversation.objects.filter(pk=old.pk).update(
        last_message_at=timezone.now() - datetime.timedelta(days=settings.RETENTION_RELAY_DAYS + 1)
    )
    call_command("apply_retention", verbosity=0)
    assert list(Conversation.objects.values_list("subject", flat=True)) == ["Neu"]
    assert new.pk


def test_a_request_sent_from_its_matches_is_about_the_request() -> None:
    buyer = make_firm(email="einkauf@kaeufer.example")
    posting = make_posting(organisation=buyer)
    supplier = make_firm(email=GENERAL)
    asker = verified(User.objects.create_user("uwe", "uwe@privat.example", "x" * 16))
    signed_in(asker).post(
        "/kontakt/auswahl/",
        {
            "organisation": [str(supplier.pk)],
            "about": f"posting:{posting.pk}",
            "step": "send",
            "name": "Uwe",
            "subject": "Ihr Angebot?",
            "body": "Passt das?",
        },
    )
    [conversation] = relay.conversations_about(f"posting:{posting.pk}")
    assert conversation.about_title == posting.title


def test_staff_without_the_permission_do_not_read_conversations() -> None:
    firm = make_firm(email=GENERAL)
    asker = verified(User.objects.create_user("uwe", "uwe@privat.example", "x" * 16))
    sender = services.sender_for_user(asker, "Uwe")
    assert sender is not None
    conversation = services.deliver(
        sender=sender, organisations=[firm], subject="Privat", body="Hallo"
    ).sent[0][1]
    staff = staff_user()
    client = signed_in(staff)
    assert client.get(f"/nachrichten/{conversation.pk}/").status_code == 404
    admin_page = client.get(f"/admin/messaging/conversation/{conversation.pk}/change/")
    assert admin_page.status_code in (302, 403)
