"""Send the outbox's due messages; report those whose outcome is unknown."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from messaging import services


class Command(BaseCommand):
    help = (
        "Send queued emails that are due (new ones, retries, those held back by the rate) "
        "and report messages whose outcome is unknown. Run it every minute from cron or a "
        "worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = services.send_due()
        self.stdout.write(str(report))
        if report.unknown:
            self.stderr.write(
                self.style.WARNING(
                    f"{report.unknown} email(s) with unknown outcome: see the back office, "
                    "Email → Outgoing emails, status 'outcome unknown' (docs/messaging.md)."
                )
            )
