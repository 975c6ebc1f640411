"""The account page leads to the person's relayed conversations and says how many wait
for their answer."""

from __future__ import annotations

import re
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.services import grant_editor
from core.testing import sign_in
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory
from messaging import relay
from messaging.models import Conversation, Participant
from sourcing.contact import services as contact

pytestmark = pytest.mark.django_db


def person(email: str) -> User:
    user = User.objects.create_user(email, email, "Werkbank-Fräse-2026")
    Account.objects.create(user=user, email_verified_at=timezone.now())
    return user


def write(sender: User, to: Organisation, subject: str) -> Conversation:
    party = contact.sender_for_user(sender, "Mia Roth")
    assert party is not None
    return contact.deliver(sender=party, organisations=[to], subject=subject, body="Hallo").sent[0][
        1
    ]


def messages_item(client: Client) -> str:
    page = client.get(reverse("accounts:account")).content.decode()
    found = re.search(r"<li><a href=\"/nachrichten/\">.*?</li>", page, re.S)
    assert found, "no link to the conversations"
    return found.group(0)


def test_the_account_page_links_the_conversations_with_those_waiting_for_an_answer() -> None:
    mia, lea = person("mia@beispiel.de"), person("lea@beispiel.de")
    foundry = cast(Organisation, OrganisationFactory(name="Gießerei Ilm GmbH", email=""))
    grant_editor(lea, foundry, "domain")
    client = Client()
    sign_in(client, mia)

    item = messages_item(client)
    assert "Ihre Nachrichten" in item and "Antwort" not in item  # nothing waits
    assert client.get("/nachrichten/").status_code == 200

    asked = write(mia, foundry, "Gussteile")
    write(mia, foundry, "Sandguss")
    assert "Antwort" not in messages_item(client)  # she wrote last in both

    foundry_side = asked.participants.get(side=Participant.Side.RECIPIENT)
    relay.reply(asked, foundry_side, "Ja, ab 100 Stück.")
    assert "(1 wartet auf Ihre Antwort)" in messages_item(client)

    # On the organisation's side the other conversation waits for Lea's answer.
    editor = Client()
    sign_in(editor, lea)
    assert "(1 wartet auf Ihre Antwort)" in messages_item(editor)

    relay.reply(asked, asked.participants.get(user=mia), "Danke, dann 200.")
    assert "Antwort" not in messages_item(client)
    assert "(2 warten auf Ihre Antwort)" in messages_item(editor)
