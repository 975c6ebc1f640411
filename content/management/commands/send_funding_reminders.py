"""Mail the followers of funding programmes before a call's deadline (daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from content.funding.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Write deadline reminders for followed funding programmes into the outbox: one "
        "per follower, call and stage of FUNDING_REMINDER_DAYS (run daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.written} reminders written for {run.calls} calls with a deadline due"
            )
        )
