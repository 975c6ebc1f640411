"""Import an organisation list (CSV or XLSX); a dry run unless --commit is given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.progress import TerminalProgress
from directory.importing import EntryLevel, import_organisations


class Command(BaseCommand):
    help = (
        "Check an organisation list (CSV or XLSX) and print the report; with --commit, "
        "write it in one transaction if no row has an error. Exit status 1 when nothing "
        "could be written because of errors or unconfirmed duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file.")
        parser.add_argument(
            "--mapping",
            help='Column mapping as JSON ({"Firma": "name", "Notiz": ""}) or a JSON file; '
            "overrides the suggested mapping for the columns it names.",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--dry-run",
            dest="commit",
            action="store_false",
            help="Check only and write nothing (the default).",
        )
        mode.add_argument("--commit", dest="commit", action="store_true", help="Write the list.")
        parser.set_defaults(commit=False)
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="Import rows reported as possible duplicates (they are distinct organisations).",
        )
        parser.add_argument("--report", help="Write the full report to this CSV file.")
        parser.add_argument("--user", help="Username recorded in the change history.")
        parser.add_argument("--source-detail", help="Recorded as the source (default: file name).")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        mapping = _mapping(options["mapping"])
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist as exc:
                raise CommandError(_("No user “%(name)s”") % {"name": options["user"]}) from exc
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        try:
            result = import_organisations(
                path,
                mapping=mapping,
                dry_run=not options["commit"],
                user=user,
                source_detail=options["source_detail"] or path.name,
                progress=progress,
                allow_duplicates=options["allow_duplicates"],
            )
        finally:
            progress.close()

        if result.file_description:
            self.stdout.write(f"{path.name}: {result.file_description}")
        for header, target in result.mapping.items():
            self.stdout.write(f"  {header} → {target or '-'}")
        # Errors first, then possible duplicates, then notes (with -v 2), as the back office.
        for entry in result.sorted_entries():
            if entry.level == EntryLevel.NOTE and options["verbosity"] < 2:
                continue
            row = _("row %(row)s") % {"row": entry.row if entry.row is not None else "-"}
            line = f"{row}\t{entry.column}\t{entry.value}\t{entry.reason}"
            style = self.style.ERROR if entry.level == EntryLevel.ERROR else self.style.WARNING
            self.stdout.write(style(line) if entry.level != EntryLevel.NOTE else line)
        notes = sum(1 for e in result.entries if e.level == EntryLevel.NOTE)
        if notes and options["verbosity"] < 2:
            self.stdout.write(
                ngettext(
                    "(%(count)d note not shown; use -v 2 or --report)",
                    "(%(count)d notes not shown; use -v 2 or --report)",
                    notes,
                )
                % {"count": notes}
            )
        if options["report"]:
            Path(options["report"]).write_bytes(result.report_csv())
            self.stdout.write(_("Report written to %(path)s") % {"path": options["report"]})
        summary = _("%(summary)s (%(seconds)s s, %(speed)s rows/s)") % {
            "summary": result.summary(),
            "seconds": formats.number_format(result.seconds, 1),
            "speed": formats.number_format(result.rows_per_second, 0),
        }
        if result.written:
            self.stdout.write(self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": summary}))
            return
        if not result.dry_run or not result.can_write:
            # Errors, unconfirmed duplicates, or the database refused the list.
            raise CommandError(f"{result.refusal()} {summary}", returncode=1)
        self.stdout.write(
            _("Dry run, nothing written: %(summary)s. Use --commit to import.")
            % {"summary": summary}
        )


def _mapping(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    source = Path(text)
    try:
        data = json.loads(source.read_text(encoding="utf-8") if source.is_file() else text)
    except (OSError, ValueError) as exc:
        raise CommandError(
            _("--mapping is neither JSON nor a JSON file: %(error)s") % {"error": exc}
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()
    ):
        raise CommandError(_('--mapping must be an object {"column": "field", ...}'))
    return {key: value or "" for key, value in data.items()}
