"""Daily freshness check of the profiles (docs/accounts.md, "Freshness")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from directory import freshness


class Command(BaseCommand):
    help = (
        "Ask the editors of profiles due for confirmation to confirm them, re-index "
        "profiles whose confirmation lapsed, hide those unconfirmed too long. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        result = freshness.check_profiles(
            progress=(lambda line: self.stdout.write(line)) if verbose else None
        )
        self.stdout.write(self.style.SUCCESS(str(result)))
