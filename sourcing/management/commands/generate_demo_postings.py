"""Demo requests and offers of the generated demo organisations (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sourcing.postings import demo


class Command(BaseCommand):
    help = (
        "Generate realistic German requests and offers for the generated demo "
        "organisations of fitting industries, marked as demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=300, help="At most this many.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when demo postings exist."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.generated_exist():
            self.stdout.write("Demo requests and offers exist; nothing to do.")
            return
        count = max(0, min(options["count"], 100_000))
        written = demo.generate(count)
        if not written:
            self.stdout.write(
                "No generated demo organisation of a fitting industry: run "
                "generate_demo_data first."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"{written} demo requests and offers written"))
