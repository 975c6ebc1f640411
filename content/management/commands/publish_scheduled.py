"""Let scheduled news articles go live in the search when their time has come
(docs/news.md). Run every minute; safe to run more often or twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from content.news import services


class Command(BaseCommand):
    help = (
        "Report to the search every published news article whose publication time has "
        "come since the last run, so it is found from that minute on. Run every minute."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        due = services.publish_due()
        if due or options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"{len(due)} scheduled news articles went live"))
