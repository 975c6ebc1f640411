"""Expire requests and offers past their date and remind posters a week before
(docs/sourcing.md, "Expiry"). Run daily; safe to run more often or twice."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sourcing.postings import services


class Command(BaseCommand):
    help = (
        "Mark published requests and offers past their end date as expired (they leave "
        "the list and the search) and mail a reminder to the posters of those ending in "
        "POSTING_REMINDER_DAYS days, once each. Run daily."
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
        expired, reminded = services.expire_postings(today)
        self.stdout.write(
            self.style.SUCCESS(f"{expired} postings expired, {reminded} posters reminded")
        )
