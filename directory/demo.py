"""Demo data: a generated but realistic regional landscape of organisations.

A fresh installation (``make run``) and every benchmark need data that looks like
a real agency's database without being anyone's real data. ``generate`` builds it
from the imported reference data: WZ 2008 subclasses and their explanatory notes
give the descriptions and products, the postal codes and districts give the
addresses, the curated vocabularies give technologies, certifications and growth
fields. Every generated record has ``source = "generated"`` so the portal can say
so, and the same seed gives the same organisations on any database.

The real organisations in the reference files (large-customer postal codes of
organisations, universities) are added with ``source = "reference"`` and nothing
invented about them.

Generated rows are written without change history: history starts when a person
edits a record, and a million historical rows of machine-made data would only
slow the portal and hide the real edits. That, and building plain tuples from
lookups held in memory, is what makes a million organisations take minutes, not
hours (see docs/performance.md). Rows go in without model signals, so each batch names
its organisations to ``directory.signals.organisations_changed`` (and so does
``delete_generated``): the search index follows with one update per batch.
"""

from __future__ import annotations

import csv
import datetime
import gc
import math
import random
import re
import sqlite3
import time
import unicodedata
from bisect import bisect_right as bisect_cum
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.deletion import CASCADE, DO_NOTHING, SET_NULL
from django.utils import timezone
from django.utils.translation import gettext as _

from classification.models import CertificationStandard, GrowthField, Technology, WzCode
from core.progress import Progress, silent
from geo.choices import GeocodePrecision
from geo.models import District, Municipality, PostalCode, State
from geo.names import fold_place_name

from .choices import (
    NETWORK_KINDS,
    EmployeeSizeClass,
    IdentifierScheme,
    LegalForm,
    OrganisationKind,
    PublicationStatus,
    SiteKind,
    Source,
)
from .demo_data import words
from .demo_data.sectors import NETWORKS, PROFILES, NetworkDefinition, Profile
from .models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
)
from .signals import organisations_changed

DEFAULT_SEED = 1990
DEFAULT_COUNT = 4500
DEFAULT_BATCH_SIZE = 10_000
AGENCY_PREFIX = "DEMO-"
# RFC 2606 reserves ".example": no website or mailbox of a generated record can exist.
DEMO_TLD = "example"
# Bundesnetzagentur's numbers for films and fiction (030 23125 000-999): never a real line.
DEMO_PHONE = "+49 30 23125 {:03d}"
# Bound parameters per statement: SQLite allows 32,766 since 3.32, 999 before.
SQLITE_MAX_VARIABLES = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
GROSSKUNDEN_FILE = "geonames/geonames_de_grosskunden_orgs.csv"
UNIVERSITIES_FILE = "universities/universities_de.csv"
NACE_FILE = "nace/nace_rev2.csv"

STATE_NAMES_EN = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Lower Saxony",
    "04": "Bremen",
    "05": "North Rhine-Westphalia",
    "06": "Hesse",
    "07": "Rhineland-Palatinate",
    "08": "Baden-Württemberg",
    "09": "Bavaria",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Western Pomerania",
    "14": "Saxony",
    "15": "Saxony-Anhalt",
    "16": "Thuringia",
}


@dataclass
class DemoStats:
    """What one run wrote, for the command's summary and the benchmark."""

    organisations: int = 0
    networks: int = 0
    reference: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    # Seconds the writer spent on each table (the benchmark reports rows per second).
    write_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def __str__(self) -> str:
        return _(
            "%(orgs)d generated organisations (%(networks)d networks), "
            "%(reference)d real organisations from reference files, "
            "%(rows)d rows in %(seconds).1f s"
        ) % {
            "orgs": self.organisations,
            "networks": self.networks,
            "reference": self.reference,
            "rows": self.total_rows,
            "seconds": self.seconds,
        }


class DemoDataError(Exception):
    """The reference data the generator builds on is missing."""


# --- Text helpers -----------------------------------------------------------------------

_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str) -> str:
    """``Weber & Söhne Metallbau`` → ``weber-soehne-metallbau`` (German spelling kept readable)."""
    text = text.translate(_TRANSLITERATION).lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", text).strip("-")


def fold(text: str) -> str:
    return ascii_slug(text).replace("-", " ")


_REFERENCE = re.compile(r"\s*\((?:s\.|siehe)[^)]*\)")
_ANG = re.compile(r",?\s*(?:a\. ?n\. ?g\.|anderweitig nicht genannt)")
_SCOPE = re.compile(
    r"^(?:Diese|Die)\s+(?:Unterklasse|Klasse|Gruppe|Abteilung|Abschnitt)\s+umfasst\b\s*"
)
_ALSO = re.compile(r"^(?:Sie|Er|Es)\s+umfasst\s+(?:auch|ferner)\b\s*")
_CLASSIFICATION_WORDS = re.compile(
    r"Unterklasse|Klasse\b|Gruppe\b|Abteilung\b|Abschnitt\b|klassifiziert|zugeordnet|"
    r"Klassifikation|\bs\. \d"
)
_SENTENCE_END = re.compile(r"(?<=[a-zäöüß)]{2})\. +(?=[A-ZÄÖÜ])")
# Abbreviations whose full stop does not end a sentence ("z. B. Ferngläser").
_ABBREVIATIONS = re.compile(r"\b(z\. B|d\. h|u\. a|i\. d\. R|bzw|ggf|usw|sog|ca|einschl|inkl|Nr)\.")
# A head that only reads well followed by its sub-items ("Installation von:").
_OPEN_HEAD = re.compile(r"\b(?:von|in|für|aus|mit|zur|zum|als|an|auf)$")
MAX_BULLET = 160


def clean_note(text: str) -> str:
    text = _REFERENCE.sub("", text)
    text = _ANG.sub("", text)
    return " ".join(text.split()).strip(" ;,:")


def note_bullets(text: str) -> list[str]:
    """Activities listed in a WZ note ("– ..." items, "●" sub-items joined to their head)."""
    bullets: list[str] = []
    head = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("–"):
            item = clean_note(line.lstrip("– "))
            if raw.rstrip().endswith(":"):
                head = item
                continue
            head = ""
            if item:
                bullets.append(item)
        elif line.startswith("●") and head:
            item = clean_note(line.lstrip("● "))
            if not item:
                continue
            if _OPEN_HEAD.search(head) and len(head) < 60:
                item = f"{head} {item}"
            bullets.append(item)
        elif line:
            head = ""
    return [b for b in bullets if 8 <= len(b) <= MAX_BULLET and not _CLASSIFICATION_WORDS.search(b)]


def note_sentences(text: str) -> list[str]:
    """Prose sentences of a WZ note, rewritten to read as a self-description."""
    sentences: list[str] = []
    for paragraph in text.split("\n\n"):
        paragraph = paragraph.strip()
        if not paragraph or paragraph[0] in "–●" or paragraph.endswith(":"):
            continue
        if "\n" in paragraph:
            continue
        protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), paragraph)
        for sentence in _SENTENCE_END.split(clean_note(protected)):
            sentence = sentence.replace("\x00", ".").strip().rstrip(".")
            sentence = _SCOPE.sub("Unser Leistungsspektrum umfasst ", sentence)
            sentence = _ALSO.sub("Es umfasst auch ", sentence)
            if (
                sentence.startswith(("Unser Leistungsspektrum", "Es umfasst"))
                and not _CLASSIFICATION_WORDS.search(sentence)
                and len(sentence) <= 400
            ):
                sentences.append(sentence + ".")
    return sentences


def clean_title(title: str) -> str:
    return clean_note(title)


# --- Reference lookups ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Code:
    id: int
    code: str
    section: str
    title: str
    bullets: tuple[str, ...]
    sentences: tuple[str, ...]
    english: str


@dataclass(frozen=True)
class _Place:
    code: str
    place: str
    latitude: float
    longitude: float
    district_id: int
    municipality_id: int | None


def _nace_titles() -> dict[str, str]:
    """English NACE Rev. 2 class titles by code ("25.62" → "Machining"), if the file is there."""
    path = Path(settings.REFERENCE_DATA_DIR) / NACE_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["Code"]: row["Description"].strip()
            for row in csv.DictReader(handle, delimiter=";")
            if row.get("Level") == "4"
        }


def _wz_codes() -> dict[str, _Code]:
    """Every WZ 2008 subclass with text usable for descriptions, by code."""
    notes: dict[str, tuple[str, str, str]] = {}
    rows = WzCode.objects.filter(version="2008").order_by("code")
    subclasses = []
    for item in rows.values_list(
        "id", "code", "level", "section", "title", "includes", "also_includes"
    ):
        pk, code, level, section, title, includes, also = item
        notes[code] = (title, includes, also)
        if level == 5:
            subclasses.append((pk, code, section, title))
    english = _nace_titles()
    codes: dict[str, _Code] = {}
    for pk, code, section, title in subclasses:
        bullets: list[str] = []
        sentences: list[str] = []
        # The subclass, its class and its group: subclasses ".0" often leave the notes to the class.
        for key in (code, code[:5], code[:4]):
            if key in notes:
                _title, includes, also = notes[key]
                text = f"{includes}\n\n{also}"
                bullets.extend(b for b in note_bullets(text) if b not in bullets)
                sentences.extend(s for s in note_sentences(text) if s not in sentences)
        if not bullets and not sentences:
            continue
        if not bullets:
            # "Herstellung von Gesenkschmiedeteilen": the title names the product.
            bullets.append(clean_title(title))
        codes[code] = _Code(
            id=pk,
            code=code,
            section=section,
            title=clean_title(title),
            bullets=tuple(bullets),
            sentences=tuple(sentences),
            english=english.get(code[:5], ""),
        )
    return codes


def _nearest(lat: float, lon: float, candidates: Sequence[tuple[int, float, float]]) -> int | None:
    best, best_distance = None, math.inf
    scale = math.cos(math.radians(lat))
    for pk, mlat, mlon in candidates:
        distance = (mlat - lat) ** 2 + ((mlon - lon) * scale) ** 2
        if distance < best_distance:
            best, best_distance = pk, distance
    return best


class _Geography:
    """The state's postal codes, weighted by district population, with their municipality."""

    def __init__(self, state_ags: str) -> None:
        self.state_ags = state_ags
        state = State.objects.filter(ags=state_ags).first()
        self.state_name = state.name if state else ""
        districts = District.objects.filter(ags__startswith=state_ags)
        current: dict[int, int] = {}
        population: dict[int, float] = {}
        for pk, merged_into, people, kind in districts.values_list(
            "id", "merged_into", "population", "kind"
        ):
            # Businesses cluster in the cities: a city resident counts more than a rural one.
            weight = (people or 0) * (URBAN_WEIGHT if "Stadt" in (kind or "") else 1)
            current[pk] = merged_into or pk
            population[merged_into or pk] = population.get(merged_into or pk, 0) + weight
        self.current_district = current
        self.municipalities: dict[int, list[tuple[int, float, float]]] = {}
        self.municipality_names: dict[int, str] = {}
        for pk, district, lat, lon, name in (
            Municipality.objects.filter(district__in=list(current))
            .order_by("ags")
            .values_list("id", "district", "latitude", "longitude", "name")
        ):
            self.municipalities.setdefault(current[district], []).append((pk, lat, lon))
            self.municipality_names[pk] = name
        rows = (
            PostalCode.objects.filter(district__in=list(current), is_large_customer=False)
            .order_by("code", "place")
            .values_list("code", "place", "latitude", "longitude", "district")
        )
        places: list[_Place] = []
        for code, name, lat, lon, district in rows:
            district = current[district]
            municipality = _nearest(lat, lon, self.municipalities.get(district, ()))
            places.append(_Place(code, name, lat, lon, district, municipality))
        if not places:
            raise DemoDataError(
                _("No postal codes for state %(ags)s: run “manage.py import_reference_data” first.")
                % {"ags": state_ags}
            )
        per_district: dict[int, int] = {}
        for place in places:
            per_district[place.district_id] = per_district.get(place.district_id, 0) + 1
        weights = [
            max(population.get(p.district_id, 0), 1) / per_district[p.district_id] for p in places
        ]
        self.places = places
        self.cum_weights = list(accumulate(weights))
        self.total_weight = self.cum_weights[-1]

    def town(self, word: str) -> tuple[int, float, float, int] | None:
        """The municipality named ``word`` exactly (id, latitude, longitude, district)."""
        if not hasattr(self, "_towns"):
            self._towns: dict[str, tuple[int, float, float, int]] = {}
            for district, members in self.municipalities.items():
                for pk, lat, lon in members:
                    key = fold_place_name(self.municipality_names[pk])
                    self._towns.setdefault(key, (pk, lat, lon, district))
        key = fold_place_name(word)
        return self._towns.get(key) if len(key) > 3 else None

    def postal_place_near(
        self, lat: float, lon: float, district: int, name: str = ""
    ) -> _Place | None:
        """The postal code nearest to a point, among those of the place ``name`` if any."""
        candidates = [p for p in self.places if p.district_id == district]
        key = fold_place_name(name)
        named = [p for p in candidates if fold_place_name(p.place) == key]
        candidates = named or candidates
        scale = math.cos(math.radians(lat))
        return min(
            candidates,
            key=lambda p: (p.latitude - lat) ** 2 + ((p.longitude - lon) * scale) ** 2,
            default=None,
        )

    def find(self, town: str) -> _Place | None:
        key = fold(town)
        for place in self.places:
            if fold(place.place) == key:
                return place
        for place in self.places:
            if fold(place.place).startswith(key):
                return place
        return None

    def locate(self, lat: float, lon: float, district_ags: str) -> tuple[int | None, int | None]:
        """District and nearest municipality of a point with a known district key."""
        district = District.objects.filter(ags=district_ags).values_list("id", flat=True).first()
        if district is None:
            return None, None
        district = self.current_district.get(district, district)
        return district, _nearest(lat, lon, self.municipalities.get(district, ()))


# --- Writing rows -----------------------------------------------------------------------


class _Table:
    """Rows of one table, written in bulk with the columns Django would use.

    Columns not named here get their model default, so a field added later with a
    default does not break the generator.
    """

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        meta = model._meta
        self.model = model
        self.table = meta.db_table
        fields: list[Any] = [meta.get_field(name) for name in names]
        rest: list[Any] = [
            f
            for f in meta.concrete_fields
            if f.name not in names and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        now = timezone.now()
        self.extra = tuple(
            f.get_db_prep_save(
                now
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default(),
                connection,
            )
            for f in rest
        )
        columns = [f.column for f in fields] + [f.column for f in rest]
        quote = connection.ops.quote_name
        self.columns = ", ".join(quote(c) for c in columns)
        # SQLite: INSERTs of many rows each, through the DB-API cursor (qmark style), the
        # constant columns bound once per statement. A statement per few thousand rows
        # costs a third less than ``executemany`` and lets the writer thread run without
        # Python's GIL most of the time.
        self.width = len(fields)
        self.per_statement = max(1, (SQLITE_MAX_VARIABLES - len(self.extra)) // self.width)
        constants = "".join(", ?" for _ in self.extra)
        self.insert = f"INSERT INTO {quote(self.table)} ({self.columns}) SELECT *{constants} FROM "
        self.placeholders = "(" + ", ".join(["?"] * self.width) + ")"
        self.full_sql = self._values_sql(self.per_statement)
        self.copy_sql = f"COPY {quote(self.table)} ({self.columns}) FROM STDIN"
        self.vendor = connection.vendor
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.seconds = 0.0

    def _values_sql(self, rows: int) -> str:
        return f"{self.insert}(VALUES {', '.join([self.placeholders] * rows)})"

    def take(self) -> list[tuple[Any, ...]]:
        rows, self.rows = self.rows, []
        return rows

    def write(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        """Insert ``rows`` through a DB-API cursor (may run in the writer thread)."""
        if not rows:
            return
        started = time.perf_counter()
        extra = self.extra
        if self.vendor == "postgresql":
            # COPY is several times faster than INSERT on PostgreSQL.
            with cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row + extra)
        else:
            per = self.per_statement
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                sql = self.full_sql if len(chunk) == per else self._values_sql(len(chunk))
                cursor.execute(sql, [*extra, *chain.from_iterable(chunk)])
        self.written += len(rows)
        self.seconds += time.perf_counter() - started


def demo_domain(slug: str, number: int) -> str:
    """A host name under the reserved TLD for an organisation's slug and demo number.

    A DNS label has at most 63 characters: a longer slug is cut and made unique again
    with the number.
    """
    if len(slug) > 63:
        slug = f"{slug[:52].rstrip('-')}-{number}"
    return f"{slug}.{DEMO_TLD}"


def _m2m_table(m2m: Any) -> _Table:
    through = m2m.remote_field.through
    return _Table(through, (m2m.m2m_field_name(), m2m.m2m_reverse_field_name()))


def _reserve_ids(model: type[models.Model], count: int, peek: bool = False) -> Any:
    """Primary keys for ``count`` new rows, so children can point at them before insert.

    With ``peek`` only the key the next row would most likely get.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if peek:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
                    f"FROM {sequence}"
                )
                return cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")
        highest = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses a key, not even one whose row was deleted.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row:
                highest = max(highest, row[0])
        if peek:
            return highest + 1
        return list(range(highest + 1, highest + 1 + count))


# --- The generator ----------------------------------------------------------------------

URBAN_WEIGHT = 1.6
SIZE_CLASSES = (
    EmployeeSizeClass.MICRO.value,
    EmployeeSizeClass.SMALL.value,
    EmployeeSizeClass.MEDIUM.value,
    EmployeeSizeClass.LARGE.value,
)
HEADCOUNT = {"micro": (2, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 1400)}
ROLES = {
    "company": (
        ("Geschäftsführer", "Geschäftsführerin"),
        ("Vertriebsleiter", "Vertriebsleiterin"),
        ("Technischer Leiter", "Technische Leiterin"),
        ("Leiter Einkauf", "Leiterin Einkauf"),
        ("Projektleiter", "Projektleiterin"),
        ("Personalreferent", "Personalreferentin"),
    ),
    "research": (
        ("Institutsdirektor", "Institutsdirektorin"),
        ("Leiter Technologietransfer", "Leiterin Technologietransfer"),
        ("Gruppenleiter", "Gruppenleiterin"),
        ("Projektkoordinator", "Projektkoordinatorin"),
    ),
    "network": (
        ("Netzwerkmanager", "Netzwerkmanagerin"),
        ("Vorstandsvorsitzender", "Vorstandsvorsitzende"),
        ("Projektmanager", "Projektmanagerin"),
    ),
    "other": (
        ("Geschäftsführer", "Geschäftsführerin"),
        ("Referent Wirtschaft", "Referentin Wirtschaft"),
        ("Vorsitzender", "Vorsitzende"),
    ),
}
OWNER = ("Inhaber", "Inhaberin")
PUBLISHED = PublicationStatus.PUBLISHED.value
GENERATED = Source.GENERATED.value
HEADQUARTERS = SiteKind.HEADQUARTERS.value
POSTAL_CODE_PRECISION = GeocodePrecision.POSTAL_CODE.value
AGENCY = IdentifierScheme.AGENCY.value
KIND_SUBJECT = {
    "company": "Unser Unternehmen",
    "research": "Unser Institut",
    "university": "Unsere Hochschule",
    "chamber": "Unsere Innung",
    "association": "Unser Verein",
    "public": "Unser Verband",
    "network": "Unser Netzwerk",
    "cluster": "Unser Cluster",
}
KIND_SUBJECT_LOWER = {
    kind: subject[0].lower() + subject[1:] for kind, subject in KIND_SUBJECT.items()
}
# Share of organisations with 0, 1, 2, 3 secondary codes / 1, 2, 3 contacts / ... items.
SECONDARY_K = (45, 33, 15, 7)
CONTACTS_K = (45, 35, 20)
OFFERINGS_K = (20, 35, 30, 15)
TECH_K = (10, 35, 35, 20)
VISIBILITIES = ("public", "registered", "staff")
VISIBILITY_WEIGHTS = (40, 35, 25)
ROLE_CHOICES = ("member", "founding", "board", "partner")
ROLE_WEIGHTS = (85, 7, 4, 4)
PERSON_FORMS = {"e. K.", "Einzelunternehmen"}
# Forms of businesses with few people, and forms that old family firms have today.
SMALL_FORMS = {"e. K.", "Einzelunternehmen", "GbR", "UG (haftungsbeschränkt)"}
OLD_FORMS = {"GmbH", "GmbH & Co. KG", "KG", "AG", "OHG"}
FAMILY_FORMS = ("GmbH & Co. KG", "KG", "OHG")


def _cum(weights: Iterable[float]) -> list[float]:
    return list(accumulate(weights))


@dataclass
class _ProfilePlan:
    profile: Profile
    codes: list[_Code]
    # Name words with the codes that fit each ("Zimmerei" → 43.91.2).
    words: list[tuple[str, list[_Code]]]
    technologies: list[int]
    certifications: list[tuple[int, float]]
    growth_fields: list[int]
    forms: list[str]
    forms_cum: list[float]
    patterns: list[str]
    patterns_cum: list[float]
    sizes_cum: list[float]
    networks: list[tuple[int, int]]  # (network id, founding year)


class _Generator:
    def __init__(self, seed: int, state_ags: str, batch_size: int, progress: Progress) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.batch_size = max(100, batch_size)
        self.progress = progress
        self.geo = _Geography(state_ags)
        state_en = STATE_NAMES_EN.get(state_ags, "")
        self.state_suffix_en = f", {state_en}" if state_en else ""
        self.codes = _wz_codes()
        if not self.codes:
            raise DemoDataError(_("No WZ 2008 codes: run “manage.py import_reference_data” first."))
        self.technology_ids = dict(Technology.objects.values_list("name", "id"))
        self.certification_ids = dict(CertificationStandard.objects.values_list("name", "id"))
        self.certification_names = {v: k for k, v in self.certification_ids.items()}
        self.growth_field_ids = dict(GrowthField.objects.values_list("name", "id"))
        self.slugs = set(Organisation.objects.values_list("slug", flat=True))
        self.today = timezone.localdate()
        self.year = self.today.year
        self.surnames = words("surnames")
        self.female = words("first_names_female")
        self.male = words("first_names_male")
        self.streets = words("streets")
        self.landscapes = words("landscapes")
        self.towns = words("town_adjectives")
        self.stems = words("brand_stems")
        self.suffixes = words("brand_suffixes")
        self.ascii_names = {
            name: ascii_slug(name) for name in (*self.surnames, *self.female, *self.male)
        }
        self.phones = [DEMO_PHONE.format(i) for i in range(1000)]
        self.source_detail = f"generate_demo_data seed {seed}"
        self._open_tables()
        self.next_agency_number = self._next_agency_number()
        self.stats = DemoStats()
        self.founded_networks: set[int] = set()

    def _open_tables(self) -> None:
        org = (
            "id",
            "kind",
            "name",
            "slug",
            "legal_form",
            "short_description",
            "short_description_en",
            "description",
            "website",
            "email",
            "phone",
            "founding_year",
            "employee_size_class",
            "primary_wz",
            "status",
            "source",
            "source_detail",
            "last_verified",
        )
        self.t_org = _Table(Organisation, org)
        self.t_site = _Table(
            Site,
            (
                "organisation",
                "kind",
                "is_primary",
                "street",
                "postal_code",
                "place",
                "country",
                "latitude",
                "longitude",
                "geocode_precision",
                "municipality",
                "district",
            ),
        )
        self.t_contact = _Table(
            ContactPerson,
            (
                "organisation",
                "title",
                "first_name",
                "last_name",
                "role",
                "phone",
                "email",
                "visibility",
                "order",
            ),
        )
        self.t_offering = _Table(Offering, ("organisation", "kind", "name"))
        self.t_cert = _Table(Certification, ("organisation", "standard", "valid_until"))
        self.t_ident = _Table(ExternalIdentifier, ("organisation", "scheme", "value"))
        self.t_member = _Table(Membership, ("organisation", "network", "role", "since"))
        meta = Organisation._meta
        self.t_secondary = _m2m_table(meta.get_field("secondary_wz"))
        self.t_tech = _m2m_table(meta.get_field("technologies"))
        self.t_growth = _m2m_table(meta.get_field("growth_fields"))
        self.org_rows = self.t_org.rows
        self.site_rows = self.t_site.rows
        self.contact_rows = self.t_contact.rows
        self.offering_rows = self.t_offering.rows
        self.cert_rows = self.t_cert.rows
        self.ident_rows = self.t_ident.rows
        self.member_rows = self.t_member.rows
        self.secondary_rows = self.t_secondary.rows
        self.tech_rows = self.t_tech.rows
        self.growth_rows = self.t_growth.rows
        self.tables = (
            self.t_org,
            self.t_site,
            self.t_contact,
            self.t_offering,
            self.t_cert,
            self.t_ident,
            self.t_member,
            self.t_secondary,
            self.t_tech,
            self.t_growth,
        )
        date_field = Organisation._meta.get_field("last_verified")
        self.verified_dates = [
            date_field.get_db_prep_save(self.today - datetime.timedelta(days=d), connection)
            for d in range(3 * 365)
        ]
        valid_field = Certification._meta.get_field("valid_until")
        self.valid_dates = [
            valid_field.get_db_prep_save(self.today + datetime.timedelta(days=d), connection)
            for d in range(30, 3 * 365)
        ]

    def _next_agency_number(self) -> int:
        values = ExternalIdentifier.objects.filter(
            scheme=IdentifierScheme.AGENCY, value__startswith=AGENCY_PREFIX
        ).values_list("value", flat=True)
        numbers = [
            int(v[len(AGENCY_PREFIX) :]) for v in values if v[len(AGENCY_PREFIX) :].isdigit()
        ]
        return max(numbers, default=0) + 1

    # -- planning ------------------------------------------------------------------------

    def _plan(self, networks: list[tuple[int, NetworkDefinition]]) -> None:
        by_prefix: dict[str, list[_Code]] = {}
        for code in self.codes.values():
            by_prefix.setdefault(code.code[:2], []).append(code)
        plans: list[_ProfilePlan] = []
        for profile in PROFILES:
            codes = [
                code
                for prefix in profile.wz
                for code in by_prefix.get(prefix[:2], ())
                if code.code.startswith(prefix)
            ]
            if not codes:
                continue
            words: list[tuple[str, list[_Code]]] = []
            for entry in profile.words:
                word, _sep, prefixes = entry.partition("=")
                fits = [
                    c for c in codes if any(c.code.startswith(p) for p in prefixes.split(",") if p)
                ]
                words.append((word, fits or codes))
            fitting = [
                (pk, definition.founded)
                for pk, definition in networks
                if profile.key in definition.profiles
            ]
            plans.append(
                _ProfilePlan(
                    profile=profile,
                    codes=codes,
                    words=words,
                    technologies=[
                        self.technology_ids[n]
                        for n in profile.technologies
                        if n in self.technology_ids
                    ],
                    certifications=[
                        (self.certification_ids[n], p)
                        for n, p in profile.certifications
                        if n in self.certification_ids
                    ],
                    growth_fields=[
                        self.growth_field_ids[n]
                        for n in profile.growth_fields
                        if n in self.growth_field_ids
                    ],
                    forms=[form for form, _w in profile.legal_forms],
                    forms_cum=_cum(w for _f, w in profile.legal_forms),
                    patterns=[p for p, _w in profile.patterns],
                    patterns_cum=_cum(w for _p, w in profile.patterns),
                    sizes_cum=_cum(profile.sizes),
                    networks=fitting,
                )
            )
        self.plans = plans
        self.plans_cum = _cum(plan.profile.weight for plan in plans)
        self.plans_total = self.plans_cum[-1]

    # -- names ---------------------------------------------------------------------------

    def _unique_slug(self, name: str) -> str:
        base = ascii_slug(name)[:240] or "organisation"
        slug = base
        n = 2
        while slug in self.slugs:
            slug = f"{base}-{n}"
            n += 1
        self.slugs.add(slug)
        return slug

    def _domain(self, slug: str) -> str:
        return demo_domain(slug, self.next_agency_number)

    def _company_name(
        self, plan: _ProfilePlan, word: str, form: str, place: str
    ) -> tuple[str, str, tuple[bool, str, str] | None]:
        """Name, legal form and, for a sole trader, the owner (female?, first, last name)."""
        rng = self.rng
        choice = rng.choice
        pattern = plan.patterns[bisect_cum(plan.patterns_cum, rng.random() * plan.patterns_cum[-1])]
        if form in PERSON_FORMS:
            female = rng.random() < 0.4
            first, last = choice(self.female if female else self.male), choice(self.surnames)
            base = f"{word} {first} {last}"
            return (
                (base if form == "Einzelunternehmen" else f"{base} e. K."),
                form,
                (
                    female,
                    first,
                    last,
                ),
            )
        if pattern == "surname":
            base = f"{choice(self.surnames)} {word}"
        elif pattern == "surname_pair":
            base = f"{choice(self.surnames)} & {choice(self.surnames)} {word}"
        elif pattern == "sons":
            base = f"{choice(self.surnames)} & Söhne {word}"
            if form not in FAMILY_FORMS:
                form = FAMILY_FORMS[0]
        elif pattern == "landscape":
            base = f"{choice(self.landscapes)} {word}"
        elif pattern == "town":
            base = f"{choice(self.towns)} {word}"
        elif pattern == "brand":
            base = choice(self.stems) + choice(self.suffixes)
            if rng.random() < 0.4:
                base = f"{base} {word}"
        else:
            base = f"{word} {place}"
        return f"{base} {form}", form, None

    def _other_name(self, plan: _ProfilePlan, word: str, form: str, place: str) -> str:
        rng = self.rng
        choice = rng.choice
        pattern = plan.patterns[0]
        if pattern == "institute":
            variant = rng.random()
            if form == "Stiftung":
                return f"Stiftung {word} {choice(self.landscapes)}"
            if variant < 0.4:
                base = f"Institut für {word} {place}"
            elif variant < 0.7:
                base = f"{choice(self.towns)} Institut für {word}"
            else:
                base = f"Forschungszentrum {word} {choice(self.landscapes)}"
            return f"{base} {form}"
        if pattern == "university":
            return f"Private Hochschule für {word} {choice(self.landscapes)}"
        if pattern == "guild":
            return f"Innung {word} {choice(self.landscapes)}"
        if pattern == "association":
            return f"{word} {choice(self.landscapes)} e. V."
        return f"{word} {choice(self.landscapes)}"

    # -- one organisation ------------------------------------------------------------------

    def _organisation(self, org_id: int) -> None:
        # Hot loop: ``seq[int(r() * len(seq))]`` instead of ``rng.choice`` and plain
        # arithmetic instead of ``randint`` keep a million organisations in minutes.
        r = self.rng.random
        plan = self.plans[bisect_cum(self.plans_cum, r() * self.plans_total)]
        profile = plan.profile
        kind = profile.kind
        geo = self.geo
        place = geo.places[bisect_cum(geo.cum_weights, r() * geo.total_weight)]
        town = place.place
        form = plan.forms[bisect_cum(plan.forms_cum, r() * plan.forms_cum[-1])]
        word, word_codes = plan.words[int(r() * len(plan.words))]
        owner = None
        if kind == "company":
            name, form, owner = self._company_name(plan, word, form, town)
        else:
            name = self._other_name(plan, word, form, town)
        slug = self._unique_slug(name)
        domain = self._domain(slug)

        primary = word_codes[int(r() * len(word_codes))]
        secondary: list[_Code] = []
        k = bisect_cum(SECONDARY_CUM, r() * SECONDARY_TOTAL)
        if k:
            pool = plan.codes
            for _i in range(k):
                code = pool[int(r() * len(pool))]
                if code is not primary and code not in secondary:
                    secondary.append(code)

        size = SIZE_CLASSES[bisect_cum(plan.sizes_cum, r() * plan.sizes_cum[-1])]
        if form in SMALL_FORMS and size in ("medium", "large"):
            size = "small"
        low, high = HEADCOUNT[size]
        headcount = low + int(r() * (high - low + 1))
        roll = r()
        if kind != "company":
            founded = 1990 + int(r() * 29)
        elif form == "UG (haftungsbeschränkt)":
            founded = 2008 + int(r() * (self.year - 2008))
        elif owner is None and " & Söhne " in name:
            founded = 1870 + int(r() * 116)
        elif roll < 0.08 and form in OLD_FORMS:
            founded = 1880 + int(r() * 110)
        elif roll < 0.45:
            founded = 1990 + int(r() * 10)
        else:
            founded = 2000 + int(r() * (self.year - 2000))

        certs = [pk for pk, p in plan.certifications if r() < p]

        # Focus activities (and products): mostly of the primary code, some of the others.
        picks = []
        bullets = primary.bullets
        for _i in range(2 + int(r() * 4)):
            if secondary and r() >= 0.6:
                bullets = secondary[int(r() * len(secondary))].bullets
            else:
                bullets = primary.bullets
            picks.append(bullets[int(r() * len(bullets))])
        focus = list(dict.fromkeys(picks))
        title = primary.title
        intro = int(r() * 3)
        subject = KIND_SUBJECT[kind]
        if intro == 0:
            first = f"{subject} aus {town} ist seit {founded} im Bereich „{title}“ tätig."
        elif intro == 1:
            first = f"{subject} mit Sitz in {town} arbeitet seit {founded} im Bereich „{title}“."
        else:
            first = f"Seit {founded} steht {KIND_SUBJECT_LOWER[kind]} in {town} für „{title}“."
        paragraphs = [first]
        sentences = primary.sentences
        if sentences:
            paragraphs.append(sentences[int(r() * len(sentences))])
        text = "; ".join(focus)
        paragraphs.append(f"Unsere Schwerpunkte: {text}{'' if text[-1] == '.' else '.'}")
        if kind == "company":
            paragraphs.append(
                f"Wir beschäftigen rund {headcount} Mitarbeiterinnen und Mitarbeiter."
            )
        if certs:
            names = self.certification_names
            paragraphs.append(f"Zertifiziert nach {', '.join(names[pk] for pk in certs)}.")
        short = "; ".join(focus[:2])
        if len(short) > 300:
            short = title
        english = ""
        if primary.english and r() < 0.3:
            english = f"{primary.english} in {town}{self.state_suffix_en}"

        self.org_rows.append(
            (
                org_id,
                kind,
                name,
                slug,
                form,
                short,
                english,
                "\n\n".join(paragraphs),
                f"https://{domain}",
                f"info@{domain}",
                self.phones[int(r() * 1000)],
                founded,
                size,
                primary.id,
                PUBLISHED,
                GENERATED,
                self.source_detail,
                self.verified_dates[int(r() * len(self.verified_dates))],
            )
        )
        streets = self.streets
        self.site_rows.append(
            (
                org_id,
                HEADQUARTERS,
                True,
                f"{streets[int(r() * len(streets))]} {1 + int(r() * 120)}"
                f"{'a' if r() < 0.06 else ''}",
                place.code,
                town,
                "DE",
                round(place.latitude + (r() - 0.5) * 0.008, 6),
                round(place.longitude + (r() - 0.5) * 0.012, 6),
                POSTAL_CODE_PRECISION,
                place.municipality_id,
                place.district_id,
            )
        )
        if secondary:
            self.secondary_rows.extend((org_id, code.id) for code in secondary)

        n_offerings = bisect_cum(OFFERINGS_CUM, r() * 100) + 1
        product = primary.section == "C"
        self.offering_rows.extend(
            (
                org_id,
                "product" if product and bullet.startswith("Herstellung") else "service",
                bullet[:200],
            )
            for bullet in focus[:n_offerings]
        )

        technologies = plan.technologies
        if technologies:
            k = bisect_cum(TECH_CUM, r() * 100)
            if k:
                n = len(technologies)
                picked = dict.fromkeys(technologies[int(r() * n)] for _i in range(k))
                self.tech_rows.extend((org_id, pk) for pk in picked)
        for i, pk in enumerate(plan.growth_fields):
            if r() < (0.6 if i == 0 else 0.3):
                self.growth_rows.append((org_id, pk))
        if certs:
            dates = self.valid_dates
            self.cert_rows.extend((org_id, pk, dates[int(r() * len(dates))]) for pk in certs)

        self._contacts(org_id, kind, domain, owner)

        self.ident_rows.append((org_id, AGENCY, f"{AGENCY_PREFIX}{self.next_agency_number:06d}"))
        self.next_agency_number += 1

        join = profile.join
        for network_id, network_founded in plan.networks:
            if network_id not in self.founded_networks:
                # The first fitting organisation founds the network: none stays empty.
                self.founded_networks.add(network_id)
                role = "founding"
            elif r() < join:
                role = ROLE_CHOICES[bisect_cum(ROLE_CUM, r() * 100)]
                if role == "member" and kind in ("research", "university"):
                    role = "partner"
            else:
                continue
            start = max(founded, network_founded)
            years = 0 if role == "founding" else int(r() * (self.year - start + 1))
            self.member_rows.append((org_id, network_id, role, start + years))

    def _contacts(
        self, org_id: int, kind: str, domain: str, owner: tuple[bool, str, str] | None = None
    ) -> None:
        r = self.rng.random
        roles = ROLES.get(kind) or ROLES["other"]
        female_names, male_names, surnames = self.female, self.male, self.surnames
        local = self.ascii_names
        rows = self.contact_rows
        scholars = kind in ("research", "university")
        for order in range(bisect_cum(CONTACTS_CUM, r() * 100) + 1):
            if order == 0 and owner:
                female, first, last = owner
                role_pair = OWNER
            else:
                female = r() < 0.45
                names = female_names if female else male_names
                first = names[int(r() * len(names))]
                last = surnames[int(r() * len(surnames))]
                role_pair = roles[0] if order == 0 else roles[1 + int(r() * (len(roles) - 1))]
            roll = r()
            if scholars:
                title = "Prof. Dr." if roll < 0.2 else "Dr." if roll < 0.6 else ""
            else:
                title = "Dr." if roll < 0.06 else ""
            rows.append(
                (
                    org_id,
                    title,
                    first,
                    last,
                    role_pair[1] if female else role_pair[0],
                    self.phones[int(r() * 1000)],
                    f"{local[first]}.{local[last]}@{domain}",
                    VISIBILITIES[bisect_cum(VISIBILITY_CUM, r() * 100)],
                    order,
                )
            )

    # -- networks ------------------------------------------------------------------------

    def _networks(self, count: int) -> list[tuple[int, NetworkDefinition]]:
        """The invented networks, reused if an earlier run created them."""
        definitions = list(NETWORKS[:count])
        existing = dict(
            Organisation.objects.filter(
                source=Source.GENERATED, name__in=[d.name for d in definitions]
            ).values_list("name", "id")
        )
        new = [d for d in definitions if d.name not in existing]
        ids = _reserve_ids(Organisation, len(new)) if new else []
        for pk, definition in zip(ids, new, strict=True):
            self._network(pk, definition)
            existing[definition.name] = pk
        self.stats.networks = len(new)
        return [(existing[d.name], d) for d in definitions]

    def _network(self, org_id: int, definition: NetworkDefinition) -> None:
        rng = self.rng
        place = self.geo.find(definition.town) or self.geo.places[0]
        slug = self._unique_slug(definition.name)
        domain = self._domain(slug)
        code = self.codes.get(definition.wz)
        self.t_org.rows.append(
            (
                org_id,
                definition.kind,
                definition.name,
                slug,
                definition.legal_form,
                definition.short,
                "",
                f"{definition.short}\n\n{definition.description}",
                f"https://{domain}",
                f"info@{domain}",
                DEMO_PHONE.format(rng.randint(0, 999)),
                definition.founded,
                EmployeeSizeClass.MICRO.value,
                code.id if code else None,
                PublicationStatus.PUBLISHED.value,
                Source.GENERATED.value,
                f"generate_demo_data seed {self.seed}",
                choice_date(rng, self.verified_dates),
            )
        )
        self.t_site.rows.append(
            (
                org_id,
                SiteKind.HEADQUARTERS.value,
                True,
                f"{rng.choice(self.streets)} {rng.randint(1, 60)}",
                place.code,
                place.place,
                "DE",
                round(place.latitude + (rng.random() - 0.5) * 0.008, 6),
                round(place.longitude + (rng.random() - 0.5) * 0.012, 6),
                GeocodePrecision.POSTAL_CODE.value,
                place.municipality_id,
                place.district_id,
            )
        )
        for name in definition.technologies:
            if name in self.technology_ids:
                self.t_tech.rows.append((org_id, self.technology_ids[name]))
        for name in definition.growth_fields:
            if name in self.growth_field_ids:
                self.t_growth.rows.append((org_id, self.growth_field_ids[name]))
        self._contacts(org_id, "network", domain)
        self.t_ident.rows.append(
            (org_id, IdentifierScheme.AGENCY.value, f"{AGENCY_PREFIX}{self.next_agency_number:06d}")
        )
        self.next_agency_number += 1

    # -- run -----------------------------------------------------------------------------

    def _take(self) -> list[list[tuple[Any, ...]]]:
        """This batch's rows of every table; the generator goes on with empty lists."""
        batch = [table.take() for table in self.tables]
        self.org_rows = self.t_org.rows
        self.site_rows = self.t_site.rows
        self.contact_rows = self.t_contact.rows
        self.offering_rows = self.t_offering.rows
        self.cert_rows = self.t_cert.rows
        self.ident_rows = self.t_ident.rows
        self.member_rows = self.t_member.rows
        self.secondary_rows = self.t_secondary.rows
        self.tech_rows = self.t_tech.rows
        self.growth_rows = self.t_growth.rows
        return batch

    def _write(self, batch: list[list[tuple[Any, ...]]], raw_connection: Any) -> None:
        # The DB-API connection of the thread that opened the transaction: Django's
        # ``connection`` is per thread, and the rows belong to that transaction.
        cursor = raw_connection.cursor()
        try:
            for table, rows in zip(self.tables, batch, strict=True):
                table.write(cursor, rows)
        finally:
            cursor.close()

    def _generate(self, first_id: int, size: int) -> list[list[tuple[Any, ...]]]:
        for org_id in range(first_id, first_id + size):
            self._organisation(org_id)
        return self._take()

    def run(self, count: int) -> DemoStats:
        # The rows are plain tuples that die with their batch: the cyclic garbage
        # collector finds nothing to free, yet its full passes over a growing heap cost
        # a fifth of the time at a million organisations.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(count)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _run(self, count: int) -> DemoStats:
        """Write the networks, then the organisations batch by batch.

        While the writer thread inserts one batch (SQLite and PostgreSQL do their
        work without holding Python's GIL), this thread builds the next one. Rows
        are built with the keys the batch will most likely get; the rare batch that
        gets others (someone inserted meanwhile) is renumbered before it is written.
        """
        label = _("Generating organisations")
        network_count = min(len(NETWORKS), count // 15)
        with transaction.atomic():
            networks = self._networks(network_count)
            connection.ensure_connection()
            raw_connection = connection.connection
            self._write(self._take(), raw_connection)
            # Written without model signals: the search hears of each batch this way.
            organisations_changed([pk for pk, _d in networks], sender=generate)
        self._plan(networks)
        self.founded_networks = set(
            Membership.objects.filter(network__in=[pk for pk, _d in networks]).values_list(
                "network_id", flat=True
            )
        )
        done = self.stats.networks
        remaining = count - done
        self.progress(done, count, label)
        if remaining <= 0:
            return self._finish(done)
        expected = _reserve_ids(Organisation, 0, peek=True)
        size = min(self.batch_size, remaining)
        batch: list[list[tuple[Any, ...]]] | None = self._generate(expected, size)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-writer") as writer:
            while batch is not None:
                with transaction.atomic():
                    ids = _reserve_ids(Organisation, size)
                    organisations_changed(ids, sender=generate)
                    if ids[0] != expected or ids[-1] != expected + size - 1:
                        _renumber(
                            batch, dict(zip(range(expected, expected + size), ids, strict=True))
                        )
                    future = writer.submit(self._write, batch, raw_connection)
                    remaining -= size
                    done += size
                    try:
                        if remaining > 0:
                            expected, size = ids[-1] + 1, min(self.batch_size, remaining)
                            batch = self._generate(expected, size)
                        else:
                            batch = None
                    finally:
                        future.result()
                self.progress(done, count, label)
        return self._finish(done)

    def _finish(self, done: int) -> DemoStats:
        self.stats.organisations = done
        self.stats.rows = {t.table: t.written for t in self.tables}
        self.stats.write_seconds = {t.table: t.seconds for t in self.tables}
        return self.stats


def _renumber(batch: list[list[tuple[Any, ...]]], ids: dict[int, int]) -> None:
    """Give a batch the keys it really got: every row starts with its organisation's key."""
    for rows in batch:
        rows[:] = [(ids[row[0]], *row[1:]) for row in rows]


def choice_date(rng: random.Random, dates: Sequence[Any]) -> Any:
    return dates[rng.randrange(len(dates))]


SECONDARY_CUM = _cum(SECONDARY_K)
SECONDARY_TOTAL = SECONDARY_CUM[-1]
CONTACTS_CUM = _cum(CONTACTS_K)
OFFERINGS_CUM = _cum(OFFERINGS_K)
TECH_CUM = _cum(TECH_K)
VISIBILITY_CUM = _cum(VISIBILITY_WEIGHTS)
ROLE_CUM = _cum(ROLE_WEIGHTS)


# --- Real organisations from the reference files ------------------------------------------

_LEGAL_SUFFIXES = tuple(
    sorted(
        (f.value for f in LegalForm if f.value not in ("other", "Stiftung")), key=len, reverse=True
    )
)
_PUBLIC_WORDS = (
    "agentur",
    "amt",
    "ministerium",
    "stadtverwaltung",
    "gericht",
    "bußgeldstelle",
    "rentenversicherung",
    "familienkasse",
    "rundfunk",
)


def reference_kind(name: str) -> str:
    """The kind of a real organisation, told from its name."""
    lowered = name.lower()
    if "universität" in lowered or "hochschule" in lowered or "university" in lowered:
        return OrganisationKind.UNIVERSITY
    if "kammer" in lowered:
        return OrganisationKind.CHAMBER
    if any(word in lowered for word in _PUBLIC_WORDS):
        return OrganisationKind.PUBLIC_BODY
    return OrganisationKind.COMPANY


def _legal_form_of(name: str) -> str:
    for suffix in _LEGAL_SUFFIXES:
        if name.endswith(" " + suffix):
            return suffix
    return ""


@dataclass
class _RealOrganisation:
    name: str
    kind: str
    source_detail: str
    website: str = ""
    postal_code: str = ""
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    precision: str = GeocodePrecision.NONE
    district_id: int | None = None
    municipality_id: int | None = None
    tokens: frozenset[str] = frozenset()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reference_organisations(state_ags: str) -> list[_RealOrganisation]:
    """The state's real organisations in the reference files, merged by name."""
    directory = Path(settings.REFERENCE_DATA_DIR)
    geography = _Geography(state_ags)
    found: dict[str, _RealOrganisation] = {}
    path = directory / GROSSKUNDEN_FILE
    if path.is_file():
        for row in _read_csv(path):
            if not row.get("community_code", "").startswith(state_ags):
                continue
            name = " ".join(row["place"].split())
            key = fold(name)
            if key in found:
                continue
            lat, lon = float(row["latitude"]), float(row["longitude"])
            district, municipality = geography.locate(lat, lon, row["community_code"])
            found[key] = _RealOrganisation(
                name=name,
                kind=reference_kind(name),
                source_detail=GROSSKUNDEN_FILE,
                postal_code=row["zipcode"],
                place=geography.municipality_names.get(municipality or 0, ""),
                latitude=lat,
                longitude=lon,
                precision=GeocodePrecision.POSTAL_CODE,
                district_id=district,
                municipality_id=municipality,
                tokens=frozenset(fold(name).split()),
            )
    path = directory / UNIVERSITIES_FILE
    if path.is_file():
        state_names = {fold(geography.state_name), fold(STATE_NAMES_EN.get(state_ags, "-"))}
        for row in _read_csv(path):
            name = " ".join(row["name"].split())
            domain = (row.get("domains") or "").split(" ")[0]
            # Whole words only: "Berlin-Weissensee" is not Weißensee in Thuringia.
            words_ = [w for w in re.split(r"[\s/,()]+", name) if w]
            words_ += domain.split(".")[0].split("-")
            town = next((t for t in map(geography.town, words_) if t is not None), None)
            in_state = fold(row.get("state_province") or "-") in state_names
            if not in_state and town is None:
                continue
            website = (row.get("web_pages") or "").split(" ")[0].strip()
            tokens = frozenset(fold(name).split())
            match = next(
                (
                    org
                    for org in found.values()
                    if org.kind == OrganisationKind.UNIVERSITY
                    and org.tokens
                    and org.tokens <= tokens
                ),
                None,
            )
            if match:
                match.name = name
                match.website = match.website or website
                match.source_detail = f"{match.source_detail}, {UNIVERSITIES_FILE}"
                continue
            key = fold(name)
            if key in found:
                continue
            org = _RealOrganisation(
                name=name,
                kind=OrganisationKind.UNIVERSITY,
                source_detail=UNIVERSITIES_FILE,
                website=website,
            )
            if town is not None:
                # Only the town is known: its centre, and the postal code nearest to it.
                municipality, lat, lon, district = town
                postal = geography.postal_place_near(
                    lat, lon, district, geography.municipality_names[municipality]
                )
                org.postal_code = postal.code if postal else ""
                org.place = postal.place if postal else ""
                org.latitude = lat
                org.longitude = lon
                org.precision = GeocodePrecision.MUNICIPALITY
                org.district_id = district
                org.municipality_id = municipality
            found[key] = org
    return list(found.values())


def _import_reference(state_ags: str) -> int:
    """Create the real organisations not yet present (matched by name); return how many."""
    created = 0
    existing = set(
        Organisation.objects.filter(source=Source.REFERENCE).values_list("name", flat=True)
    )
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    for real in reference_organisations(state_ags):
        if real.name in existing:
            continue
        base = ascii_slug(real.name)[:240]
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        org = Organisation.objects.create(
            kind=real.kind,
            name=real.name,
            slug=slug,
            legal_form=_legal_form_of(real.name),
            website=real.website,
            status=PublicationStatus.PUBLISHED,
            source=Source.REFERENCE,
            source_detail=real.source_detail,
        )
        if real.postal_code:
            Site.objects.create(
                organisation=org,
                postal_code=real.postal_code,
                place=real.place,
                latitude=real.latitude,
                longitude=real.longitude,
                geocode_precision=real.precision,
                district_id=real.district_id,
                municipality_id=real.municipality_id,
            )
        created += 1
    return created


# --- Public API -------------------------------------------------------------------------


def organisations_exist() -> bool:
    return Organisation.objects.exists()


def generate(
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    state_ags: str | None = None,
    progress: Progress = silent,
    batch_size: int = DEFAULT_BATCH_SIZE,
    include_reference: bool = True,
) -> DemoStats:
    """Add ``count`` generated organisations (networks included) and the real ones.

    The real organisations are added once; a second run adds generated ones only.
    """
    started = time.perf_counter()
    state_ags = state_ags or settings.PORTAL_STATE_AGS
    generator = _Generator(seed, state_ags, batch_size, progress)
    _restore_bulk_indexes()  # left dropped by a run that was killed
    if count >= BULK_INDEX_THRESHOLD:
        _drop_bulk_indexes()
        try:
            stats = generator.run(count)
        finally:
            progress(0, 1, _("Rebuilding indexes"))
            _restore_bulk_indexes()
            progress(1, 1, _("Rebuilding indexes"))
    else:
        stats = generator.run(count) if count > 0 else generator.stats
    if include_reference:
        with transaction.atomic():
            stats.reference = _import_reference(state_ags)
    stats.seconds = time.perf_counter() - started
    return stats


# Indexes with scattered keys that a large run drops and builds again at the end: inserting
# a million random names, host names and postal codes one by one into their B-trees costs
# more than the rest of the rows; building each index from the finished table takes seconds.
BULK_INDEX_THRESHOLD = 200_000
BULK_INDEXES: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (Organisation, ("name", "website", "primary_wz")),
    (Site, ("postal_code", "municipality", "district")),
)


def _single_column_indexes(table: str) -> dict[str, list[str]]:
    """Column → names of the plain (non-unique) one-column indexes on it."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexes: dict[str, list[str]] = {}
    for name, info in constraints.items():
        plain = info["index"] and not info["unique"] and not info["primary_key"]
        if plain and len(info["columns"]) == 1:
            indexes.setdefault(info["columns"][0], []).append(name)
    return indexes


def _drop_indexes(names: list[str]) -> None:
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


def _drop_bulk_indexes() -> None:
    for model, field_names in BULK_INDEXES:
        existing = _single_column_indexes(model._meta.db_table)
        for field_name in field_names:
            column = model._meta.get_field(field_name).column  # type: ignore[union-attr]
            _drop_indexes(existing.get(column or "", []))


def _restore_bulk_indexes() -> None:
    """Create the indexes the models declare for the bulk fields where any is missing.

    Uses the schema editor's own statements (PostgreSQL adds a ``_like`` index for
    text columns), so the result is what ``migrate`` made.
    """
    # The editor only writes the statements: entered, SQLite's would refuse to work
    # inside the transaction the caller may hold.
    editor = connection.schema_editor()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # Deferred foreign-key checks still pending block CREATE INDEX: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model, field_names in BULK_INDEXES:
            existing = _single_column_indexes(model._meta.db_table)
            for field_name in field_names:
                model_field = model._meta.get_field(field_name)
                statements = editor._field_indexes_sql(model, model_field)  # type: ignore[attr-defined]
                names = existing.get(model_field.column, [])  # type: ignore[union-attr,arg-type]
                if len(names) != len(statements):
                    _drop_indexes(names)
                    for statement in statements:
                        cursor.execute(str(statement))


def delete_generated(
    progress: Progress = silent, chunk: int = 500, keep_networks: bool = False
) -> int:
    """Delete every generated organisation with what belongs to it; return how many.

    Real and hand-made organisations stay (and, with ``keep_networks``, the generated
    networks). Deleting goes table by table in SQL, the way ``on_delete`` says,
    without change history: generated records have none.
    """
    label = _("Deleting generated organisations")
    generated = Organisation.objects.filter(source=Source.GENERATED)
    if keep_networks:
        generated = generated.exclude(kind__in=NETWORK_KINDS)
    ids = list(generated.order_by("pk").values_list("pk", flat=True))
    progress(0, len(ids), label)
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            doomed = ids[start : start + chunk]
            # Members of a deleted network lose it from their documents too.
            members = Membership.objects.filter(network_id__in=doomed)
            organisations_changed(
                [*doomed, *members.values_list("organisation_id", flat=True)],
                sender=delete_generated,
            )
            _delete_rows(Organisation, doomed)
        progress(min(start + chunk, len(ids)), len(ids), label)
    return len(ids)


def _delete_rows(model: type[models.Model], pks: list[Any]) -> None:
    if not pks:
        return
    meta: Any = model._meta  # relations of every kind: typed loosely on purpose
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        for m2m in meta.many_to_many:
            through = m2m.remote_field.through
            column = through._meta.get_field(m2m.m2m_field_name()).column
            cursor.execute(
                f"DELETE FROM {quote(through._meta.db_table)} "
                f"WHERE {quote(column)} IN ({placeholders})",
                pks,
            )
        relation: Any
        for relation in meta.related_objects:
            related = relation.related_model
            if relation.many_to_many:
                through = relation.through
                m2m_field = relation.field
                column = through._meta.get_field(m2m_field.m2m_reverse_field_name()).column
                cursor.execute(
                    f"DELETE FROM {quote(through._meta.db_table)} "
                    f"WHERE {quote(column)} IN ({placeholders})",
                    pks,
                )
                continue
            on_delete = relation.on_delete
            lookup = Q(**{f"{relation.field.name}__in": pks})
            if on_delete is DO_NOTHING:
                continue
            if on_delete is CASCADE:
                children = list(related._base_manager.filter(lookup).values_list("pk", flat=True))
                for start in range(0, len(children), 500):
                    _delete_rows(related, children[start : start + 500])
            elif on_delete is SET_NULL:
                related._base_manager.filter(lookup).update(**{relation.field.name: None})
            else:
                # PROTECT, RESTRICT, SET(...): Django's collector applies or refuses them.
                model._base_manager.filter(pk__in=pks).delete()
                return
        cursor.execute(
            f"DELETE FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} IN ({placeholders})",
            pks,
        )
