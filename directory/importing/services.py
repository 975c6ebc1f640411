"""The import: read, check, report and, on confirmation, write in one transaction."""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.progress import Progress, silent, track
from core.tabular import Table, TabularError, read_table

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from collections import defaultdict
from collections.abc import Sequence

from ..signals import organisations_changed
from .columns import TARGETS, Mapping, clean_text, suggest_mapping
from .compare import (
    Stored,
    changes_for,
    load_stored,
)
from .duplicates import (
    find_duplicates,
    match_rows,
)
from .lookups import (
    Lookups,
)
from .report import (
    EntryLevel,
    ImportResult,
    Outcome,
    ReportEntry,
    RowResult,
)
from .rows import (
    ParsedRow,
    RowChecker,
)
from .writer import (
    Writer,
)


def resolve_mapping(
    headers: Sequence[str], mapping: Mapping | None
) -> tuple[Mapping, list[ReportEntry]]:
    """The mapping to use (suggestions, overridden by ``mapping``) and what is wrong with it."""
    result = suggest_mapping(headers)
    errors: list[ReportEntry] = []
    if mapping:
        for header, target in mapping.items():
            target = target or ""
            if header not in result:
                errors.append(
                    ReportEntry(
                        None,
                        header,
                        target,
                        _("The mapping names a column “%(column)s” that the file does not have")
                        % {"column": header},
                    )
                )
            elif target and target not in TARGETS:
                errors.append(
                    ReportEntry(
                        None,
                        header,
                        target,
                        _("Unknown target field “%(target)s”") % {"target": target},
                    )
                )
            else:
                result[header] = target
    by_target: dict[str, list[str]] = defaultdict(list)
    for header, target in result.items():
        if target:
            by_target[target].append(header)
    for target, headers_of in by_target.items():
        if len(headers_of) > 1 and not TARGETS[target].multiple:
            errors.append(
                ReportEntry(
                    None,
                    ", ".join(headers_of),
                    "",
                    _("The columns %(columns)s are all mapped to %(field)s; map only one")
                    % {
                        "columns": ", ".join(f"“{h}”" for h in headers_of),
                        "field": TARGETS[target].label,
                    },
                )
            )
    if "name" not in by_target:
        errors.append(
            ReportEntry(
                None,
                "",
                "",
                _("No column is mapped to Name; every organisation needs a name"),
            )
        )
    return result, errors


def _read(file: Any) -> tuple[bytes, str]:
    """Bytes and file name of a path, an uploaded file, a file object or bytes."""
    if isinstance(file, bytes | bytearray):
        return bytes(file), ""
    if isinstance(file, str | Path):
        path = Path(file)
        return path.read_bytes(), path.name
    name = Path(getattr(file, "name", "") or "").name
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    return (data.encode("utf-8") if isinstance(data, str) else data), name


def import_organisations(
    file: bytes | str | Path | IO[bytes] | Any,
    mapping: Mapping | None = None,
    dry_run: bool = True,
    user: AbstractBaseUser | AnonymousUser | None = None,
    source_detail: str | None = None,
    progress: Progress = silent,
    allow_duplicates: bool = False,
) -> ImportResult:
    """Check an organisation list and, unless it is a dry run, write it in one transaction.

    Nothing is written when any row has an error, or a possible duplicate that was
    not confirmed with ``allow_duplicates``. The result lists every row's outcome
    and every finding, with its row number and source column.
    """
    started = time.monotonic()
    data, file_name = _read(file)
    # Recorded as the source and in the history reason: no control characters.
    detail = clean_text(source_detail or file_name) or _("uploaded list")
    result = ImportResult(source_detail=detail, dry_run=dry_run, allow_duplicates=allow_duplicates)
    try:
        table = read_table(data, file_name)
    except TabularError as error:
        result.entries.append(ReportEntry(None, "", file_name, str(error)))
        result.seconds = time.monotonic() - started
        return result
    result.file_description = table.describe()
    result.headers = list(table.headers)
    result.mapping, mapping_errors = resolve_mapping(table.headers, mapping)
    result.entries.extend(mapping_errors)
    if mapping_errors:
        result.seconds = time.monotonic() - started
        return result
    for header, target in result.mapping.items():
        if not target:
            result.entries.append(
                ReportEntry(
                    None,
                    header,
                    "",
                    _("The column “%(column)s” is not imported (not mapped)") % {"column": header},
                    EntryLevel.NOTE,
                )
            )

    rows = _check_rows(table, result.mapping, progress)
    match_rows(rows)
    find_duplicates(rows, progress)
    stored = load_stored(sorted(row.match_id for row in rows if row.match_id is not None))
    for row in rows:
        if row.match_id is not None and not row.has_error:
            row.changes = changes_for(row, stored[row.match_id])
    _collect(result, rows, stored)

    if not dry_run and result.can_write:
        user_for_history = user if user is not None and user.is_authenticated else None
        writer = Writer(_("Import %(file)s") % {"file": detail}, user_for_history, detail, progress)
        try:
            with transaction.atomic():
                writer.create([r for r in rows if r.match_id is None])
                writer.update([r for r in rows if r.match_id is not None and r.changes], stored)
                writer.organisation_history()
                # Bulk writes send no model signals: the search (and whatever else keeps
                # derived data) queues its update for the commit from this.
                organisations_changed(writer.touched, sender=import_organisations)
        except IntegrityError as error:
            result.entries.append(
                ReportEntry(
                    None,
                    "",
                    "",
                    _("The database refused the import, nothing was written: %(error)s")
                    % {"error": error},
                )
            )
        else:
            result.written = True
            for row_result, row in zip(result.rows, rows, strict=True):
                row_result.organisation_id = row.match_id
    result.seconds = time.monotonic() - started
    return result


def _check_rows(table: Table, mapping: Mapping, progress: Progress) -> list[ParsedRow]:
    checker = RowChecker(mapping, Lookups())
    return [
        checker.check(row)
        for row in track(table.rows, len(table.rows), _("Checking rows"), progress)
    ]


def _collect(result: ImportResult, rows: list[ParsedRow], stored: dict[int, Stored]) -> None:
    for row in rows:
        result.entries.extend(row.entries)
        if row.has_error:
            outcome = Outcome.ERROR
        elif row.has_duplicate and not result.allow_duplicates:
            outcome = Outcome.DUPLICATE
        elif row.match_id is None:
            outcome = Outcome.CREATE
        elif row.changes:
            outcome = Outcome.UPDATE
        else:
            outcome = Outcome.UNCHANGED
        result.rows.append(
            RowResult(
                row=row.number,
                outcome=outcome,
                name=row.name or row.raw("name"),
                organisation_id=row.match_id,
                changes=row.changes,
                duplicate=row.has_duplicate,
            )
        )
    result.entries.sort(key=lambda e: (e.row is not None, e.row or 0))
