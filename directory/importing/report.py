"""What an import found and did: findings per row and column, outcomes, the report file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.exports import Column, csv_bytes

from .columns import Mapping


class EntryLevel:
    ERROR = "error"
    DUPLICATE = "duplicate"
    NOTE = "note"


class Outcome:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"
    DUPLICATE = "duplicate"

    ALL = (CREATE, UPDATE, UNCHANGED, ERROR, DUPLICATE)


OUTCOME_LABELS = {
    Outcome.CREATE: gettext_lazy("new"),
    Outcome.UPDATE: gettext_lazy("update"),
    Outcome.UNCHANGED: gettext_lazy("unchanged"),
    Outcome.ERROR: gettext_lazy("error"),
    Outcome.DUPLICATE: gettext_lazy("possible duplicate"),
}
LEVEL_ORDER = {EntryLevel.ERROR: 0, EntryLevel.DUPLICATE: 1, EntryLevel.NOTE: 2}
LEVEL_LABELS = {
    EntryLevel.ERROR: gettext_lazy("error"),
    EntryLevel.DUPLICATE: gettext_lazy("possible duplicate"),
    EntryLevel.NOTE: gettext_lazy("note"),
}


@dataclass(frozen=True)
class ReportEntry:
    """One finding: where (row number and source column), the value, and why.

    ``row`` is None for findings about the whole file or the mapping.
    ``organisation_id``/``organisation_name`` name the existing organisation a
    duplicate or an update refers to; ``other_row`` the other row of a duplicate
    within the file.
    """

    row: int | None
    column: str
    value: str
    reason: str
    level: str = EntryLevel.ERROR
    organisation_id: int | None = None
    organisation_name: str = ""
    other_row: int | None = None

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])


@dataclass
class RowResult:
    row: int
    outcome: str
    name: str
    organisation_id: int | None = None
    changes: list[str] = field(default_factory=list)
    duplicate: bool = False

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


REPORT_COLUMNS = (
    Column("row", gettext_lazy("Row")),
    Column("column", gettext_lazy("Column")),
    Column("value", gettext_lazy("Value")),
    Column("reason", gettext_lazy("Reason")),
    Column("level", gettext_lazy("Kind of finding")),
    Column("organisation_id", gettext_lazy("Existing organisation (portal ID)")),
    Column("organisation_name", gettext_lazy("Existing organisation")),
)


@dataclass
class ImportResult:
    """What an import found and did; the same object for a dry run and the real run."""

    source_detail: str
    dry_run: bool
    allow_duplicates: bool = False
    file_description: str = ""
    headers: list[str] = field(default_factory=list)
    mapping: Mapping = field(default_factory=dict)
    rows: list[RowResult] = field(default_factory=list)
    entries: list[ReportEntry] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Outcome.ALL, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def file_errors(self) -> list[ReportEntry]:
        return [e for e in self.entries if e.row is None and e.level == EntryLevel.ERROR]

    @property
    def error_count(self) -> int:
        return sum(1 for e in self.entries if e.level == EntryLevel.ERROR)

    @property
    def duplicate_rows(self) -> list[int]:
        """Rows without errors that look like another organisation or row.

        Rows, not findings: a row with the same website and the same name as an
        organisation is one possible duplicate, as the table of outcomes counts it.
        """
        return [row.row for row in self.rows if row.duplicate and row.outcome != Outcome.ERROR]

    @property
    def duplicate_count(self) -> int:
        return len(self.duplicate_rows)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    @property
    def has_duplicates(self) -> bool:
        return self.duplicate_count > 0

    @property
    def can_write(self) -> bool:
        """True when a real run would write (no errors, duplicates confirmed or absent)."""
        return (
            bool(self.rows)
            and not self.has_errors
            and (self.allow_duplicates or not self.has_duplicates)
        )

    def refusal(self) -> str:
        """Why a real run wrote nothing, in words that say what to do; "" if it did."""
        if self.written:
            return ""
        if self.has_errors:
            return ngettext(
                "Nothing was imported: %(count)d error must be corrected in the file first.",
                "Nothing was imported: %(count)d errors must be corrected in the file first.",
                self.error_count,
            ) % {"count": self.error_count}
        if self.has_duplicates and not self.allow_duplicates:
            rows = self.duplicate_rows
            return ngettext(
                "Nothing was imported: row %(rows)s is a possible duplicate. Correct the "
                "file, or confirm that the rows are distinct organisations.",
                "Nothing was imported: rows %(rows)s are possible duplicates. Correct the "
                "file, or confirm that the rows are distinct organisations.",
                len(rows),
            ) % {"rows": ", ".join(str(number) for number in rows)}
        if not self.rows:
            return _("Nothing was imported: the list has no rows.")
        return _("Nothing was imported: the database refused the list. %(summary)s") % {
            "summary": self.summary()
        }

    def sorted_entries(self, only: str | None = None) -> list[ReportEntry]:
        """Findings to read: errors, then possible duplicates, then notes, each by row.

        ``only`` keeps one kind (``EntryLevel.ERROR`` for the errors alone).
        """
        entries = [e for e in self.entries if only is None or e.level == only]
        return sorted(entries, key=lambda e: (LEVEL_ORDER[e.level], e.row or 0))

    @property
    def rows_per_second(self) -> float:
        return len(self.rows) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        counts = self.counts
        return ngettext(
            "%(rows)d row: %(create)d new, %(update)d updated, %(unchanged)d unchanged, "
            "%(error)d with errors, %(duplicate)d possible duplicates",
            "%(rows)d rows: %(create)d new, %(update)d updated, %(unchanged)d unchanged, "
            "%(error)d with errors, %(duplicate)d possible duplicates",
            len(self.rows),
        ) % {"rows": len(self.rows), **counts}

    def report_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "row": entry.row if entry.row is not None else "",
                "column": entry.column,
                "value": entry.value,
                "reason": entry.reason,
                "level": entry.level_label,
                "organisation_id": entry.organisation_id or "",
                "organisation_name": entry.organisation_name,
            }
            for entry in self.sorted_entries()
        ]

    def report_csv(self) -> bytes:
        """The report as a CSV file (UTF-8 with BOM, ``;``), for staff to fix the list."""
        return csv_bytes(self.report_rows(), REPORT_COLUMNS)
