"""A made-up agency team, inquiry topics and routing rules for demonstrations."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from inquiries import demo


class Command(BaseCommand):
    help = (
        "Create inquiry topics, a demo team of experts (invented people, example.org "
        "addresses), routing rules and a fallback team."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when experts or topics exist already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.has_demo_experts():
            self.stdout.write("Experts or topics exist already; nothing generated.")
            return
        counts = demo.generate()
        self.stdout.write(
            self.style.SUCCESS(
                "{topics} topics, {teams} teams, {experts} experts, {rules} routing rules".format(
                    **counts
                )
            )
        )
