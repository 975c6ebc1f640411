"""Test helpers for code that sends mail through the outbox.

Tests run inside a transaction that is never committed, so the send that follows a
commit never comes. Tests of flows that send mail (registration, claims, reminders)
use ``mail_sent_at_once``: each message is sent as soon as it is written, to Django's
test outbox (``django.core.mail.outbox``). Tests of the outbox itself do without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def mail_sent_at_once(monkeypatch: Any) -> Iterator[None]:
    from messaging import services

    monkeypatch.setattr(services, "_schedule_send", services.send_due)
    yield
