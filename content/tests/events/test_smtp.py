"""A registration's confirmation travels through a real SMTP server on loopback: both
parts, the links to the calendar file and to cancelling."""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest
from django.test import Client

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_confirmation_arrives_with_both_parts_and_its_links(
    client: Client, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory.create(title="Photonik-Tag", slug="photonik-tag", capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            event.get_absolute_url(),
            {"name": "Ada Muster", "email": "ada@example.org", "consent": "on"},
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 302

    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["ada@example.org"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert "Photonik-Tag" in message["Subject"] and "Ihre Anmeldung" in message["Subject"]
    plain_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert plain_part is not None and html_part is not None
    text, html = plain_part.get_content(), html_part.get_content()
    assert "Guten Tag Ada Muster" in text and "Ada Muster" in html
    for part in (text, html):
        assert "/veranstaltungen/photonik-tag.ics" in part
        assert "/veranstaltungen/abmelden/" in part
