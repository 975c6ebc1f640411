"""The opt-in on the wire: the confirmation mail leaves through the outbox to a real SMTP
server on loopback, with both parts, as a transaction mail (no unsubscribe headers: it is
not a mailing yet), and its link confirms the subscription."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest

from newsletter.choices import SubscriberStatus
from newsletter.models import Subscriber

from .helpers import ADDRESS, ask, german, links, path_of, topics

pytestmark = pytest.mark.django_db


def test_the_confirmation_mail_travels_and_its_link_confirms(
    smtp_server: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.MESSAGING_RATE_PER_MINUTE = 0
    settings.PORTAL_URL = "https://portal.example"
    chosen = topics()
    client = german()

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, ADDRESS, chosen["mobilitaet"])

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == [ADDRESS]
    parsed: Any = message_from_bytes(envelope.content, policy=policy.default)
    assert "Newsletter-Abonnement" in str(parsed["Subject"])
    assert parsed["List-Unsubscribe"] is None  # a transaction mail, asked for by the person
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    [link] = [url for url in links(text) if "/newsletter/bestaetigen/" in url]
    assert link.startswith("https://portal.example/newsletter/bestaetigen/")
    assert link in html
    assert Subscriber.objects.get(email=ADDRESS).status == SubscriberStatus.PENDING

    response = client.post(path_of(link))

    assert response.status_code == 302
    assert Subscriber.objects.get(email=ADDRESS).status == SubscriberStatus.CONFIRMED
