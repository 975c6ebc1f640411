"""Account emails leave through a real SMTP server on loopback (aiosmtpd).

The other tests read Django's test outbox; this one proves that the configured SMTP
settings deliver the verification email and that its link, read off the wire, works.
"""

from __future__ import annotations

import email
import re
from email import policy
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from messaging.choices import Status
from messaging.models import Message
from messaging.testing import Inbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_sent_at_once() -> None:
    """Here the mail takes the real way: written into the outbox with the registration,
    sent by the task after the commit."""


def test_the_verification_email_arrives_over_smtp_and_its_link_works(
    client: Client, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    password = "Werkbank-Fräse-2026"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:register"),
            {
                "email": "jana@beispiel-werk.de",
                "password1": password,
                "password2": password,
                "accept_privacy": "on",
            },
        )
        assert smtp_server.envelopes == []  # written with the account, sent after the commit
    assert len(smtp_server.envelopes) == 1
    assert Message.objects.get(to="jana@beispiel-werk.de").status == Status.SENT
    envelope = smtp_server.envelopes[0]
    assert envelope.mail_from == "portal@agentur.example"
    assert envelope.rcpt_tos == ["jana@beispiel-werk.de"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert "E-Mail-Adresse" in str(message["Subject"])
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    body = part.get_content()
    link = re.search(r"http://testserver(/konto/bestaetigen/\S+)", body)
    assert link, body
    html = message.get_body(preferencelist=("html",))
    assert html is not None and link.group(1) in html.get_content()

    assert client.post(link.group(1), {"password": password}).status_code == 302
    assert get_user_model().objects.get(email="jana@beispiel-werk.de").is_active
    assert client.get(reverse("accounts:account")).status_code == 200
