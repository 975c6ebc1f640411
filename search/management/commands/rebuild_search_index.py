"""Build the search index anew from the database, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.progress import TerminalProgress
from search import content, services


class Command(BaseCommand):
    help = "Rebuild the search index from the database; searches keep working meanwhile."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only build when the index holds nothing or was built by an earlier version.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        engine = services.engine()
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        try:
            if options["if_empty"] and not engine.problems() and engine.count() > 0:
                self.stdout.write("The search index is already built.")
                if not content.is_empty():
                    return
            else:
                self._organisations(progress)
            done = content.rebuild(progress=progress)
        finally:
            progress.close()
        for doc_type, count in done.items():
            self.stdout.write(f"{doc_type.label} ({doc_type.name}): {count:,} documents indexed.")

    def _organisations(self, progress: TerminalProgress) -> None:
        stats = services.rebuild_index(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {stats.documents:,} organisations with {stats.engine} "
                f"in {stats.seconds:.1f} s."
            )
        )
        v = stats.vectors
        self.stdout.write(
            f"Vectors: {v.written:,} computed, {v.reused + v.unchanged:,} kept "
            f"(unchanged); {v.cached:,} of {v.texts:,} texts came from the cache "
            f"({v.seconds:.1f} s)."
        )
