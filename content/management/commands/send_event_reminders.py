"""Remind the people registered for tomorrow's events (run daily; safe to run more often:
each registration is reminded once). Also brings the search's upcoming/past facet of the
events that ended since the day before up to date."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from content.events.models import Event
from content.events.registration import send_reminders
from content.events.signals import report


class Command(BaseCommand):
    help = "Mail the reminders of tomorrow's events, once per registration."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        sent = send_reminders(now)
        ended = Event.objects.public().filter(
            end__lt=now, end__gte=now - datetime.timedelta(days=2)
        )
        report(ended.values_list("pk", flat=True))
        self.stdout.write(f"{sent} reminders written to the outbox")
