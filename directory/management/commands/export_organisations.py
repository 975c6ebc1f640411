"""Export organisations as CSV, XLSX or JSON, with the columns the importer reads."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exports import FORMATS, csv_lines, export_bytes
from directory.choices import OrganisationKind, PublicationStatus, Visibility
from directory.exporting import EXPORT_COLUMNS, organisation_rows
from directory.models import Organisation


@dataclass(frozen=True)
class _Audience:
    """Stands for the kind of user the export is for; only visibility depends on it."""

    is_authenticated: bool
    is_staff: bool
    is_active: bool = True


AUDIENCES = {
    Visibility.PUBLIC: None,
    Visibility.REGISTERED: _Audience(is_authenticated=True, is_staff=False),
    Visibility.STAFF: _Audience(is_authenticated=True, is_staff=True),
}


class Command(BaseCommand):
    help = (
        "Export organisations. Contact persons only with --audience staff "
        "(default: public, as for an anonymous visitor)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("-o", "--output", required=True, help="File to write, or - for stdout.")
        parser.add_argument(
            "--kind", action="append", choices=OrganisationKind.values, help="Repeatable."
        )
        parser.add_argument("--status", action="append", choices=PublicationStatus.values)
        parser.add_argument(
            "--audience",
            choices=list(AUDIENCES),
            default=Visibility.PUBLIC,
            help="Whose view to export: public (default), registered or staff "
            "(staff includes unpublished organisations and internal contacts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = Organisation.objects.all()
        if options["kind"]:
            queryset = queryset.filter(kind__in=options["kind"])
        if options["status"]:
            queryset = queryset.filter(status__in=options["status"])
        user: Any = AUDIENCES[options["audience"]]
        rows = organisation_rows(queryset, user)
        fmt, output = options["format"], options["output"]
        count = 0

        def counted() -> Any:
            nonlocal count
            for row in rows:
                count += 1
                yield row

        try:
            if output == "-":
                if fmt == "xlsx":
                    raise CommandError("XLSX cannot be written to stdout; give a file name.")
                if fmt == "csv":
                    for chunk in csv_lines(counted(), EXPORT_COLUMNS):
                        sys.stdout.write(chunk)
                else:
                    sys.stdout.write(export_bytes(counted(), EXPORT_COLUMNS, fmt).decode("utf-8"))
            elif fmt == "csv":
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    for chunk in csv_lines(counted(), EXPORT_COLUMNS):
                        handle.write(chunk)
            else:
                with open(output, "wb") as binary:
                    binary.write(export_bytes(counted(), EXPORT_COLUMNS, fmt))
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if output != "-":
            self.stdout.write(f"{count} organisations written to {output}")
