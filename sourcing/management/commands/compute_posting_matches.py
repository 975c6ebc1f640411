"""Compute and store the matches of open requests and offers (after demo data, an import
or a change of the matching), with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.progress import TerminalProgress
from sourcing.models import Posting, PostingMatch
from sourcing.postings.matching import store_matches


class Command(BaseCommand):
    help = (
        "Compute the matches of open requests and offers and store them (what a posting's "
        "page and the figures show); --missing only for those without any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--missing", action="store_true", help="Only postings with no stored match yet."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        postings = Posting.objects.public().order_by("pk")
        if options["missing"]:
            with_matches = PostingMatch.objects.values("posting_id")
            postings = postings.exclude(pk__in=with_matches)
        ids = list(postings.values_list("pk", flat=True))
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        label = "Matches of requests and offers"
        written = 0
        try:
            progress(0, len(ids), label)
            for done, pk in enumerate(ids, start=1):
                written += store_matches(pk)
                progress(done, len(ids), label)
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(f"{len(ids):,} postings matched; {written:,} matches stored.")
        )
