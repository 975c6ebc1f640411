"""Demo news articles (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from content.news import demo


class Command(BaseCommand):
    help = (
        "Write about twenty made-up German news articles with categories, growth fields "
        "and networks, marked as demo data (one is scheduled for the coming days)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when there are articles already."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from content.news.models import Article

        if options["if_empty"] and Article.objects.exists():
            self.stdout.write("News articles exist; no demo articles written.")
            return
        written = demo.generate()
        self.stdout.write(self.style.SUCCESS(f"{written} demo news articles written"))
