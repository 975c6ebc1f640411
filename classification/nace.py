"""English WZ titles from Eurostat's NACE Rev. 2 list.

WZ 2008 is the German national version of NACE Rev. 2: sections, divisions, groups and
classes have the same codes and the same content, so their English titles are NACE's.
The fifth level (subclasses such as ``25.62.0``) is German only; a subclass shows the
English title of its class. WZ 2025 follows NACE Rev. 2.1, which the reference data does
not have in English, so WZ 2025 codes keep German titles only.

Like the other importers, the whole file is read and checked before anything is written,
in one transaction, and only changed titles are written: running it again changes nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.progress import Progress, silent, track

from .choices import WzLevel, WzVersion
from .models import WzCode
from .services import _CODE_PATTERNS, ImportStats, ReferenceDataError, find_reference_file

__all__ = ["NACE_PATTERN", "import_wz_english_titles", "read_nace_titles"]

NACE_PATTERN = "nace_rev2*.csv"
_COLUMNS = ("Level", "Code", "Description")
_NACE_LEVELS = (WzLevel.SECTION, WzLevel.DIVISION, WzLevel.GROUP, WzLevel.CLASS)


def nace_folder() -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / "nace"


def _sentence_case(title: str) -> str:
    """NACE writes section titles in capitals (``MANUFACTURING``); the portal does not."""
    if title.upper() != title:
        return title
    lowered = title.lower()
    return lowered[:1].upper() + lowered[1:]


def read_nace_titles(path: Path, progress: Progress = silent) -> dict[str, str]:
    """Code → English title of every NACE item (levels 1–4), checked as a whole."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=";")
            missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ReferenceDataError(
                    _("%(file)s lacks the column(s) %(columns)s.")
                    % {"file": path, "columns": ", ".join(missing)}
                )
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
        ) from exc
    if not rows:
        raise ReferenceDataError(_("%(file)s contains no NACE items.") % {"file": path})

    limit = WzCode._meta.get_field("title_en").max_length or 0
    titles: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for number, row in track(enumerate(rows, start=1), len(rows), _("Reading NACE"), progress):
        code = (row.get("Code") or "").strip()
        level_text = (row.get("Level") or "").strip()
        title = " ".join((row.get("Description") or "").split())

        def fail(problem: str, number: int = number, code: str = code) -> ReferenceDataError:
            return ReferenceDataError(
                _("%(file)s, row %(row)d (code %(code)s): %(problem)s")
                % {"file": path, "row": number, "code": code or "?", "problem": problem}
            )

        if not level_text.isdigit() or int(level_text) not in _NACE_LEVELS:
            raise fail(_("level %(level)r is not 1 to 4.") % {"level": level_text})
        level = WzLevel(int(level_text))
        if not _CODE_PATTERNS[level].fullmatch(code):
            raise fail(_("the code does not have the form of level %(level)d.") % {"level": level})
        if code in first_row:
            raise fail(
                _("the code appears twice (first in row %(row)d).") % {"row": first_row[code]}
            )
        if not title:
            raise fail(_("the title is empty."))
        if len(title) > limit:
            raise fail(
                _("the title is %(length)d characters long (at most %(limit)d fit).")
                % {"length": len(title), "limit": limit}
            )
        first_row[code] = number
        titles[code] = _sentence_case(title)
    return titles


def import_wz_english_titles(path: Path | None = None, progress: Progress = silent) -> ImportStats:
    """Give every WZ 2008 code its English title (a subclass: its class's).

    Run after the WZ 2008 import (``import_wz`` and ``import_reference_data`` do). A code
    the file does not name loses an English title it had: the file is the authority.
    """
    path = Path(path) if path else find_reference_file(NACE_PATTERN, nace_folder())
    titles = read_nace_titles(path, progress)
    stats = ImportStats(sources=[path])
    counts = stats.rows("english_titles")
    label = _("Saving English WZ titles")
    with transaction.atomic():
        codes = list(
            WzCode.objects.filter(version=WzVersion.WZ2008).only("id", "code", "level", "title_en")
        )
        if not codes:
            raise ReferenceDataError(_("Import WZ 2008 before its English titles."))
        changed: list[WzCode] = []
        for obj in track(codes, len(codes), label, progress):
            source = obj.code[:5] if obj.level == WzLevel.SUBCLASS else obj.code
            wanted = titles.get(source, "")
            if obj.title_en != wanted:
                obj.title_en = wanted
                changed.append(obj)
            else:
                counts.unchanged += 1
        WzCode.objects.bulk_update(changed, ["title_en"], batch_size=500)
        counts.updated += len(changed)
    return stats
