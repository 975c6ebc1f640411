"""Import every official reference dataset (WZ, geography, vocabularies, synonyms) in one go.

Each app that reads reference files offers ``import_reference_data(progress)`` on its
AppConfig; they run in the order of ``INSTALLED_APPS`` (classification before search,
whose compound lexicon uses the WZ titles).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.progress import TerminalProgress


class Command(BaseCommand):
    help = "Import WZ 2008/2025, postal codes, districts, municipalities, vocabularies, synonyms."

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
            for config in apps.get_app_configs():
                importer = getattr(config, "import_reference_data", None)
                if importer is None:
                    continue
                for label, stats in importer(progress):
                    self.stdout.write(f"{label}: {stats}")
        finally:
            progress.close()
        self.stdout.write(self.style.SUCCESS("Reference data is up to date."))
