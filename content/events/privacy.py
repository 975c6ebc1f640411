"""The personal data of registrations (accounts.privacy): the data download of an account
lists the registrations made with its confirmed address, deleting the account deletes
them, and ``apply_retention`` anonymises registrations of events that ended
``RETENTION_EVENT_REGISTRATION_DAYS`` ago (the counts stay for the networks' figures)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.privacy import confirmed_address

from .models import Registration

ANONYMOUS_DOMAIN = "anonymisiert.invalid"


def export_registrations(user: Any) -> list[dict[str, Any]]:
    address = confirmed_address(user)
    if not address:
        return []
    return [
        {
            "event": r.event.title,
            "start": r.event.start.isoformat(),
            "name": r.name,
            "organisation": r.organisation,
            "status": r.status,
            "registered": r.created.isoformat(),
            "attended": r.attended,
        }
        for r in Registration.objects.filter(email=address).select_related("event")
    ]


def erase_registrations(user: Any) -> None:
    address = confirmed_address(user)
    if address:
        Registration.objects.filter(email=address).delete()


def anonymise_old_registrations(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.RETENTION_EVENT_REGISTRATION_DAYS)
    old = Registration.objects.filter(event__end__lt=before).exclude(
        email__endswith="@" + ANONYMOUS_DOMAIN
    )
    count = 0
    for pk in old.values_list("pk", flat=True):
        Registration.objects.filter(pk=pk).update(
            name="", organisation="", email=f"{pk}@{ANONYMOUS_DOMAIN}"
        )
        count += 1
    return count


def register() -> None:
    from accounts.privacy import register_personal_data, register_retention

    register_retention("event registrations", anonymise_old_registrations)
    register_personal_data("event_registrations", export_registrations, erase_registrations)
