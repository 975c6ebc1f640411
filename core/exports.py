"""Lists as files people open in Excel, and as JSON for programs.

CSV is written the way German Excel reads it without an import dialog: UTF-8 with
a byte order mark (otherwise Excel assumes Windows-1252 and breaks umlauts) and
``;`` between columns (German Excel uses the comma as decimal separator). Text
that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading apostrophe in CSV, as OWASP
recommends against CSV injection; the importer removes that apostrophe again. In
XLSX every text is written as a text cell, which is never evaluated, so no
apostrophe is needed there.

Multi-valued cells (lists) are joined with ``"; "`` in CSV and XLSX and stay
arrays in JSON; a single item that contains a comma gets a trailing ``;``, because
the importer splits a cell without ``;`` at its commas.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CSV_DELIMITER = ";"
LIST_SEPARATOR = "; "
FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Rows per chunk of a streamed CSV response.
STREAM_CHUNK = 500


@dataclass(frozen=True)
class Column:
    """One column of an export: the key (JSON) and the header people read (CSV, XLSX)."""

    key: str
    label: str | Promise


@dataclass(frozen=True)
class Table:
    """A table of figures as a page shows it and its CSV file holds it: the same columns
    and cells in both, so that a download is what the page showed."""

    slug: str
    title: str | Promise
    columns: list[Column]
    rows: list[dict[str, Any]]
    text: frozenset[str] = frozenset()  # keys of columns of words, not numbers

    def lines(self) -> list[list[Any]]:
        """The cells of each row in the columns' order."""
        return [[row.get(column.key) for column in self.columns] for row in self.rows]

    def page_lines(self) -> list[list[tuple[Any, bool]]]:
        """Each cell with whether it is a number (aligned right on the page)."""
        numeric = [column.key not in self.text for column in self.columns]
        return [list(zip(line, numeric, strict=True)) for line in self.lines()]


def guard_formula(text: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def unguard_formula(text: str) -> str:
    """Undo :func:`guard_formula`, so an exported CSV imports with the original values."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A value as spreadsheet text: lists joined, booleans and dates readable."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        items = [text for text in (cell_text(item) for item in value) if text]
        if len(items) == 1 and "," in items[0]:
            # A cell without ";" is split at commas on import; the ";" keeps it one item.
            return items[0] + ";"
        return LIST_SEPARATOR.join(items)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return force_str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Promise):
        return force_str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(item) for item in value]
    return value


def csv_lines(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> Iterator[str]:
    """The CSV text in chunks, the byte order mark first; memory stays flat for any length."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([guard_formula(force_str(column.label)) for column in columns])
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow([guard_formula(cell_text(row.get(column.key))) for column in columns])
        if count % STREAM_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    rest = buffer.getvalue()
    if rest:
        yield rest


def csv_bytes(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> bytes:
    return "".join(csv_lines(rows, columns)).encode("utf-8")


def xlsx_bytes(
    rows: Iterable[dict[str, Any]], columns: Sequence[Column], sheet_title: str = ""
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(sheet_title or "Export")[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def text_cell(text: str, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # a string starting with "=" stays text, not a formula
        if font is not None:
            cell.font = font
        return cell

    sheet.append([text_cell(force_str(column.label), bold) for column in columns])
    for row in rows:
        cells: list[Any] = []
        for column in columns:
            value = row.get(column.key)
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                cells.append(text_cell(cell_text(value)) if value not in (None, "") else None)
            else:
                cells.append(value)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def json_bytes(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> bytes:
    data = [{column.key: _json_value(row.get(column.key)) for column in columns} for row in rows]
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def export_bytes(rows: Iterable[dict[str, Any]], columns: Sequence[Column], fmt: str) -> bytes:
    """The whole file in memory (for commands and small lists)."""
    if fmt == "csv":
        return csv_bytes(rows, columns)
    if fmt == "xlsx":
        return xlsx_bytes(rows, columns)
    if fmt == "json":
        return json_bytes(rows, columns)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def export_response(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    filename: str,
    stream: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """A download of ``rows`` as ``filename.<fmt>``.

    ``stream=True`` streams CSV row by row (for lists too long to build in memory);
    XLSX and JSON are built whole, so ask for CSV when the list is very long.
    """
    name = f"{filename}.{fmt}"
    disposition = f'attachment; filename="{name}"'
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv" and stream:
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in csv_lines(rows, columns)),
            content_type=CONTENT_TYPES["csv"],
        )
    else:
        response = HttpResponse(export_bytes(rows, columns, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response
