"""Delete or empty personal data past its retention period (docs/accounts.md, "Privacy")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts import privacy


class Command(BaseCommand):
    help = (
        "Delete accounts never confirmed, empty messages of decided requests and claims, "
        "drop old throttling records. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS(str(privacy.apply_retention())))
