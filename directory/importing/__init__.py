"""Importing organisation lists the way agencies hold them (CSV, XLSX).

File → :mod:`core.tabular` → column mapping (:mod:`.columns`) → each row checked
with the rules of the organisation forms (:mod:`.rows`: the model fields' own form
fields and validators, plus the look-ups of postal codes, WZ codes and vocabularies
in :mod:`.lookups`) → matching and duplicate check against the file and the
database (:mod:`.duplicates`) → report (:mod:`.report`) → one transaction writes
every row (:mod:`.writer`, :mod:`.inserter`). A dry run stops before the write; a
single error or unconfirmed duplicate anywhere in the file means nothing is
written (all-or-nothing per file), so a list is never half imported.

Rows are matched to existing organisations by the portal ID (the organisation's
number in this portal, present in every export), the agency ID, the register
number or the VAT ID: a match is updated, otherwise a new organisation is created.
Only mapped columns are touched; an empty cell in a mapped column clears that
value (lists are replaced, not merged).

Everything the rows need from the database (postal codes, WZ codes, vocabularies,
identifiers, names and websites for the duplicate check) is read once per file,
so the time per row does not depend on the size of the database, and the write
uses bulk inserts that still record history (reason "Import <file>", the user).
:func:`import_organisations` (:mod:`.services`) is the one entry point for the
back office, the command line and the tests.
"""

from .columns import (
    TARGET_FIELDS,
    TARGETS,
    Mapping,
    TargetField,
    clean_text,
    fold,
    fold_key,
    mapping_choices,
    suggest_mapping,
)
from .duplicates import SIMILAR_NAME_THRESHOLD
from .lookups import (
    Lookups,
    infer_legal_form,
    normalise_website,
    parse_headcount,
    similarity_key,
    split_list,
    split_person_name,
)
from .report import (
    LEVEL_LABELS,
    OUTCOME_LABELS,
    REPORT_COLUMNS,
    EntryLevel,
    ImportResult,
    Outcome,
    ReportEntry,
    RowResult,
)
from .rows import ParsedRow, RowChecker
from .services import import_organisations, resolve_mapping

__all__ = [
    "LEVEL_LABELS",
    "OUTCOME_LABELS",
    "REPORT_COLUMNS",
    "SIMILAR_NAME_THRESHOLD",
    "TARGETS",
    "TARGET_FIELDS",
    "EntryLevel",
    "ImportResult",
    "Lookups",
    "Mapping",
    "Outcome",
    "ParsedRow",
    "ReportEntry",
    "RowChecker",
    "RowResult",
    "TargetField",
    "clean_text",
    "fold",
    "fold_key",
    "import_organisations",
    "infer_legal_form",
    "mapping_choices",
    "normalise_website",
    "parse_headcount",
    "resolve_mapping",
    "similarity_key",
    "split_list",
    "split_person_name",
    "suggest_mapping",
]
