"""Import WZ 2008, WZ 2025 and the official correspondence from the Destatis files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from classification import nace, services
from core.progress import TerminalProgress


class Command(BaseCommand):
    help = (
        "Import or update WZ 2008, WZ 2025 and the WZ 2025 → WZ 2008 correspondence "
        "from the newest Destatis files, and the English titles of WZ 2008 from NACE Rev. 2."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path-dir",
            type=Path,
            help="Folder with the WZ files (default: REFERENCE_DATA_DIR/wz).",
        )
        parser.add_argument(
            "--nace-dir",
            type=Path,
            help="Folder with the NACE Rev. 2 file (default: REFERENCE_DATA_DIR/nace).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path | None = options["path_dir"]
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        try:
            wz2008 = services.find_reference_file(services.WZ2008_PATTERN, folder)
            wz2025 = services.find_reference_file(services.WZ2025_PATTERN, folder)
            correspondence = services.find_reference_file(services.CORRESPONDENCE_PATTERN, folder)
            english = services.find_reference_file(
                nace.NACE_PATTERN, options["nace_dir"] or nace.nace_folder()
            )
            # One transaction for both editions: WZ 2025 links point at WZ 2008 rows.
            with transaction.atomic():
                stats_2008 = services.import_wz2008(wz2008, progress=progress)
                stats_2025 = services.import_wz2025(wz2025, correspondence, progress=progress)
                stats_english = nace.import_wz_english_titles(english, progress=progress)
        except services.ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        self.stdout.write(f"WZ 2008: {stats_2008}")
        self.stdout.write(f"WZ 2025: {stats_2025}")
        self.stdout.write(f"WZ 2008 (English): {stats_english}")
        self.stdout.write(self.style.SUCCESS(_("WZ codes are up to date.")))
