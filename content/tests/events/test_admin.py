"""The back office's pages of events and registrations open for administrators, and its
action cancels events and tells those registered."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from content.events.choices import EventStatus

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_the_back_office_lists_adds_and_cancels_events(
    admin_client: Client, mail_sent_at_once: Any
) -> None:
    event = EventFactory.create(title="Zu streichen")
    RegistrationFactory.create(event=event, email="gast@example.org")
    for url in (
        "/admin/content/event/",
        "/admin/content/event/add/",
        f"/admin/content/event/{event.pk}/change/",
        "/admin/content/registration/",
        f"/admin/content/event/{event.pk}/history/",
    ):
        assert admin_client.get(url).status_code == 200, url

    response = admin_client.post(
        "/admin/content/event/",
        {"action": "cancel_events", "_selected_action": [str(event.pk)]},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [["gast@example.org"]]
