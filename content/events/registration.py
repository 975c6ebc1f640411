"""Registering for an event, the waiting list and the mails that go with it
(docs/events.md, "Registration").

- ``register`` takes a place while places are left, else a place on the waiting list;
  the event's row is locked for the count (``select_for_update``; SQLite writes one
  transaction at a time), so two people never take the last place both.
- ``cancel`` (by the private link of the mail) frees the place; the first person
  waiting moves up at once and is told so.
- ``send_reminders`` mails every registered person once, the day before the event.

Every mail is written into the outbox in the transaction of its cause, with a key that
makes it unique, and links the event's calendar file.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.services import enqueue

from .choices import EventStatus, RegistrationStatus
from .models import Event, Registration


class RegistrationClosed(Exception):
    """Registration is not possible now; the message says why."""


def _absolute(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def closes_at(event: Event) -> datetime.datetime:
    """When registration ends: the deadline if there is one, else the start."""
    if event.registration_deadline and event.registration_deadline < event.start:
        return event.registration_deadline
    return event.start


def closed_reason(event: Event, now: datetime.datetime | None = None) -> str:
    """Why one cannot register now, or "" while one can."""
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        return _("The event is cancelled.")
    if event.status != EventStatus.PUBLISHED:
        return _("The event is not published yet.")
    if now >= event.start:
        return _("The event has begun; registration is closed.")
    if now >= closes_at(event):
        return _("The registration deadline has passed.")
    return ""


def confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def places_left(event: Event) -> int | None:
    """Free places, or None without a limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - confirmed_count(event))


def _context(registration: Registration) -> dict[str, object]:
    event = registration.event
    return {
        "event": event,
        "registration": registration,
        "event_url": _absolute(event.get_absolute_url()),
        "ics_url": _absolute(event.ics_url()),
        "cancel_url": _absolute(registration.cancel_url()),
        "privacy_url": _absolute(reverse("accounts:privacy")),
    }


def _mail(registration: Registration, kind: str, subject: str, key: str | None = None) -> None:
    enqueue(
        to=registration.email,
        subject=subject,
        template=f"content/events/email/{kind}",
        context=_context(registration),
        key=key or f"event-{kind}:{registration.pk}",
    )


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    waiting: bool


def register(
    event: Event,
    *,
    name: str,
    email: str,
    organisation: str = "",
    now: datetime.datetime | None = None,
) -> Outcome:
    """Register a person; a place if one is left, else the waiting list. Raises
    ``RegistrationClosed`` when registration is not possible (with the reason), also for
    an address that is registered already."""
    now = now or timezone.now()
    email = email.strip().lower()
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            reason = closed_reason(locked, now)
            if reason:
                raise RegistrationClosed(reason)
            if (
                locked.registrations.exclude(status=RegistrationStatus.CANCELLED)
                .filter(email=email)
                .exists()
            ):
                raise RegistrationClosed(
                    _("This email address is registered for the event already.")
                )
            left = places_left(locked)
            waiting = left is not None and left <= 0
            registration = Registration.objects.create(
                event=locked,
                name=name.strip(),
                email=email,
                organisation=organisation.strip(),
                status=RegistrationStatus.WAITING if waiting else RegistrationStatus.CONFIRMED,
                consented_at=now,
            )
            if waiting:
                _mail(
                    registration,
                    "waiting",
                    _("You are on the waiting list: %(title)s") % {"title": locked.title},
                )
            else:
                _mail(
                    registration,
                    "confirmed",
                    _("Your registration: %(title)s") % {"title": locked.title},
                )
    except IntegrityError as error:  # the same address at the same moment
        raise RegistrationClosed(
            _("This email address is registered for the event already.")
        ) from error
    return Outcome(registration, waiting)


def registration_for_token(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    return Registration.objects.select_related("event").filter(token=token).first()


def cancel(registration: Registration, now: datetime.datetime | None = None) -> Registration | None:
    """Cancel a registration (idempotent); answers the person who moved up, if any."""
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            return None
        was_confirmed = current.status == RegistrationStatus.CONFIRMED
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at", "modified"])
        _mail(current, "cancelled", _("Registration cancelled: %(title)s") % {"title": event.title})
        registration.status, registration.cancelled_at = current.status, current.cancelled_at
        if was_confirmed:
            return _move_up(event, now)
    return None


def _move_up(event: Event, now: datetime.datetime) -> Registration | None:
    """Give free places to those waiting, first come first served (in the caller's
    transaction, the event's row locked)."""
    if event.status != EventStatus.PUBLISHED or now >= event.start:
        return None
    left = places_left(event)
    if left is not None and left <= 0:
        return None
    first = (
        event.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITING)
        .order_by("created", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = RegistrationStatus.CONFIRMED
    first.moved_up_at = now
    first.save(update_fields=["status", "moved_up_at", "modified"])
    _mail(first, "moved_up", _("A place is free for you: %(title)s") % {"title": event.title})
    return first


def fill_free_places(event: Event, now: datetime.datetime | None = None) -> list[Registration]:
    """After the capacity grew: move up as many waiting people as places are free."""
    now = now or timezone.now()
    moved: list[Registration] = []
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        while (person := _move_up(locked, now)) is not None:
            moved.append(person)
    return moved


def mail_event_cancelled(event: Event) -> int:
    """Tell everyone registered or waiting that the event is cancelled (once each)."""
    count = 0
    for registration in event.registrations.exclude(status=RegistrationStatus.CANCELLED):
        _mail(
            registration,
            "event_cancelled",
            _("Cancelled: %(title)s") % {"title": event.title},
            key=f"event-cancelled:{event.pk}:{registration.pk}",
        )
        count += 1
    return count


def set_attended(event: Event, attended_ids: set[int]) -> int:
    """The check-in list's marks: these registrations attended, the others not."""
    with transaction.atomic():
        registrations = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        registrations.filter(pk__in=attended_ids).update(attended=True)
        registrations.exclude(pk__in=attended_ids).update(attended=False)
    return len(attended_ids)


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Remind every registered person of an event that starts tomorrow (or later today),
    once each: a registration remembers that it was reminded."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    until = datetime.datetime.combine(
        tomorrow + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        event__status=EventStatus.PUBLISHED,
        event__start__gt=now,
        event__start__lt=until,
    ).select_related("event")
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            _mail(
                registration,
                "reminder",
                _("Tomorrow: %(title)s") % {"title": registration.event.title},
            )
            sent += 1
    return sent
