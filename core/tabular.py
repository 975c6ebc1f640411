"""Reading the spreadsheets people actually have: CSV in any common encoding and XLSX.

Agencies keep their lists in Excel. A CSV saved by German Excel is Windows-1252
with ``;`` between columns, LibreOffice writes UTF-8 with ``,``, "Unicode text"
is UTF-16 with tabs; all of them are read here, so the importer only ever sees a
header and rows of strings with the row numbers the spreadsheet program shows.

XLSX rules (documented for staff in ``docs/import-export.md``):

* Formulas give the value the spreadsheet program last calculated and saved. A
  formula without a saved value (a file written by a program that does not
  calculate) is an error for that cell rather than an empty cell, because an
  empty cell would silently clear data.
* Error values such as ``#DIV/0!`` are errors for their cell.
* Merged cells: the spreadsheet keeps the value only in the top-left cell. A
  range over several rows is filled down (the value applies to every row it
  spans, which is what people mean when they merge "Erfurt" over three rows);
  each filled cell carries a note, so the dry-run report shows where it happened.
  The other columns of a range over several columns stay empty, also with a note.
* Only the first worksheet is read.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

DELIMITERS = (";", ",", "\t", "|")
SPREADSHEET_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
_SNIFF_LINES = 50
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
# Characters a German list plausibly contains beyond ASCII (Windows-1252 repertoire).
_PLAUSIBLE = set(
    "äöüÄÖÜßéèêëàâáçñóòôúùûíìîïÉÈÀÁÇÑÓÔÚÍ€„“”‚‘’–—…°§²³µ«»·´•™©®¼½¾×æøåÆØÅ"
    "\u00a0¢£¥¦¨ª¬¯±¹º¿ÂÃÄÅÊËÌÎÏÐÒÕÖØÙÛÝÞãõðýþÿ"
)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_QUOTES_IN_WORD_RE = re.compile(r"[^\W\d_][„“”‚‘’´][^\W\d_]")


class TabularError(Exception):
    """A file that cannot be read as a table; the message is meant for the person who sent it."""


@dataclass(frozen=True)
class CellIssue:
    """Something about one cell the reader wants the report to show.

    ``blocking`` issues (a formula without a value, a spreadsheet error) make the
    row fail; the others are notes.
    """

    column: str
    value: str
    reason: str
    blocking: bool = True


@dataclass
class TableRow:
    number: int
    values: dict[str, str]
    issues: list[CellIssue] = field(default_factory=list)


@dataclass
class Table:
    """A header and its rows, as strings, with the numbers the spreadsheet program shows."""

    headers: list[str]
    rows: list[TableRow]
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""

    def __len__(self) -> int:
        return len(self.rows)

    def describe(self) -> str:
        """One line for the report header, e.g. "CSV, windows-1252, ';'"."""
        if self.file_format == "xlsx":
            return _("XLSX, sheet “%(sheet)s”") % {"sheet": self.sheet}
        names = {";": ";", ",": ",", "\t": "Tab", "|": "|"}
        return _("CSV, encoding %(encoding)s, delimiter “%(delimiter)s”") % {
            "encoding": self.encoding,
            "delimiter": names.get(self.delimiter, self.delimiter),
        }


def read_table(data: bytes, filename: str = "") -> Table:
    """Read CSV or XLSX bytes; the content decides the format, not the file name."""
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise TabularError(_("The file is empty."))
    if data.startswith(_OLE_MAGIC):
        raise TabularError(
            _(
                "This is an old Excel file (.xls). Save it as Excel workbook (.xlsx) "
                "or as CSV and upload it again."
            )
        )
    if data.startswith(_XLSX_MAGIC):
        return read_xlsx(data)
    return read_csv(data)


# --- CSV -----------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """Name of the encoding of a text file, preferring what Excel and LibreOffice write."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return name
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(b"\x00") >= len(sample) // 4:
        # UTF-16 without a byte order mark: ASCII characters leave every other byte 0.
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    for name in ("cp1252", "cp850"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _looks_plausible(text):
            return name
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best.encoding)
    return "latin-1"


def _looks_plausible(text: str) -> bool:
    non_ascii = Counter(_NON_ASCII_RE.findall(text))
    if not non_ascii:
        return True
    odd = sum(count for char, count in non_ascii.items() if char not in _PLAUSIBLE)
    odd += 2 * len(_QUOTES_IN_WORD_RE.findall(text))
    return odd <= non_ascii.total() * 0.1


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, equally long, rows."""
    lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    if not lines:
        return ";"
    sample = "\n".join(lines)
    best, best_score = ";", (-1.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        widths = [len(row) for row in rows if any(cell.strip() for cell in row)]
        if not widths or max(widths) < 2:
            continue
        header_width = widths[0]
        consistent = sum(1 for w in widths if w == header_width) / len(widths)
        score = (consistent, header_width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes) -> Table:
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise TabularError(_("The file is neither a CSV nor an XLSX file.")) from exc
    text = text.lstrip("\ufeff")
    if _is_binary(text):
        raise TabularError(
            _("The file is neither a CSV nor an XLSX file. Save the list as CSV or XLSX.")
        )
    delimiter = ""
    first_line, _newline, rest = text.partition("\n")
    hint = first_line.strip().strip('"')
    if hint.lower().startswith("sep=") and len(hint) == 5:
        # Excel's "sep=;" line: it names the delimiter and Excel does not show it as a row.
        delimiter, text = hint[4], rest
    if not delimiter:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records: Iterable[tuple[int, list[Any]]] = (
            (number, row) for number, row in enumerate(reader, start=1)
        )
        table = _build_table(records, "csv")
    except csv.Error as exc:
        raise TabularError(
            _("The CSV file cannot be read: %(error)s") % {"error": str(exc)}
        ) from exc
    table.encoding = codecs.lookup(encoding).name
    table.delimiter = delimiter
    return table


def _is_binary(text: str) -> bool:
    sample = text[:4000]
    if not sample:
        return False
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\r\n") or c == "\ufffd")
    return controls > len(sample) * 0.02


# --- XLSX ----------------------------------------------------------------------------


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.cell import column_index_from_string

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise TabularError(
                    _(
                        "OpenDocument spreadsheets (.ods) are not supported. "
                        "Save the list as XLSX or CSV and upload it again."
                    )
                )
            if "xl/workbook.xml" not in names:
                raise TabularError(_("The file is neither a CSV nor an XLSX file."))
    except zipfile.BadZipFile as exc:
        raise TabularError(_("The XLSX file is damaged and cannot be read.")) from exc

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise TabularError(_("The XLSX file is damaged and cannot be read.")) from exc
    try:
        if not workbook.worksheets:
            raise TabularError(_("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        sheet_xml = _sheet_xml(data, getattr(sheet, "_worksheet_path", ""))
        merges = [
            (
                int(m.group(2)),
                column_index_from_string(m.group(1).decode()),
                int(m.group(4)),
                column_index_from_string(m.group(3).decode()),
            )
            for m in _MERGE_RE.finditer(sheet_xml)
        ]
        formulas = _formula_cells(data, sheet.title) if _FORMULA_RE.search(sheet_xml) else {}
        sheet.reset_dimensions()
        records = _xlsx_records(sheet.iter_rows(values_only=True), merges, formulas)
        table = _build_table(records, "xlsx")
        table.sheet = sheet.title
        return table
    finally:
        workbook.close()


def _sheet_xml(data: bytes, path: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            return archive.read(path.lstrip("/"))
        except KeyError:
            return b""


def _formula_cells(data: bytes, title: str) -> dict[tuple[int, int], str]:
    """(row, column) → formula text of every formula cell in the sheet."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = workbook[title]
        sheet.reset_dimensions()
        found: dict[tuple[int, int], str] = {}
        for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            for column, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    found[(row_number, column)] = value
                elif value is not None and type(value).__name__ in (
                    "ArrayFormula",
                    "DataTableFormula",
                ):
                    found[(row_number, column)] = "=" + str(getattr(value, "text", "") or "")
        return found
    finally:
        workbook.close()


@dataclass
class _Marked:
    """A cell value with what the reader has to say about it."""

    value: Any
    reason: str = ""
    blocking: bool = False
    shown: bool = True


def _xlsx_records(
    rows: Iterable[tuple[Any, ...]],
    merges: list[tuple[int, int, int, int]],
    formulas: dict[tuple[int, int], str],
) -> Iterator[tuple[int, list[Any]]]:
    fills: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for merge in merges:
        top, left, bottom, right = merge
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    fills[(r, c)] = merge
    anchors: dict[tuple[int, int], Any] = {}
    anchor_cells = {(m[0], m[1]) for m in merges}
    for row_number, row in enumerate(rows, start=1):
        cells: list[Any] = list(row)
        for c in {c for (r, c) in fills if r == row_number}:
            while len(cells) < c:
                cells.append(None)
        for index, value in enumerate(cells):
            column = index + 1
            key = (row_number, column)
            if key in anchor_cells:
                anchors[key] = value
            if key in fills:
                top, left, bottom, right = fills[key]
                ref = _range_ref(top, left, bottom, right)
                anchor = anchors.get((top, left))
                if column == left:
                    cells[index] = _Marked(
                        anchor,
                        _("Value taken from the merged cells %(range)s") % {"range": ref},
                        shown=anchor is not None,
                    )
                else:
                    cells[index] = _Marked(
                        None,
                        _("Part of the merged cells %(range)s; the value belongs to column %(col)s")
                        % {"range": ref, "col": _column_letter(left)},
                        shown=anchor is not None,
                    )
                continue
            if value is None and key in formulas:
                cells[index] = _Marked(
                    formulas[key],
                    _(
                        "The formula has no calculated value saved in the file; open the file "
                        "in Excel or LibreOffice, save it and upload it again"
                    ),
                    blocking=True,
                )
            elif isinstance(value, str) and value.strip() in SPREADSHEET_ERRORS:
                cells[index] = _Marked(
                    value,
                    _("The cell shows the spreadsheet error %(error)s") % {"error": value.strip()},
                    blocking=True,
                )
        yield row_number, cells


def _column_letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index)


def _range_ref(top: int, left: int, bottom: int, right: int) -> str:
    return f"{_column_letter(left)}{top}:{_column_letter(right)}{bottom}"


# --- Shared ----------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell value as the text a person sees in the spreadsheet program."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


_NUMERIC_RE = re.compile(r"^[\d\s.,+-]+$")


def _build_table(records: Iterable[tuple[int, list[Any]]], file_format: str) -> Table:
    headers: list[str] | None = None
    rows: list[TableRow] = []
    plain = file_format == "csv"  # CSV cells are strings and carry no reader notes
    width = 0
    for number, cells in records:
        if plain:
            texts = [cell.strip() for cell in cells]
        else:
            texts = [cell_text(cell.value if isinstance(cell, _Marked) else cell) for cell in cells]
        if headers is None:
            if not any(texts):
                continue
            if any(isinstance(c, _Marked) and c.blocking for c in cells):
                raise TabularError(
                    _("The header row contains formulas without values or spreadsheet errors.")
                )
            headers, blank = _header_names(texts)
            named = [h for i, h in enumerate(headers) if i not in blank]
            if sum(1 for h in named if _NUMERIC_RE.match(h) or "@" in h) >= len(named) / 2:
                raise TabularError(
                    _(
                        "The first row looks like data, not like column names (e.g. "
                        "“%(cell)s”). Add a header row with the column names."
                    )
                    % {"cell": named[0]}
                )
            width = len(headers)
            continue
        if plain:
            if not any(texts):
                continue
            issues: list[CellIssue] = []
            if len(texts) < width:
                texts.extend([""] * (width - len(texts)))
            values = dict(zip(headers, texts, strict=False))
        else:
            blocking = any(isinstance(c, _Marked) and c.blocking for c in cells)
            if not any(texts) and not blocking:
                continue
            values = {}
            issues = []
            for index, header in enumerate(headers):
                text = texts[index] if index < len(texts) else ""
                values[header] = text
                cell = cells[index] if index < len(cells) else None
                if isinstance(cell, _Marked) and (cell.blocking or cell.shown):
                    issues.append(CellIssue(header, text, cell.reason, cell.blocking))
        extra = [t for t in texts[width:] if t]
        if extra:
            issues.append(
                CellIssue(
                    "",
                    "; ".join(extra),
                    _("The row has more cells than the header row has column names"),
                )
            )
        rows.append(TableRow(number, values, issues))
    if headers is None:
        raise TabularError(_("The file is empty."))
    if not rows:
        raise TabularError(_("The file has a header row but no data rows."))
    return Table(headers=headers, rows=rows, file_format=file_format)


def _header_names(texts: list[str]) -> tuple[list[str], set[int]]:
    """Unique header names and the positions that were blank (named "Column C" here)."""
    while texts and not texts[-1]:
        texts = texts[:-1]
    names: list[str] = []
    blank: set[int] = set()
    seen: set[str] = set()
    for index, text in enumerate(texts):
        name = " ".join(text.split())
        if not name:
            blank.add(index)
            name = _("Column %(letter)s") % {"letter": _column_letter(index + 1)}
        base, counter = name, 2
        while name.casefold() in seen:
            name = f"{base} ({counter})"
            counter += 1
        seen.add(name.casefold())
        names.append(name)
    return names, blank
