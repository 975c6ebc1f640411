"""Importers for the official WZ files and the curated vocabularies, and WZ look-ups.

The files come from Destatis and are read from ``settings.REFERENCE_DATA_DIR`` (never
copied into the repository). Every importer parses and checks the whole file before it
writes anything, writes in one transaction and compares with what is stored, so running
it again after a new Destatis release only touches what changed.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.progress import Progress, silent, track

from .choices import WzLevel, WzVersion
from .models import (
    CertificationStandard,
    GrowthField,
    Technology,
    Vocabulary,
    WzCode,
    WzCorrespondence,
)

__all__ = [
    "CORRESPONDENCE_PATTERN",
    "DEFAULT_VOCABULARIES_PATH",
    "WZ2008_PATTERN",
    "WZ2025_PATTERN",
    "ImportStats",
    "ReferenceDataError",
    "RowCounts",
    "find_reference_file",
    "import_wz2008",
    "import_wz2025",
    "load_vocabularies",
    "normalise_wz_code",
    "resolve_wz2008",
    "vocabulary_slug",
    "wz_label_path",
]

DEFAULT_VOCABULARIES_PATH = Path(__file__).resolve().parent / "data" / "vocabularies.json"

WZ2008_PATTERN = "WZ_2008_DE_*.xml"
WZ2025_PATTERN = "WZ_2025_DE_*.xml"
CORRESPONDENCE_PATTERN = "WZ2025-*-Correspondences.xml"


class ReferenceDataError(Exception):
    """A reference file is missing, unreadable or inconsistent; nothing was written."""


# --- Statistics ----------------------------------------------------------------------


@dataclass
class RowCounts:
    """What an import did to one kind of row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    # Rows in the database that the file no longer lists. WZ codes and vocabulary
    # entries are kept (organisations may point at them); the operator decides.
    not_in_file: int = 0

    def __str__(self) -> str:
        text = _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.deleted:
            text += _(", %(deleted)d deleted") % {"deleted": self.deleted}
        if self.not_in_file:
            text += _(", %(kept)d kept although no longer in the file") % {"kept": self.not_in_file}
        return text


@dataclass
class ImportStats:
    """Counts per kind of row, so a summary can say what a run changed.

    ``created``/``updated``/``unchanged``/``deleted`` add up all kinds; ``counts`` has
    them per kind (``"codes"``, ``"correspondences"``, ``"growth_fields"``, …).
    """

    sources: list[Path] = field(default_factory=list)
    counts: dict[str, RowCounts] = field(default_factory=dict)

    def rows(self, kind: str) -> RowCounts:
        return self.counts.setdefault(kind, RowCounts())

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    @property
    def deleted(self) -> int:
        return sum(c.deleted for c in self.counts.values())

    def __str__(self) -> str:
        labels = {
            "codes": _("codes"),
            "correspondences": _("correspondence links"),
            "english_titles": _("English titles"),
            "growth_fields": _("growth fields"),
            "technologies": _("technologies"),
            "certification_standards": _("certification standards"),
        }
        parts = [f"{labels.get(kind, kind)}: {rows}" for kind, rows in self.counts.items()]
        text = "; ".join(parts)
        if self.sources:
            text += " (" + ", ".join(path.name for path in self.sources) + ")"
        return text


# --- Finding files -------------------------------------------------------------------


def find_reference_file(pattern: str, directory: Path | None = None) -> Path:
    """The newest file matching ``pattern`` (by name: Destatis puts the date in it).

    Looking for a pattern rather than a fixed name means a newer Destatis release can
    simply be dropped next to the old one.
    """
    folder = directory if directory is not None else Path(settings.REFERENCE_DATA_DIR) / "wz"
    matches = sorted(folder.glob(pattern))
    if not matches:
        raise ReferenceDataError(
            _("No file matching %(pattern)s in %(folder)s.")
            % {"pattern": pattern, "folder": folder}
        )
    return matches[-1]


# --- Parsing the genericode (XÖV) code lists ------------------------------------------

# genericode column id → WzCode field
_COLUMNS = {
    "ItemCode": "code",
    "ItemEbene": "level",
    "ItemOffiziellerTitel": "title",
    "ItemLangtitel": "title_long",
    "ItemMitteltitel": "title_mid",
    "ItemKurztitel": "title_short",
    "ItemErlaeuterungstitel": "explanatory_title",
    "AllgemeineBemerkungen": "remarks",
    "Einschluesse": "includes",
    "UmfasstFerner": "also_includes",
    "Ausschluesse": "excludes",
}
_TEXT_FIELDS = [f for f in _COLUMNS.values() if f not in ("code", "level")]
# Fields the importer owns; everything is compared before a row counts as updated.
_WZ_FIELDS = ["level", "parent_id", "section", *_TEXT_FIELDS]

_CODE_PATTERNS = {
    WzLevel.SECTION: re.compile(r"[A-Z]"),
    WzLevel.DIVISION: re.compile(r"\d{2}"),
    WzLevel.GROUP: re.compile(r"\d{2}\.\d"),
    WzLevel.CLASS: re.compile(r"\d{2}\.\d{2}"),
    WzLevel.SUBCLASS: re.compile(r"\d{2}\.\d{2}\.\d"),
}


@dataclass
class _WzItem:
    row: int
    code: str
    level: int
    section: str
    parent_code: str | None
    values: dict[str, str]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean(text: str | None) -> str:
    """Trim, unify line ends and drop a leading spreadsheet text marker (``'Diese …``).

    The WZ 2025 file has notes that start with a stray apostrophe, left over from a
    spreadsheet export; it is not part of the text.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("'") and text[1:2].isalpha():
        text = text[1:]
    return text


_SOFT_BREAK = re.compile(r"(?<=\w)-\n(?=[a-zäöüß])(?!u\.|ä\.)")


def _unwrap_short_title(text: str) -> str:
    """Join the short title, which Destatis breaks into two print lines.

    ``"H.v.Schädlingsbekämp-\\nfungs-u.Desinfektionsm."`` is one word split by a
    hyphen; ``"Kalk-\\nu.Gipsstein"`` keeps its hyphen (it stands for "Kalk- und").
    """
    text = _SOFT_BREAK.sub("", text)
    text = text.replace("-\n", "-")
    return re.sub(r"\s*\n\s*", " ", text)


def _iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column id: value}) for each ``Row`` of a genericode file."""
    number = 0
    for _event, element in ET.iterparse(path, events=("end",)):
        if _local(element.tag) != "Row":
            continue
        number += 1
        values: dict[str, str] = {}
        for value in element:
            if _local(value.tag) != "Value":
                continue
            column = value.get("ColumnRef", "")
            simple = next((c for c in value if _local(c.tag) == "SimpleValue"), None)
            values[column] = (simple.text or "") if simple is not None else ""
        element.clear()
        yield number, values


def _xml_error(path: Path, exc: ET.ParseError) -> ReferenceDataError:
    line, column = exc.position
    return ReferenceDataError(
        _("%(file)s is not valid XML (line %(line)d, column %(column)d): %(error)s")
        % {"file": path, "line": line, "column": column, "error": exc}
    )


def _max_length(name: str) -> int | None:
    return getattr(WzCode._meta.get_field(name), "max_length", None)


def _parse_wz(path: Path, progress: Progress, label: str) -> list[_WzItem]:
    """Read and check the whole file first, so that a broken file writes nothing."""
    items: list[_WzItem] = []
    by_code: dict[str, _WzItem] = {}
    section = ""
    try:
        rows = list(_iter_rows(path))
    except ET.ParseError as exc:
        raise _xml_error(path, exc) from exc
    except OSError as exc:
        raise ReferenceDataError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
        ) from exc
    if not rows:
        raise ReferenceDataError(_("%(file)s contains no code list rows.") % {"file": path})

    for number, values in track(rows, len(rows), label, progress):
        code = _clean(values.get("ItemCode"))

        def fail(problem: str, number: int = number, code: str = code) -> ReferenceDataError:
            return ReferenceDataError(
                _("%(file)s, row %(row)d (code %(code)s): %(problem)s")
                % {"file": path, "row": number, "code": code or "?", "problem": problem}
            )

        level_text = _clean(values.get("ItemEbene"))
        if not level_text.isdigit() or int(level_text) not in WzLevel.values:
            raise fail(_("level %(level)r is not 1 to 5.") % {"level": level_text})
        level = int(level_text)
        if not _CODE_PATTERNS[WzLevel(level)].fullmatch(code):
            raise fail(_("the code does not have the form of level %(level)d.") % {"level": level})
        if code in by_code:
            raise fail(
                _("the code appears twice (first in row %(row)d).") % {"row": by_code[code].row}
            )

        if level == WzLevel.SECTION:
            section = code
            parent_code = None
        elif level == WzLevel.DIVISION:
            if not section:
                raise fail(_("a division comes before any section."))
            parent_code = section
        else:
            parent_code = code[:-2] if level in (WzLevel.GROUP, WzLevel.SUBCLASS) else code[:-1]
            parent = by_code.get(parent_code)
            if parent is None:
                raise fail(
                    _("its parent %(parent)s is not listed before it.") % {"parent": parent_code}
                )
            if parent.section != section:
                raise fail(
                    _("its parent %(parent)s is in another section.") % {"parent": parent_code}
                )

        fields: dict[str, str] = {}
        for column, name in _COLUMNS.items():
            if name in ("code", "level"):
                continue
            text = _clean(values.get(column))
            if name == "title_short":
                text = _unwrap_short_title(text)
            limit = _max_length(name)
            if limit is not None and len(text) > limit:
                raise fail(
                    _("%(column)s is %(length)d characters long (at most %(limit)d fit).")
                    % {"column": column, "length": len(text), "limit": limit}
                )
            fields[name] = text
        if not fields["title"]:
            raise fail(_("the official title is empty."))

        item = _WzItem(number, code, level, section, parent_code, fields)
        items.append(item)
        by_code[code] = item
    return items


def _import_wz_items(
    version: str, items: list[_WzItem], stats: ImportStats, progress: Progress, label: str
) -> dict[str, int]:
    """Create or update the codes of one edition, parents first; returns code → id."""
    counts = stats.rows("codes")
    existing = {obj.code: obj for obj in WzCode.objects.filter(version=version)}
    ids = {code: obj.pk for code, obj in existing.items()}
    in_file = {item.code for item in items}
    counts.not_in_file = len(existing.keys() - in_file)

    done = 0
    progress(done, len(items), label)
    for level in WzLevel.values:
        at_level = [i for i in items if i.level == level]
        new: list[WzCode] = []
        changed: list[WzCode] = []
        for item in at_level:
            wanted: dict[str, Any] = {
                "level": item.level,
                "parent_id": ids[item.parent_code] if item.parent_code else None,
                "section": item.section,
                **item.values,
            }
            obj = existing.get(item.code)
            if obj is None:
                new.append(WzCode(version=version, code=item.code, **wanted))
            elif any(getattr(obj, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(obj, name, value)
                changed.append(obj)
            else:
                counts.unchanged += 1
        if new:
            WzCode.objects.bulk_create(new, batch_size=500)
            # Children of the next level need the new ids; not every backend returns them.
            ids.update(
                WzCode.objects.filter(version=version, code__in=[o.code for o in new])
                .values_list("code", "pk")
                .iterator()
            )
            counts.created += len(new)
        if changed:
            WzCode.objects.bulk_update(changed, _WZ_FIELDS, batch_size=500)
            counts.updated += len(changed)
        done += len(at_level)
        progress(done, len(items), label)
    return ids


# --- WZ 2008 ---------------------------------------------------------------------------


def import_wz2008(path: Path | None = None, progress: Progress = silent) -> ImportStats:
    """Import or update all five levels of WZ 2008 from the Destatis genericode file.

    WZ 2008 is what organisations are coded in (registers and the employment agency
    still use it), so its notes are imported completely for staff to code correctly.
    """
    path = Path(path) if path else find_reference_file(WZ2008_PATTERN)
    stats = ImportStats(sources=[path])
    items = _parse_wz(path, progress, _("Reading WZ 2008"))
    with transaction.atomic():
        _import_wz_items(WzVersion.WZ2008, items, stats, progress, _("Saving WZ 2008"))
    return stats


# --- WZ 2025 and the correspondence ----------------------------------------------------


@dataclass
class _Link:
    item: str
    wz2008: str
    is_partial: bool


def _parse_correspondence(path: Path, progress: Progress, label: str) -> list[_Link]:
    """Read the Eurostat Claset file: level-5 WZ 2025 items and their WZ 2008 sources.

    'ex' (= only part of the WZ 2008 item) is in ``PropertyText type="Example"`` in
    the 2025-08-19 release; it is also accepted in ``Subtitle`` in case a later
    release moves it there.
    """
    links: list[_Link] = []
    seen: dict[tuple[str, str], int] = {}
    items = 0
    progress(0, None, label)
    try:
        for _event, element in ET.iterparse(path, events=("end",)):
            if _local(element.tag) != "Item":
                continue
            items += 1
            item_id = (element.get("id") or "").strip()
            for prop in element:
                if _local(prop.tag) != "Property" or prop.get("genericName") != "wz2008":
                    continue
                for qualifier in prop:
                    texts = {
                        (t.get("type") or ""): (t.text or "").strip()
                        for t in qualifier
                        if _local(t.tag) == "PropertyText"
                    }
                    target = texts.get("Content", "")
                    if not _CODE_PATTERNS[WzLevel.SUBCLASS].fullmatch(
                        item_id
                    ) or not _CODE_PATTERNS[WzLevel.SUBCLASS].fullmatch(target):
                        raise ReferenceDataError(
                            _(
                                "%(file)s, item %(item)s: a WZ 2008 link must go from a "
                                "subclass to a subclass, found %(target)r."
                            )
                            % {"file": path, "item": item_id or "?", "target": target}
                        )
                    partial = "ex" in (texts.get("Example"), texts.get("Subtitle"))
                    if (item_id, target) in seen:
                        raise ReferenceDataError(
                            _("%(file)s, item %(item)s: the link to %(target)s appears twice.")
                            % {"file": path, "item": item_id, "target": target}
                        )
                    seen[(item_id, target)] = len(links)
                    links.append(_Link(item_id, target, partial))
            element.clear()
            if items % 500 == 0:
                progress(items, None, label)
    except ET.ParseError as exc:
        raise _xml_error(path, exc) from exc
    except OSError as exc:
        raise ReferenceDataError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
        ) from exc
    if not links:
        raise ReferenceDataError(_("%(file)s contains no WZ 2008 correspondence.") % {"file": path})
    progress(items, items, label)
    return links


def _import_links(
    path: Path, links: list[_Link], ids2025: dict[str, int], stats: ImportStats
) -> None:
    counts = stats.rows("correspondences")
    ids2008 = dict(
        WzCode.objects.filter(version=WzVersion.WZ2008, level=WzLevel.SUBCLASS).values_list(
            "code", "pk"
        )
    )
    if not ids2008:
        raise ReferenceDataError(
            _("Import WZ 2008 before the WZ 2025 correspondence (%(file)s).") % {"file": path}
        )
    wanted: dict[tuple[int, int], bool] = {}
    for link in links:
        if link.item not in ids2025:
            raise ReferenceDataError(
                _("%(file)s, item %(item)s: not a WZ 2025 code.")
                % {"file": path, "item": link.item}
            )
        if link.wz2008 not in ids2008:
            raise ReferenceDataError(
                _("%(file)s, item %(item)s: %(target)s is not a WZ 2008 subclass.")
                % {"file": path, "item": link.item, "target": link.wz2008}
            )
        wanted[(ids2025[link.item], ids2008[link.wz2008])] = link.is_partial

    existing = {(c.wz2025_id, c.wz2008_id): c for c in WzCorrespondence.objects.all()}
    new = [
        WzCorrespondence(wz2025_id=a, wz2008_id=b, is_partial=partial)
        for (a, b), partial in wanted.items()
        if (a, b) not in existing
    ]
    changed = []
    for pair, obj in existing.items():
        if pair in wanted:
            if obj.is_partial != wanted[pair]:
                obj.is_partial = wanted[pair]
                changed.append(obj)
            else:
                counts.unchanged += 1
    # The correspondence is official and nothing else points at it: links the file no
    # longer has are wrong now, so they go.
    stale = [obj.pk for pair, obj in existing.items() if pair not in wanted]
    if stale:
        WzCorrespondence.objects.filter(pk__in=stale).delete()
    WzCorrespondence.objects.bulk_create(new, batch_size=500)
    WzCorrespondence.objects.bulk_update(changed, ["is_partial"], batch_size=500)
    counts.created, counts.updated, counts.deleted = len(new), len(changed), len(stale)


def import_wz2025(
    path: Path | None = None,
    correspondence_path: Path | None = None,
    progress: Progress = silent,
) -> ImportStats:
    """Import WZ 2025 and its official correspondence to WZ 2008 (WZ 2008 must be there).

    Both go in one transaction: codes without their links would make WZ 2025 search
    silently find nothing.
    """
    path = Path(path) if path else find_reference_file(WZ2025_PATTERN)
    correspondence_path = (
        Path(correspondence_path)
        if correspondence_path
        else find_reference_file(CORRESPONDENCE_PATTERN)
    )
    stats = ImportStats(sources=[path, correspondence_path])
    items = _parse_wz(path, progress, _("Reading WZ 2025"))
    links = _parse_correspondence(correspondence_path, progress, _("Reading WZ 2025 → WZ 2008"))
    with transaction.atomic():
        ids = _import_wz_items(WzVersion.WZ2025, items, stats, progress, _("Saving WZ 2025"))
        _import_links(correspondence_path, links, ids, stats)
    return stats


# --- Look-ups ---------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PREFIX = re.compile(r"^(?:WZ(?:\s*-?\s*2008)?\s*[:\-]?\s*)", re.IGNORECASE)
_SECTION = re.compile(r"^([A-Ua-u])(?:\s*[-:]\s*|\s+|(?=\d))(?=\d)")


def normalise_wz_code(text: str) -> tuple[str, str | None] | None:
    """(canonical code, section letter typed or None) for a WZ 2008 class or subclass.

    Accepts what spreadsheets hold: ``"20.20"``, ``"2020"``, ``"20.20.0"``, ``"20200"``,
    ``"C 20.20"``, ``"20,20"`` (German decimal comma) and ``"2020.0"`` (a number cell).
    Returns None when the text cannot be a code of level 4 or 5.
    """
    raw = _SPACES.sub(" ", text or "").strip()
    raw = _PREFIX.sub("", raw)
    section: str | None = None
    match = _SECTION.match(raw)
    if match:
        section = match.group(1).upper()
        raw = raw[match.end() :]
    raw = raw.replace(",", ".").replace(" ", "").rstrip(".")
    if re.fullmatch(r"\d{4,5}\.0+", raw):  # a number cell: 2020.0
        raw = raw.split(".", 1)[0]
    if re.fullmatch(r"\d{4}", raw):
        code = f"{raw[:2]}.{raw[2:]}"
    elif re.fullmatch(r"\d{5}", raw):
        code = f"{raw[:2]}.{raw[2:4]}.{raw[4]}"
    elif re.fullmatch(r"\d{2}\.\d{2}(?:\.\d)?", raw):
        code = raw
    elif re.fullmatch(r"\d{2}\.\d{2}\d", raw):  # 20.200
        code = f"{raw[:5]}.{raw[5]}"
    elif re.fullmatch(r"\d{2}\.\d", raw):
        # A number cell drops the trailing zero of 20.20; the caller checks the x0 class.
        code = f"{raw}0"
    else:
        return None
    return code, section


def resolve_wz2008(text: str) -> WzCode | None:
    """The WZ 2008 class or subclass meant by a code typed in a spreadsheet, or None.

    A section letter that does not match the code's section makes it None: one of the
    two is a typo and guessing which would code an organisation wrongly.
    """
    normalised = normalise_wz_code(text)
    if normalised is None:
        return None
    code, section = normalised
    found = WzCode.objects.filter(
        version=WzVersion.WZ2008, code=code, level__gte=WzLevel.CLASS
    ).first()
    if found is None or (section is not None and found.section != section):
        return None
    return found


def _ancestor_codes(code: str) -> list[str]:
    """Codes of the numeric ancestors and the item: ``20.20.0`` → 20, 20.2, 20.20, 20.20.0."""
    if not code[:1].isdigit():
        return [code]
    candidates = [code[:2], code[:4], code[:5], code[:7]]
    return [c for c in dict.fromkeys(candidates) if len(c) <= len(code) and not c.endswith(".")]


def wz_label_path(code: WzCode | str, version: str = WzVersion.WZ2008) -> list[WzCode]:
    """Section → division → group → class → subclass down to ``code``, in one query.

    WZ codes nest by string prefix, so the ancestors' codes are known without walking
    the parent links; only the section letter needs the item (or a subquery).
    """
    if isinstance(code, WzCode):
        version, text, section = code.version, code.code, code.section
        condition = Q(code__in=[*_ancestor_codes(text), section])
    else:
        text = code.strip()
        condition = Q(code__in=_ancestor_codes(text)) | Q(
            level=WzLevel.SECTION,
            code__in=WzCode.objects.filter(version=version, code=text).values("section"),
        )
    chain = list(WzCode.objects.filter(condition, version=version).order_by("level"))
    if not chain or chain[-1].code != text:
        return []
    return chain


# --- Curated vocabularies ----------------------------------------------------------------

_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def vocabulary_slug(name: str) -> str:
    """A readable ASCII slug: German letters are spelled out first (``Schweißen`` → ``schweissen``).

    Plain ``slugify`` would drop ``ß`` and turn ``ä`` into ``a``, which reads wrongly in
    German URLs.
    """
    return slugify(name.translate(_TRANSLITERATION))


@dataclass
class _Entry:
    kind: str
    name: str
    slug: str
    values: dict[str, Any]
    parent_slug: str | None = None


def _read_vocabularies(path: Path) -> list[_Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
        ) from exc
    if not isinstance(data, dict):
        raise ReferenceDataError(_("%(file)s must hold a JSON object.") % {"file": path})

    entries: list[_Entry] = []
    names: dict[tuple[str, str], str] = {}
    slugs: dict[tuple[str, str], str] = {}

    def add(kind: str, raw: Any, where: str, parent: str | None = None) -> _Entry:
        if not isinstance(raw, dict) or not str(raw.get("name", "")).strip():
            raise ReferenceDataError(
                _("%(file)s, %(where)s: every entry needs a name.") % {"file": path, "where": where}
            )
        name = str(raw["name"]).strip()
        slug = str(raw.get("slug") or vocabulary_slug(name))
        for seen, key in ((names, name.casefold()), (slugs, slug)):
            if (kind, key) in seen:
                raise ReferenceDataError(
                    _("%(file)s, %(where)s: %(name)s is listed twice (also %(other)s).")
                    % {"file": path, "where": where, "name": name, "other": seen[(kind, key)]}
                )
            seen[(kind, key)] = where
        values: dict[str, Any] = {
            "name": name,
            "name_en": str(raw.get("name_en", "")).strip(),
            "description": str(raw.get("description", "")).strip(),
        }
        if kind == "technologies":
            synonyms = raw.get("synonyms", [])
            if not isinstance(synonyms, list):
                raise ReferenceDataError(
                    _("%(file)s, %(where)s: synonyms must be a list.")
                    % {"file": path, "where": where}
                )
            values["synonyms"] = "\n".join(str(s).strip() for s in synonyms if str(s).strip())
        entry = _Entry(kind, name, slug, values, parent)
        entries.append(entry)
        return entry

    for kind in ("growth_fields", "technologies", "certification_standards"):
        raw_list = data.get(kind, [])
        if not isinstance(raw_list, list):
            raise ReferenceDataError(
                _("%(file)s: %(kind)s must be a list.") % {"file": path, "kind": kind}
            )
        for index, raw in enumerate(raw_list, start=1):
            where = f"{kind}[{index}]"
            entry = add(kind, raw, where)
            for child_index, child in enumerate(raw.get("children", []), start=1):
                if kind != "technologies":
                    raise ReferenceDataError(
                        _("%(file)s, %(where)s: only technologies have children.")
                        % {"file": path, "where": where}
                    )
                add(kind, child, f"{where}.children[{child_index}]", parent=entry.slug)
    return entries


_VOCABULARY_MODELS: dict[str, type[Vocabulary]] = {
    "growth_fields": GrowthField,
    "technologies": Technology,
    "certification_standards": CertificationStandard,
}


def load_vocabularies(path: Path | None = None, progress: Progress = silent) -> ImportStats:
    """Seed or update growth fields, technologies and certification standards.

    Entries are matched by slug (then by name, in case staff changed a slug), so
    wording fixes in the JSON update rows in place and keep organisations' links.
    Entries staff added in the admin are left alone.
    """
    path = Path(path) if path else DEFAULT_VOCABULARIES_PATH
    entries = _read_vocabularies(path)
    stats = ImportStats(sources=[path])
    label = _("Vocabularies")
    done = 0
    progress(done, len(entries), label)
    with transaction.atomic():
        for kind, model in _VOCABULARY_MODELS.items():
            counts = stats.rows(kind)
            stored: list[Vocabulary] = list(model._default_manager.all())
            by_slug = {obj.slug: obj for obj in stored}
            by_name = {obj.name.casefold(): obj for obj in stored}
            mine = [e for e in entries if e.kind == kind]
            matched: set[int] = set()
            # Parents first, so children can point at them.
            for entry in sorted(mine, key=lambda e: e.parent_slug is not None):
                obj = by_slug.get(entry.slug) or by_name.get(entry.name.casefold())
                wanted = dict(entry.values)
                if kind == "technologies":
                    wanted["parent_id"] = (
                        by_slug[entry.parent_slug].pk if entry.parent_slug else None
                    )
                if obj is None:
                    obj = model._default_manager.create(slug=entry.slug, **wanted)
                    counts.created += 1
                elif any(getattr(obj, k) != v for k, v in wanted.items()):
                    for k, v in wanted.items():
                        setattr(obj, k, v)
                    obj.save(update_fields=list(wanted))
                    counts.updated += 1
                else:
                    counts.unchanged += 1
                by_slug[entry.slug] = obj
                matched.add(obj.pk)
                done += 1
                if done % 25 == 0:
                    progress(done, len(entries), label)
            counts.not_in_file = sum(1 for obj in stored if obj.pk not in matched)
    progress(done, len(entries), label)
    return stats
