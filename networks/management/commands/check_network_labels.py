"""Remind staff and network managers of quality labels that end soon, and let the search
know of labels that ended (docs/networks.md, "Quality labels"). Run daily; safe twice."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from networks.labels import check_labels


class Command(BaseCommand):
    help = (
        "Mail the network's managers and the label staff LABEL_REMINDER_DAYS days before a "
        "quality label ends (once per stage and end date) and update the search for labels "
        "that ended. Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Run as if today were this date (YYYY-MM-DD), for a missed day."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date: {error}") from None
        run = check_labels(today)
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.reminded} reminders written, {run.expired} ended labels left the search"
            )
        )
