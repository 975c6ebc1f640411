"""Import states, districts, municipalities, population and postal codes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.progress import TerminalProgress
from geo import services


class Command(BaseCommand):
    help = (
        "Import the official geography (BKG states, districts and municipalities, "
        "district population, GeoNames postal codes) from REFERENCE_DATA_DIR. "
        "Safe to run again: only what changed is written."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Hide progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TerminalProgress(
            stream=self.stderr, disable=options["no_progress"] or options["verbosity"] == 0
        )
        try:
            results = services.import_all(progress=progress)
        except services.ReferenceDataError as error:
            raise CommandError(_("Nothing was imported: %(error)s") % {"error": error}) from error
        finally:
            progress.close()
        for result in results.values():
            self.stdout.write(f"{result.label}: {result}")
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"  {warning}"))
        self.stdout.write(self.style.SUCCESS(_("Geography is up to date.")))
