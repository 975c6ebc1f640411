"""Restore a backup made by ``manage.py backup``: database, uploaded files, then migrate,
rebuild the search index and the vectors, and check them against the data.

Stop the web and task workers first (docs/operations/backup.md). Exit status 1 when the
backup is refused or the restore fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, restore_backup
from core.progress import TerminalProgress


class Command(BaseCommand):
    help = (
        "Restore a backup (its folder or its manifest.json): replaces the database and the "
        "uploaded files, migrates, rebuilds the search index and checks it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="The backup's folder.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that holds data (users, organisations).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        say = self.stdout.write if options["verbosity"] > 0 else (lambda message: None)
        try:
            done = restore_backup(
                options["path"], overwrite=options["yes"], progress=progress, say=say
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        if options["verbosity"] > 1:
            self.stdout.write(done.log)
        for name in done.unknown_folders:
            self.stderr.write(
                self.style.WARNING(
                    _(
                        "The backup holds files for %(setting)s, a setting this version lacks; "
                        "they were not restored."
                    )
                    % {"setting": name}
                )
            )
        data = done.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored the backup of %(created)s (%(organisations)s organisations, "
                    "%(users)s users); the search index and the vectors agree with the data."
                )
                % {
                    "created": data["created"],
                    "organisations": f"{data['summary'].get('organisations', 0):,}",
                    "users": f"{data['summary'].get('users', 0):,}",
                }
            )
        )
