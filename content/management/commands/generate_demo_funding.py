"""Demo funding programmes (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Write about 25 demo funding programmes of real types with made-up names, marked "
        "as demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when there are funding programmes already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from content.funding import demo
        from content.funding.models import Programme

        if options["if_empty"] and Programme.objects.exists():
            self.stdout.write("Funding programmes exist; nothing written.")
            return
        written = demo.generate()
        self.stdout.write(self.style.SUCCESS(f"{written} demo funding programmes written"))
