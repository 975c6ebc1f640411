"""Import every official reference dataset (WZ, geography, vocabularies) in one go."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from classification import services as classification
from core.progress import TerminalProgress
from geo import services as geo


class Command(BaseCommand):
    help = "Import WZ 2008/2025, postal codes, districts, municipalities and vocabularies."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Hide progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.REFERENCE_DATA_DIR.is_dir():
            raise CommandError(
                f"REFERENCE_DATA_DIR {settings.REFERENCE_DATA_DIR} does not exist; "
                "set it to the folder with the official files (see docs/reference-data/)."
            )
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        try:
            results: list[tuple[str, object]] = [
                ("WZ 2008", classification.import_wz2008(progress=progress)),
                ("WZ 2025", classification.import_wz2025(progress=progress)),
                ("vocabularies", classification.load_vocabularies(progress=progress)),
            ]
            results.extend(geo.import_all(progress=progress).items())
            for label, stats in results:
                self.stdout.write(f"{label}: {stats}")
        finally:
            progress.close()
        self.stdout.write(self.style.SUCCESS("Reference data is up to date."))
