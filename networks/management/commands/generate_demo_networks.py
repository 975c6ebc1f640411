"""Demo profiles of the generated demo networks and clusters (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from networks import demo


class Command(BaseCommand):
    help = (
        "Write mission, goals, focus topics and services and partner clusters for the "
        "generated demo networks and clusters, marked as demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when demo profiles exist."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partners = 0
        if not (options["if_empty"] and demo.generated_partners_exist()):
            partners = demo.generate_partners()
        if partners:
            self.stdout.write(self.style.SUCCESS(f"{partners} demo partner clusters written"))
        if options["if_empty"] and demo.generated_exist():
            self.stdout.write("Demo network profiles exist; nothing to do.")
            return
        written = demo.generate()
        if not written:
            self.stdout.write(
                "No generated demo network without a profile: run generate_demo_data first."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"{written} demo network profiles written"))
