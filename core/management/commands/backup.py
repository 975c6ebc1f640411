"""Back up the database and the uploaded files into a new folder of BACKUP_DIR.

Safe while the portal runs. Exit status 1 when the backup failed (nothing is kept then),
so that cron or a systemd timer can alert (docs/operations/backup.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, create_backup
from core.progress import TerminalProgress


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup; PostgreSQL: pg_dump) and the uploaded "
        "files with a manifest into a new folder of BACKUP_DIR; keeps the newest BACKUP_KEEP."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--to", type=Path, help="The folder to write into (BACKUP_DIR).")
        parser.add_argument(
            "--keep",
            type=int,
            help="Keep this many backups in the folder, the newest (BACKUP_KEEP; 0 keeps all).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keep"] is not None and options["keep"] < 0:
            raise CommandError(_("--keep must be 0 (keep all) or more."))
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        say = self.stdout.write if options["verbosity"] > 0 else (lambda message: None)
        try:
            done = create_backup(
                target=options["to"], keep=options["keep"], progress=progress, say=say
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        data = done.manifest
        size = sum(f["size"] for f in data["files"].values())
        files = sum(d["files"] for d in data["file_dirs"].values())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(path)s: %(size)s MB, %(organisations)s organisations, "
                    "%(users)s users, %(files)s files, in %(seconds)s s."
                )
                % {
                    "path": done.path,
                    "size": f"{size / 1e6:,.1f}",
                    "organisations": f"{data['summary'].get('organisations', 0):,}",
                    "users": f"{data['summary'].get('users', 0):,}",
                    "files": f"{files:,}",
                    "seconds": data["seconds"],
                }
            )
        )
        for path in done.pruned:
            self.stdout.write(_("Removed the old backup %(path)s.") % {"path": path})
