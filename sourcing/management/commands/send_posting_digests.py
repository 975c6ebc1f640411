"""Send the digests of new fitting requests that are due, and offer alerts left waiting.

Scheduled daily (docs/operations/scheduled-tasks.md). Safe to run again at any time, also
after a run was killed: an organisation's digest is written once per period.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sourcing.postings.notifications import send_digests, send_offer_alerts


class Command(BaseCommand):
    help = (
        "Mail each subscribed organisation's editors the new open requests matched to it "
        "since its last digest (daily or weekly, once per period), and the offer alerts "
        "that waited for a new day."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = send_digests()
        self.stdout.write(str(report))
        alerts = send_offer_alerts()
        self.stdout.write(f"{alerts} offer alert mails")
