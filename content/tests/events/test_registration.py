"""Registering for an event without an account: a place or the waiting list, the
cancellation by the mail's private link that moves the first person waiting up, the
reminder the day before (once), the deadline, and the mails of each step."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from content.events import registration as flows
from content.events import services
from content.events.choices import EventStatus, RegistrationStatus
from content.events.models import Registration
from messaging.models import Message

from .factories import EventFactory, RegistrationFactory, in_days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_sent_at_once")]
GERMAN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "de"}


def register(client: Client, event: Any, name: str, email: str, **extra: str) -> Any:
    data = {"name": name, "email": email, "organisation": "", "consent": "on", **extra}
    return client.post(event.get_absolute_url(), data, follow=True, **GERMAN)


def mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


def link_in(message: Any, pattern: str) -> str:
    found = re.search(r"https?://\S*" + pattern + r"\S*", message.body)
    assert found, message.body
    return found.group(0).rstrip(".")


def test_a_visitor_registers_and_gets_a_confirmation_with_calendar_and_cancel_links(
    client: Client,
) -> None:
    event = EventFactory.create(title="Wasserstoff-Forum", capacity=2)

    response = register(client, event, "Ada Muster", "Ada@Example.org")

    assert "Sie sind angemeldet" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email == "ada@example.org"
    (message,) = mails_to("ada@example.org")
    assert "Wasserstoff-Forum" in message.subject
    assert link_in(message, f"/veranstaltungen/{event.slug}.ics")
    assert link_in(message, "/veranstaltungen/abmelden/")
    html = message.alternatives[0][0]
    assert "Wasserstoff-Forum" in html and registration.token in html


def test_without_consent_nothing_is_written(client: Client) -> None:
    event = EventFactory.create()
    response = client.post(
        event.get_absolute_url(), {"name": "Ada", "email": "ada@example.org"}, **GERMAN
    )
    assert response.status_code == 400
    assert "Bitte stimmen Sie der Verarbeitung Ihrer Angaben zu." in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_when_full_the_next_person_lands_on_the_waiting_list_and_is_told_so(
    client: Client,
) -> None:
    event = EventFactory.create(capacity=1)
    register(client, event, "Erste", "erste@example.org")

    response = register(client, event, "Zweite", "zweite@example.org")

    assert "Warteliste" in response.content.decode()
    second = Registration.objects.get(email="zweite@example.org")
    assert second.status == RegistrationStatus.WAITING
    (message,) = mails_to("zweite@example.org")
    assert "Warteliste" in message.subject
    assert flows.places_left(event) == 0


def test_the_same_address_cannot_register_twice(client: Client) -> None:
    event = EventFactory.create()
    register(client, event, "Ada", "ada@example.org")
    response = register(client, event, "Ada", "ADA@example.org")
    assert "bereits angemeldet" in response.content.decode()
    assert Registration.objects.count() == 1


def test_cancelling_by_the_link_moves_the_first_person_waiting_up_and_mails_them(
    client: Client,
) -> None:
    event = EventFactory.create(capacity=1, title="Laser-Workshop")
    register(client, event, "Erste", "erste@example.org")
    register(client, event, "Zweite", "zweite@example.org")
    register(client, event, "Dritte", "dritte@example.org")
    cancel_link = link_in(mails_to("erste@example.org")[0], "/veranstaltungen/abmelden/")
    path = cancel_link.split("://", 1)[1].split("/", 1)[1]

    page = client.get("/" + path, **GERMAN)
    assert page.status_code == 200
    assert (
        Registration.objects.get(email="erste@example.org").status == "confirmed"
    )  # GET: no change
    client.post("/" + path, **GERMAN)

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "erste@example.org": RegistrationStatus.CANCELLED,
        "zweite@example.org": RegistrationStatus.CONFIRMED,
        "dritte@example.org": RegistrationStatus.WAITING,
    }
    assert any("Abmeldung" in m.subject for m in mails_to("erste@example.org"))
    moved = [m for m in mails_to("zweite@example.org") if "Platz" in m.subject]
    assert len(moved) == 1 and "Laser-Workshop" in moved[0].subject
    assert len(mails_to("dritte@example.org")) == 1  # only the waiting-list mail

    # The same link again changes nothing and moves nobody else up.
    client.post("/" + path, **GERMAN)
    assert Registration.objects.get(email="dritte@example.org").status == "waiting"


def test_an_unknown_cancel_link_is_a_clear_404(client: Client) -> None:
    response = client.get("/veranstaltungen/abmelden/kein-gueltiger-link/", **GERMAN)
    assert response.status_code == 404


def test_registration_closes_at_the_deadline_and_at_the_start(client: Client) -> None:
    deadline_passed = EventFactory.create(
        registration_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    response = register(client, deadline_passed, "Ada", "ada@example.org")
    assert "Anmeldeschluss ist vorbei" in response.content.decode()
    assert not Registration.objects.exists()

    begun = EventFactory.create(
        start=timezone.now() - datetime.timedelta(minutes=5),
        end=timezone.now() + datetime.timedelta(hours=2),
    )
    with pytest.raises(flows.RegistrationClosed):
        flows.register(begun, name="Ada", email="ada@example.org")
    cancelled = EventFactory.create(status=EventStatus.CANCELLED)
    with pytest.raises(flows.RegistrationClosed):
        flows.register(cancelled, name="Ada", email="ada@example.org")
    assert not Registration.objects.exists()


def test_reminders_go_out_the_day_before_and_only_once() -> None:
    tomorrow = EventFactory.create(start=in_days(1, hour=9), title="Morgen-Event")
    later = EventFactory.create(start=in_days(5))
    reminded = RegistrationFactory.create(event=tomorrow, email="morgen@example.org")
    RegistrationFactory.create(event=tomorrow, status=RegistrationStatus.WAITING)
    RegistrationFactory.create(event=tomorrow, status=RegistrationStatus.CANCELLED)
    RegistrationFactory.create(event=later, email="spaeter@example.org")

    call_command("send_event_reminders", verbosity=0)
    call_command("send_event_reminders", verbosity=0)

    reminders = [m for m in mail.outbox if "Morgen-Event" in m.subject]
    assert [m.to for m in reminders] == [["morgen@example.org"]]
    assert "/veranstaltungen/" in reminders[0].body and ".ics" in reminders[0].body
    reminded.refresh_from_db()
    assert reminded.reminded_at is not None
    assert Message.objects.filter(key__startswith="event-reminder:").count() == 1


def test_cancelling_an_event_mails_everyone_registered_or_waiting_once() -> None:
    event = EventFactory.create(capacity=1, title="Abgesagtes Forum")
    flows.register(event, name="A", email="a@example.org")
    flows.register(event, name="B", email="b@example.org")
    mail.outbox.clear()

    services.cancel_event(event)
    services.cancel_event(event)

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all("Abgesagt" in m.subject for m in mail.outbox)
    with pytest.raises(flows.RegistrationClosed):
        flows.register(event, name="C", email="c@example.org")


def test_more_places_move_people_up_from_the_waiting_list() -> None:
    event = EventFactory.create(capacity=1)
    flows.register(event, name="A", email="a@example.org")
    flows.register(event, name="B", email="b@example.org")
    flows.register(event, name="C", email="c@example.org")

    event.capacity = 2
    services.save_event(event)

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["b@example.org"] == RegistrationStatus.CONFIRMED
    assert statuses["c@example.org"] == RegistrationStatus.WAITING


def test_old_registrations_are_anonymised_and_the_figures_stay(settings: Any) -> None:
    from accounts.privacy import apply_retention

    settings.RETENTION_EVENT_REGISTRATION_DAYS = 30
    old = EventFactory.create(start=in_days(-60))
    recent = EventFactory.create(start=in_days(-5))
    gone = RegistrationFactory.create(event=old, name="Alt", email="alt@example.org", attended=True)
    kept = RegistrationFactory.create(event=recent, name="Neu", email="neu@example.org")

    apply_retention()

    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.name == "" and gone.email != "alt@example.org" and gone.attended
    assert kept.name == "Neu" and kept.email == "neu@example.org"
