"""Demo events of the agency and the networks (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from content.events import demo


class Command(BaseCommand):
    help = "Write about 25 demo events (past and upcoming, some full), marked as demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when there are events already."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from content.models import Event

        if options["if_empty"] and Event.objects.exists():
            self.stdout.write("Events exist; no demo events written.")
            return
        written = demo.generate()
        self.stdout.write(self.style.SUCCESS(f"{written} demo events written"))
