"""Six people register for three places at the same moment: three get one, three land on
the waiting list (the event's row is locked for the count)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from content.events import registration as flows
from content.events.choices import RegistrationStatus
from content.events.models import Registration
from core.testing import TRANSACTIONAL_APPS

from .factories import EventFactory

pytestmark = pytest.mark.django_db(
    transaction=True, available_apps=[*TRANSACTIONAL_APPS, "inquiries", "networks", "content"]
)


def test_people_registering_at_once_never_take_more_places_than_there_are() -> None:
    if connection.vendor == "sqlite":
        # The SQLite test database lives in memory with a shared cache, which refuses a
        # second writer instead of letting it wait; the portal's file database starts
        # every transaction IMMEDIATE, so writers queue and count one after the other.
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite's test database cannot wait")
    event = EventFactory.create(capacity=3)
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def register(number: int) -> None:
        try:
            start.wait(timeout=10)
            flows.register(event, name=f"P{number}", email=f"p{number}@example.org")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == 3
    assert statuses.count(RegistrationStatus.WAITING) == 3
