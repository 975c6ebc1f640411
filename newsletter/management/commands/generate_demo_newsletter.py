"""Demo topics and a draft issue of the newsletter (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsletter import demo


class Command(BaseCommand):
    help = (
        "Write the newsletter's topics and one draft issue filled from the recent news, "
        "events, funding programmes and requests; the issue's subject says it is a demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when there are topics or issues already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from newsletter.models import NewsletterIssue, Topic

        if options["if_empty"] and (Topic.objects.exists() or NewsletterIssue.objects.exists()):
            self.stdout.write("The newsletter has topics or issues already; nothing written.")
            return
        written = demo.generate()
        self.stdout.write(
            self.style.SUCCESS(
                f"{written['topics']} newsletter topics and a draft issue with "
                f"{written['items']} items written"
            )
        )
