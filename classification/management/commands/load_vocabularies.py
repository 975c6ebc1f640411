"""Seed or update growth fields, technologies and certification standards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from classification import services
from core.progress import TerminalProgress


class Command(BaseCommand):
    help = "Seed or update the curated vocabularies from classification/data/vocabularies.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            help="JSON file to read instead of the one shipped with the portal.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        try:
            stats = services.load_vocabularies(options["path"], progress=progress)
        except services.ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        self.stdout.write(_("Vocabularies: %(stats)s") % {"stats": stats})
        self.stdout.write(self.style.SUCCESS(_("Vocabularies are up to date.")))
