"""Test helpers for code that sends mail through the outbox.

Tests run inside a transaction that is never committed, so the send that follows a
commit never comes. Tests of flows that send mail (registration, claims, reminders)
use ``mail_sent_at_once``: each message is sent as soon as it is written, to Django's
test outbox (``django.core.mail.outbox``). Tests of the outbox itself do without it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@pytest.fixture
def mail_sent_at_once(monkeypatch: Any) -> Iterator[None]:
    from messaging import services

    monkeypatch.setattr(services, "_schedule_send", services.send_due)
    yield


# A real SMTP server on loopback (aiosmtpd) for tests that check the mail on the wire:
# headers, both parts, links. ``smtp_server.envelopes`` holds what arrived; use with
# ``django_capture_on_commit_callbacks(execute=True)`` so the outbox sends after the commit.
class Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "portal@agentur.example"
    try:
        yield inbox
    finally:
        controller.stop()
