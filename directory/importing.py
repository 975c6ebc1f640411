"""Importing organisation lists the way agencies hold them (CSV, XLSX).

File → :mod:`core.tabular` → column mapping → each row checked with the rules of
the organisation forms (the model fields' own form fields and validators, plus the
look-ups of postal codes, WZ codes and vocabularies) → duplicate check against the
file and the database → report → one transaction writes every row. A dry run
stops before the write; a single error or unconfirmed duplicate anywhere in the
file means nothing is written (all-or-nothing per file), so a list is never half
imported.

Rows are matched to existing organisations by the portal ID (the organisation's
number in this portal, present in every export), the agency ID, the register
number or the VAT ID: a match is updated, otherwise a new organisation is created.
Only mapped columns are touched; an empty cell in a mapped column clears that
value (lists are replaced, not merged).

Everything the rows need from the database (postal codes, WZ codes, vocabularies,
identifiers, names and websites for the duplicate check) is read once per file,
so the time per row does not depend on the size of the database, and the write
uses bulk inserts that still record history (reason "Import <file>", the user).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from rapidfuzz import fuzz, process
from simple_history.models import HistoricalRecords
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_manager_for_model,
)

from classification.choices import WzLevel, WzVersion
from classification.models import CertificationStandard, GrowthField, Technology, WzCode
from classification.services import normalise_wz_code, resolve_wz2008, vocabulary_slug
from core.exports import Column, csv_bytes, unguard_formula
from core.progress import Progress, silent, track
from core.tabular import Table, TableRow, TabularError, read_table
from geo.geocoding import Geocoder, GeocodeResult, apply_geocode, is_known_postal_code
from geo.models import PostalCode
from geo.names import fold_place_name, names_match

from .choices import (
    NETWORK_KINDS,
    EmployeeSizeClass,
    IdentifierScheme,
    LegalForm,
    OfferingKind,
    OrganisationKind,
    PublicationStatus,
    SiteKind,
    Source,
    Visibility,
)
from .models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
    Tag,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# token_set_ratio (0–100) from which two names in one postal code count as "similar".
SIMILAR_NAME_THRESHOLD = 90
# Below this, a portal ID in the file and the name of that organisation disagree too much.
PORTAL_ID_NAME_THRESHOLD = 50
BATCH_SIZE = 500


# --- Columns --------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetField:
    """A field a column can be mapped to, with the headers that suggest it."""

    key: str
    label: Promise
    aliases_text: str = ""
    multiple: bool = False

    @property
    def aliases(self) -> list[str]:
        return [alias for alias in self.aliases_text.split("|") if alias]


TARGET_FIELDS: tuple[TargetField, ...] = (
    TargetField(
        "portal_id",
        gettext_lazy("Portal ID"),
        ("portal-id|portal id|clusterportal-id|clusterportal id"),
    ),
    TargetField(
        "agency_id",
        gettext_lazy("Agency ID"),
        ("agentur-id|agentur id|id|interne id|datensatz-id|kunden-id|lea-id"),
    ),
    TargetField(
        "register_number",
        gettext_lazy("Register number"),
        (
            "registernummer|handelsregisternummer|handelsregister|hrb|hra|hr-nummer|"
            "hrb-nummer|register|commercial register number"
        ),
    ),
    TargetField(
        "vat_id",
        gettext_lazy("VAT ID"),
        ("ust-id|ust-idnr|ust-id-nr|umsatzsteuer-id|ustid|vat|vat number"),
    ),
    TargetField(
        "name",
        gettext_lazy("Name"),
        (
            "firmenname|firma|unternehmen|unternehmensname|name des unternehmens|"
            "organisation|organisationsname|einrichtung|institution|company|company name|"
            "organisation name|organization|organization name"
        ),
    ),
    TargetField(
        "kind",
        gettext_lazy("Kind"),
        ("art|typ|organisationsart|organisationstyp|type|einrichtungsart"),
    ),
    TargetField("legal_form", gettext_lazy("Legal form"), "rechtsform|gesellschaftsform"),
    TargetField(
        "status",
        gettext_lazy("Publication status"),
        ("status|veroeffentlichung|veroeffentlichungsstatus"),
    ),
    TargetField(
        "short_description",
        gettext_lazy("Short description"),
        ("kurzbeschreibung|kurzprofil|kurztext|slogan"),
    ),
    TargetField(
        "description",
        gettext_lazy("Description"),
        ("beschreibung|profil|unternehmensprofil|firmenprofil|taetigkeit"),
    ),
    TargetField(
        "short_description_en",
        gettext_lazy("Short description (English)"),
        ("kurzbeschreibung englisch|kurzbeschreibung (englisch)|kurzbeschreibung en"),
    ),
    TargetField(
        "description_en",
        gettext_lazy("Description (English)"),
        ("beschreibung englisch|beschreibung (englisch)|beschreibung en"),
    ),
    TargetField(
        "website",
        gettext_lazy("Website"),
        ("webseite|internet|internetseite|internetadresse|homepage|url|www"),
    ),
    TargetField(
        "email",
        gettext_lazy("Email"),
        ("e-mail|mail|e-mail-adresse|emailadresse|e-mail allgemein|general email"),
    ),
    TargetField(
        "phone",
        gettext_lazy("Phone"),
        ("telefon|tel|tel.|telefonnummer|telefon allgemein|telephone"),
    ),
    TargetField(
        "founding_year",
        gettext_lazy("Founding year"),
        ("gruendungsjahr|gegruendet|gruendung|founded|year founded"),
    ),
    TargetField(
        "employees",
        gettext_lazy("Employees"),
        (
            "beschaeftigte|mitarbeiter|mitarbeiterzahl|anzahl mitarbeiter|"
            "anzahl beschaeftigte|mitarbeitende|groessenklasse|unternehmensgroesse|"
            "employee size class|number of employees"
        ),
    ),
    TargetField(
        "primary_wz",
        gettext_lazy("WZ 2008 code"),
        (
            "wz|wz-code|wz code|wz 2008|wz2008|wz-2008|wz 2008 code|haupt-wz|wz (haupt)|"
            "branche (wz)|wirtschaftszweig|primary wz|primary wz 2008 code"
        ),
    ),
    TargetField(
        "secondary_wz",
        gettext_lazy("Further WZ 2008 codes"),
        (
            "weitere wz|weitere wz-codes|weitere wz codes|neben-wz|wz weitere|secondary wz|"
            "secondary wz 2008 codes|further wz codes"
        ),
        multiple=True,
    ),
    TargetField(
        "technologies",
        gettext_lazy("Technologies"),
        ("technologien|technologie|technologiefelder|kompetenzen|competences"),
        multiple=True,
    ),
    TargetField(
        "tags",
        gettext_lazy("Tags"),
        ("schlagworte|schlagwoerter|stichworte|keywords|free tags"),
        multiple=True,
    ),
    TargetField(
        "growth_fields",
        gettext_lazy("Growth fields"),
        ("wachstumsfeld|wachstumsfelder|spezialisierungsfeld|spezialisierungsfelder"),
        multiple=True,
    ),
    TargetField(
        "certifications",
        gettext_lazy("Certifications"),
        ("zertifikate|zertifizierungen|zertifizierung|zertifikat|certificates"),
        multiple=True,
    ),
    TargetField(
        "products",
        gettext_lazy("Products"),
        ("produkte|produkt|produkte und leistungen|erzeugnisse"),
        multiple=True,
    ),
    TargetField(
        "services",
        gettext_lazy("Services"),
        ("dienstleistungen|leistungen|leistungsangebot"),
        multiple=True,
    ),
    TargetField(
        "networks",
        gettext_lazy("Networks"),
        ("netzwerk|netzwerke|mitgliedschaft|mitgliedschaften|mitglied in|cluster|memberships"),
        multiple=True,
    ),
    TargetField(
        "street",
        gettext_lazy("Street"),
        ("strasse|str.|strasse und hausnummer|strasse/nr.|adresse|anschrift"),
    ),
    TargetField("house_number", gettext_lazy("House number"), "hausnummer|hausnr|nr."),
    TargetField(
        "postal_code",
        gettext_lazy("Postal code"),
        ("plz|postleitzahl|zip|zip code|postcode"),
    ),
    TargetField("place", gettext_lazy("Place"), "ort|stadt|gemeinde|sitz|city|town"),
    TargetField(
        "contact_name",
        gettext_lazy("Contact name"),
        (
            "kontakt|kontakt name|kontaktperson|ansprechpartner|ansprechpartnerin|"
            "ansprechperson|contact|contact person"
        ),
    ),
    TargetField(
        "contact_title",
        gettext_lazy("Contact title"),
        ("kontakt titel|titel|akademischer titel"),
    ),
    TargetField(
        "contact_first_name",
        gettext_lazy("Contact first name"),
        ("kontakt vorname|vorname|first name"),
    ),
    TargetField(
        "contact_last_name",
        gettext_lazy("Contact last name"),
        ("kontakt nachname|nachname|last name|familienname"),
    ),
    TargetField(
        "contact_role",
        gettext_lazy("Contact role"),
        ("kontakt funktion|funktion|position|kontakt position|role"),
    ),
    TargetField(
        "contact_phone",
        gettext_lazy("Contact phone"),
        ("kontakt telefon|telefon ansprechpartner|durchwahl"),
    ),
    TargetField(
        "contact_email",
        gettext_lazy("Contact email"),
        ("kontakt e-mail|kontakt email|e-mail ansprechpartner|kontakt mail"),
    ),
    TargetField(
        "contact_visibility",
        gettext_lazy("Contact visibility"),
        ("kontakt sichtbarkeit|sichtbarkeit|visibility"),
    ),
)
TARGETS: dict[str, TargetField] = {target.key: target for target in TARGET_FIELDS}
IDENTIFIER_TARGETS: dict[str, str] = {
    "agency_id": IdentifierScheme.AGENCY,
    "register_number": IdentifierScheme.REGISTER,
    "vat_id": IdentifierScheme.VAT,
}
SITE_TARGETS = ("street", "house_number", "postal_code", "place")
CONTACT_TARGETS = (
    "contact_name",
    "contact_title",
    "contact_first_name",
    "contact_last_name",
    "contact_role",
    "contact_phone",
    "contact_email",
    "contact_visibility",
)
# Targets that are plain organisation fields, checked with the model field's own rules.
TEXT_FIELDS = (
    "name",
    "short_description",
    "description",
    "short_description_en",
    "description_en",
    "phone",
)
MULTILINE_FIELDS = frozenset({"description", "description_en"})

Mapping = dict[str, str]

_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENTHESES = re.compile(r"\([^)]*\)")
# Plain web and e-mail addresses that Django's URLValidator and EmailValidator accept
# unchanged (a strict subset of what they accept); anything else goes through them.
_HOST = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
_PLAIN_VALUES = {
    "website": re.compile(rf"https?://{_HOST}(?:/[^\s?#]*)?"),
    "email": re.compile(rf"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@{_HOST}", re.IGNORECASE),
}
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]"
)


def fold(text: str) -> str:
    """Lower-case ASCII words for comparing names ("Müller-Präzision" → "mueller praezision")."""
    text = text.casefold().translate(_TRANSLITERATE)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_ALNUM.split(text)).strip()


def fold_key(text: str) -> str:
    """Like :func:`fold` without spaces, for headers and choice values ("E-Mail" → "email")."""
    return fold(text).replace(" ", "")


def clean_text(value: str, multiline: bool = False) -> str:
    """Text as stored: control and invisible formatting characters removed, spaces tidied.

    Markup such as ``<script>`` is kept as the text it is; templates escape it.
    """
    if value[:1] == "'":
        value = unguard_formula(value)
    if value.isprintable():
        return " ".join(value.split())
    value = _CONTROL.sub("", value)
    if multiline:
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(" ".join(line.split()) for line in lines).strip()
    return " ".join(value.split())


def _target_keys(target: TargetField) -> set[str]:
    keys = {fold_key(target.key), fold_key(str(target.label))}
    keys.update(fold_key(alias) for alias in target.aliases)
    for language in ("de", "en"):
        with override(language):
            keys.add(fold_key(str(target.label)))
    keys.discard("")
    return keys


def suggest_mapping(headers: Sequence[str]) -> Mapping:
    """Header → target key ("" for none), from the headers agencies commonly use.

    Each target is suggested for one header only (the first that fits), except
    list targets such as further WZ codes, which may collect several columns.
    """
    keys = {target.key: _target_keys(target) for target in TARGET_FIELDS}
    by_key: dict[str, str] = {}
    for target_key, folded in keys.items():
        for key in folded:
            by_key.setdefault(key, target_key)
    mapping: Mapping = {}
    used: set[str] = set()

    def take(header: str, target_key: str | None) -> bool:
        if target_key is None:
            return False
        if target_key in used and not TARGETS[target_key].multiple:
            return False
        mapping[header] = target_key
        used.add(target_key)
        return True

    pending = []
    for header in headers:
        if not take(header, by_key.get(fold_key(header))):
            pending.append(header)
    still = []
    for header in pending:
        bare = fold_key(_PARENTHESES.sub(" ", header))
        if not take(header, by_key.get(bare)):
            still.append(header)
    choices = list(by_key)
    for header in still:
        key = fold_key(header)
        found = None
        if len(key) >= 5:
            match = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=88)
            if match is not None:
                found = by_key[match[0]]
        if not take(header, found):
            mapping[header] = ""
    return mapping


# --- Report ---------------------------------------------------------------------------


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
    def duplicate_count(self) -> int:
        return sum(1 for e in self.entries if e.level == EntryLevel.DUPLICATE)

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

    @property
    def rows_per_second(self) -> float:
        return len(self.rows) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        counts = self.counts
        return _(
            "%(rows)d rows: %(create)d new, %(update)d updated, %(unchanged)d unchanged, "
            "%(error)d with errors, %(duplicate)d possible duplicates"
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
            for entry in self.entries
        ]

    def report_csv(self) -> bytes:
        """The report as a CSV file (UTF-8 with BOM, ``;``), for staff to fix the list."""
        return csv_bytes(self.report_rows(), REPORT_COLUMNS)


# --- Look-ups read once per file ------------------------------------------------------

LEGAL_FORM_ALIASES: dict[str, str] = {
    "gmbh & co kg": LegalForm.GMBH_CO_KG,
    "gmbh & co. kg": LegalForm.GMBH_CO_KG,
    "gmbh u. co. kg": LegalForm.GMBH_CO_KG,
    "ug": LegalForm.UG,
    "ug haftungsbeschraenkt": LegalForm.UG,
    "ug (haftungsbeschränkt)": LegalForm.UG,
    "unternehmergesellschaft": LegalForm.UG,
    "gesellschaft mit beschraenkter haftung": LegalForm.GMBH,
    "aktiengesellschaft": LegalForm.AG,
    "kommanditgesellschaft": LegalForm.KG,
    "offene handelsgesellschaft": LegalForm.OHG,
    "gesellschaft buergerlichen rechts": LegalForm.GBR,
    "eingetragener kaufmann": LegalForm.EK,
    "eingetragene kauffrau": LegalForm.EK,
    "e.kfm.": LegalForm.EK,
    "einzelunternehmer": LegalForm.SOLE,
    "eingetragene genossenschaft": LegalForm.EG,
    "eingetragener verein": LegalForm.EV,
    "verein": LegalForm.EV,
    "ggmbh": LegalForm.GGMBH,
    "kdoer": LegalForm.KDOER,
    "koerperschaft des oeffentlichen rechts": LegalForm.KDOER,
    "aoer": LegalForm.AOER,
    "anstalt des oeffentlichen rechts": LegalForm.AOER,
    "sonstige": LegalForm.OTHER,
    "andere": LegalForm.OTHER,
}
KIND_ALIASES: dict[str, str] = {
    "unternehmen": OrganisationKind.COMPANY,
    "firma": OrganisationKind.COMPANY,
    "kmu": OrganisationKind.COMPANY,
    "betrieb": OrganisationKind.COMPANY,
    "forschungseinrichtung": OrganisationKind.RESEARCH_INSTITUTE,
    "forschungsinstitut": OrganisationKind.RESEARCH_INSTITUTE,
    "institut": OrganisationKind.RESEARCH_INSTITUTE,
    "research institute": OrganisationKind.RESEARCH_INSTITUTE,
    "hochschule": OrganisationKind.UNIVERSITY,
    "universitaet": OrganisationKind.UNIVERSITY,
    "fachhochschule": OrganisationKind.UNIVERSITY,
    "uni": OrganisationKind.UNIVERSITY,
    "netzwerk": OrganisationKind.NETWORK,
    "kammer": OrganisationKind.CHAMBER,
    "ihk": OrganisationKind.CHAMBER,
    "hwk": OrganisationKind.CHAMBER,
    "handwerkskammer": OrganisationKind.CHAMBER,
    "verband": OrganisationKind.ASSOCIATION,
    "verein": OrganisationKind.ASSOCIATION,
    "behoerde": OrganisationKind.PUBLIC_BODY,
    "oeffentliche einrichtung": OrganisationKind.PUBLIC_BODY,
    "kommune": OrganisationKind.PUBLIC_BODY,
    "verwaltung": OrganisationKind.PUBLIC_BODY,
    "sonstige": OrganisationKind.OTHER,
    "andere": OrganisationKind.OTHER,
}
STATUS_ALIASES: dict[str, str] = {
    "veroeffentlicht": PublicationStatus.PUBLISHED,
    "oeffentlich": PublicationStatus.PUBLISHED,
    "online": PublicationStatus.PUBLISHED,
    "entwurf": PublicationStatus.DRAFT,
    "verborgen": PublicationStatus.HIDDEN,
    "versteckt": PublicationStatus.HIDDEN,
    "archiviert": PublicationStatus.ARCHIVED,
}
VISIBILITY_ALIASES: dict[str, str] = {
    "oeffentlich": Visibility.PUBLIC,
    "alle": Visibility.PUBLIC,
    "registriert": Visibility.REGISTERED,
    "angemeldete nutzer": Visibility.REGISTERED,
    "intern": Visibility.STAFF,
    "nur intern": Visibility.STAFF,
    "mitarbeitende": Visibility.STAFF,
    "staff": Visibility.STAFF,
}
SIZE_ALIASES: dict[str, str] = {
    "kleinst": EmployeeSizeClass.MICRO,
    "kleinstunternehmen": EmployeeSizeClass.MICRO,
    "klein": EmployeeSizeClass.SMALL,
    "kleinunternehmen": EmployeeSizeClass.SMALL,
    "kleines unternehmen": EmployeeSizeClass.SMALL,
    "mittel": EmployeeSizeClass.MEDIUM,
    "mittleres unternehmen": EmployeeSizeClass.MEDIUM,
    "gross": EmployeeSizeClass.LARGE,
    "grossunternehmen": EmployeeSizeClass.LARGE,
}
# Tokens of legal forms, left out when names are compared for similarity.
_LEGAL_WORDS = (
    "gmbh mbh ggmbh co kg ag ug haftungsbeschraenkt ohg gbr ek ev eg se kgaa kdoer aoer "
    "e v k u und inc ltd llc gesellschaft"
)
LEGAL_TOKENS = frozenset(_LEGAL_WORDS.split())
_LEGAL_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("gmbh co kg", LegalForm.GMBH_CO_KG),
    ("ug haftungsbeschraenkt", LegalForm.UG),
    ("ggmbh", LegalForm.GGMBH),
    ("gmbh", LegalForm.GMBH),
    ("ug", LegalForm.UG),
    ("ag", LegalForm.AG),
    ("kg", LegalForm.KG),
    ("ohg", LegalForm.OHG),
    ("gbr", LegalForm.GBR),
    ("e k", LegalForm.EK),
    ("e v", LegalForm.EV),
    ("eg", LegalForm.EG),
    ("se", LegalForm.SE),
)


def _choice_lookup(choices: type[models.TextChoices], aliases: dict[str, str]) -> dict[str, str]:
    """Folded value, label (German and English) or alias → stored value."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[fold_key(str(value))] = value
        for language in ("en", "de"):
            with override(language):
                lookup.setdefault(fold_key(str(label)), value)
    for alias, value in aliases.items():
        lookup.setdefault(fold_key(alias), value)
    lookup.pop("", None)
    return lookup


def infer_legal_form(name: str) -> str:
    """The legal form a company name ends with ("Müller GmbH" → GmbH), or ""."""
    folded = fold(name)
    for suffix, value in _LEGAL_SUFFIXES:
        if folded.endswith(" " + suffix):
            return value
    return ""


def normalise_website(url: str) -> str:
    """A website as compared for duplicates: no scheme, "www.", trailing slash or case."""
    text = url.strip().casefold()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("#", 1)[0]
    if text.startswith("www."):
        text = text[4:]
    host, _slash, path = text.partition("/")
    host = re.sub(r":(80|443)$", "", host)
    path = path.rstrip("/")
    if path in ("index.html", "index.htm", "index.php"):
        path = ""
    return f"{host}/{path}" if path else host


def similarity_key(name: str, folded: str | None = None) -> str:
    """A name folded and without legal-form words, for the similar-name check."""
    folded = fold(name) if folded is None else folded
    return " ".join(token for token in folded.split() if token not in LEGAL_TOKENS)


def _numbers(key: str) -> frozenset[str]:
    return frozenset(token for token in key.split() if token.isdigit())


_TITLE_WORDS = (
    "prof. prof dr. dr dipl.-ing. dipl.-ing dipl. ing. mag. med. rer. nat. habil. h.c. "
    "m.sc. b.sc. m.a. b.a. mba dr.-ing. dr.-ing dr.rer.nat. dipl.-kfm. dipl.-kffr. pd"
)
_TITLE_TOKENS = frozenset(_TITLE_WORDS.split())
_SALUTATIONS = frozenset({"herr", "frau", "hr.", "fr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms."})


def split_person_name(text: str) -> tuple[str, str, str]:
    """(title, first name, last name) from "Prof. Dr. Erika Mustermann" or "Mustermann, Erika"."""
    text = " ".join(text.split())
    if "," in text:
        last, _comma, first = text.partition(",")
        text = f"{first.strip()} {last.strip()}"
    tokens = [t for t in text.split() if t.casefold() not in _SALUTATIONS]
    title: list[str] = []
    while len(tokens) > 1 and tokens[0].casefold() in _TITLE_TOKENS:
        title.append(tokens.pop(0))
    if not tokens:
        return " ".join(title), "", ""
    return " ".join(title), " ".join(tokens[:-1]), tokens[-1]


def split_list(text: str) -> list[str]:
    """Items of a list cell: separated by ";" or line breaks, else by ","."""
    parts = re.split(r"[;\n]", text) if ";" in text or "\n" in text else text.split(",")
    seen: set[str] = set()
    items = []
    for part in parts:
        item = " ".join(part.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


def parse_headcount(text: str) -> int | None:
    """A head count from "1.200", "ca. 50", "50-99" (lower bound), "250+"; None if none."""
    cleaned = text.casefold()
    cleaned = re.sub(
        r"^(ca\.?|circa|etwa|ungefaehr|ungefähr|ueber|über|mehr als|>|~|<|≈)\s*", "", cleaned
    )
    cleaned = re.split(r"\s*(?:-|–|bis)\s*", cleaned, maxsplit=1)[0]
    cleaned = cleaned.rstrip("+ ").strip()
    if re.fullmatch(r"\d{1,3}([.' \u00a0]\d{3})+", cleaned):
        cleaned = re.sub(r"[.' \u00a0]", "", cleaned)
    if re.fullmatch(r"\d+([.,]0+)?", cleaned):
        return int(re.split(r"[.,]", cleaned)[0])
    return None


class Lookups:
    """Everything rows are checked against, read from the database once per file."""

    def __init__(self) -> None:
        self.postal_places: dict[str, list[str]] = defaultdict(list)
        for code, place in PostalCode.objects.values_list("code", "place").order_by("code", "pk"):
            self.postal_places[code].append(place)
        self._postal_known: dict[str, bool] = {}
        self._wz: dict[str, WzCode | None] = {}
        self.wz_codes = {
            code.code: code
            for code in WzCode.objects.filter(
                version=WzVersion.WZ2008, level__gte=WzLevel.CLASS
            ).only("pk", "code", "section", "level", "version")
        }
        self.technologies = self._vocabulary(Technology, with_synonyms=True)
        self.certifications = self._vocabulary(CertificationStandard)
        self.growth_fields = self._vocabulary(GrowthField)
        self.networks: dict[str, tuple[int, str]] = {}
        for pk, name in Organisation.objects.filter(kind__in=NETWORK_KINDS).values_list(
            "pk", "name"
        ):
            self.networks.setdefault(fold(name), (pk, name))
            self.networks.setdefault(similarity_key(name), (pk, name))
        self.kinds = _choice_lookup(OrganisationKind, KIND_ALIASES)
        self.legal_forms = _choice_lookup(LegalForm, LEGAL_FORM_ALIASES)
        self.statuses = _choice_lookup(PublicationStatus, STATUS_ALIASES)
        self.visibilities = _choice_lookup(Visibility, VISIBILITY_ALIASES)
        self.size_classes = _choice_lookup(EmployeeSizeClass, SIZE_ALIASES)

    @staticmethod
    def _vocabulary(model: Any, with_synonyms: bool = False) -> dict[str, Any]:
        lookup: dict[str, Any] = {}
        items = list(model.objects.all())
        for item in items:
            for text in (item.name, item.name_en, item.slug):
                if text:
                    lookup.setdefault(fold_key(text), item)
        if with_synonyms:
            for item in items:
                for synonym in (item.synonyms or "").splitlines():
                    if synonym.strip():
                        lookup.setdefault(fold_key(synonym), item)
        return lookup

    def network(self, text: str) -> tuple[int, str] | None:
        return self.networks.get(fold(text)) or self.networks.get(similarity_key(text))

    def certification(self, text: str) -> CertificationStandard | None:
        key = fold_key(text)
        found = self.certifications.get(key)
        if found is None:
            # "DIN EN ISO 9001:2015" names the standard ISO 9001.
            bare = re.sub(r"^(din)?(en)?(?=iso)", "", key)
            bare = re.sub(r"(?<=\d)(19|20)\d\d$", "", bare) if ":" in text else bare
            found = self.certifications.get(bare)
        return found

    def wz(self, text: str) -> WzCode | None:
        """``resolve_wz2008(text)``, answered from the codes read once where it can be."""
        if text not in self._wz:
            found = None
            normalised = normalise_wz_code(text)
            if normalised is not None:
                code, section = normalised
                found = self.wz_codes.get(code)
                if found is not None and section is not None and found.section != section:
                    found = None
            self._wz[text] = found if found is not None else resolve_wz2008(text)
        return self._wz[text]

    def postal_code_known(self, code: str) -> bool:
        if code in self.postal_places:
            return True
        if code not in self._postal_known:
            self._postal_known[code] = bool(is_known_postal_code(code))
        return self._postal_known[code]


# --- Rows -----------------------------------------------------------------------------


@dataclass
class ParsedRow:
    """A row after checking: what it asks for, or what is wrong with it."""

    number: int
    name: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # target → its (first) column
    source: dict[str, str] = field(default_factory=dict)  # column → cell text
    all_columns: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    m2m: dict[str, list[int]] = field(default_factory=dict)
    tags: list[str] | None = None
    extra_tags: list[str] = field(default_factory=list)
    offerings: dict[str, list[str]] = field(default_factory=dict)
    certifications: list[int] | None = None
    networks: list[int] | None = None
    site: dict[str, str] | None = None
    contact: dict[str, str] | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    portal_id: int | None = None
    match_id: int | None = None
    entries: list[ReportEntry] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)

    @property
    def has_error(self) -> bool:
        return any(e.level == EntryLevel.ERROR for e in self.entries)

    @property
    def has_duplicate(self) -> bool:
        return any(e.level == EntryLevel.DUPLICATE for e in self.entries)

    def raw(self, target: str) -> str:
        """The cell text of ``target`` as in the file (several columns joined with "; ")."""
        headers = self.all_columns.get(target)
        if headers is not None and len(headers) > 1:
            return "; ".join(text for h in headers if (text := self.source.get(h, "")))
        return self.source.get(self.columns.get(target, ""), "")

    def error(self, target: str, reason: str, value: str | None = None) -> None:
        if target in self.blocked:
            return  # the reader reported this cell already (formula, spreadsheet error)
        self.entries.append(
            ReportEntry(
                self.number,
                self.columns.get(target, ""),
                self.raw(target) if value is None else value,
                reason,
            )
        )

    def note(self, target: str, reason: str, value: str | None = None) -> None:
        self.entries.append(
            ReportEntry(
                self.number,
                self.columns.get(target, ""),
                self.raw(target) if value is None else value,
                reason,
                EntryLevel.NOTE,
            )
        )


def _call(function: Callable[[_Recorder, str], Any], text: str, recorder: _Recorder) -> Any:
    return function(recorder, text)


def _model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _form_field(model: type[models.Model], name: str, **kwargs: Any) -> forms.Field:
    """The form field a ModelForm of ``model`` uses for ``name``: the rules of the UI."""
    form_field = _model_field(model, name).formfield(**kwargs)
    assert form_field is not None
    return form_field


class _Recorder:
    """Findings of a memoised check, replayed onto every row with the same cell text."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, str | None]] = []

    def error(self, target: str, reason: str, value: str | None = None) -> None:
        self.calls.append((EntryLevel.ERROR, target, reason, value))

    def note(self, target: str, reason: str, value: str | None = None) -> None:
        self.calls.append((EntryLevel.NOTE, target, reason, value))


class RowChecker:
    """Checks rows with the organisation forms' rules (model form fields and validators)."""

    def __init__(self, mapping: Mapping, lookups: Lookups) -> None:
        self.lookups = lookups
        self.columns: dict[str, list[str]] = defaultdict(list)
        for header, target in mapping.items():
            if target:
                self.columns[target].append(header)
        self.mapped = set(self.columns)
        self.first_column = {target: headers[0] for target, headers in self.columns.items()}
        self.single = [
            (target, headers[0], target in MULTILINE_FIELDS)
            for target, headers in self.columns.items()
            if len(headers) == 1
        ]
        self.several = [target for target, headers in self.columns.items() if len(headers) > 1]
        self.model_fields: dict[str, models.Field[Any, Any]] = {
            name: _model_field(Organisation, name)
            for name in (*TEXT_FIELDS, "website", "email", "founding_year")
        }
        self.form_fields: dict[str, forms.Field] = {
            name: _form_field(Organisation, name, assume_scheme="https")
            if name == "website"
            else _form_field(Organisation, name)
            for name in self.model_fields
        }
        self.form_fields["name"].required = True
        # The model's own validators, as a ModelForm runs them after the form field's;
        # one the form field has already run (URL, e-mail) is not run twice.
        self.model_validators = {
            name: [
                validator
                for validator in model_field.validators
                if validator not in self.form_fields[name].validators
            ]
            for name, model_field in self.model_fields.items()
        }
        # Text fields whose only rule is their length: checked without the form machinery.
        self.plain_text = {
            name
            for name in TEXT_FIELDS
            if all(
                isinstance(v, MaxLengthValidator | ProhibitNullCharactersValidator)
                for v in self.model_fields[name].validators
            )
        }
        self.site_fields = {name: _form_field(Site, name) for name in ("street", "place")}
        self.contact_fields = {
            name: _form_field(ContactPerson, name)
            for name in ("title", "first_name", "last_name", "role", "phone", "email")
        }
        self.identifier_field = _form_field(ExternalIdentifier, "value")
        self.tag_field = _form_field(Tag, "name")
        self.offering_field = _form_field(Offering, "name")
        self.tag_max_length = Tag._meta.get_field("name").max_length or 100
        self._cache: dict[tuple[str, ...], tuple[Any, list[tuple[str, str, str, str | None]]]] = {}

    def check(self, table_row: TableRow) -> ParsedRow:
        row = ParsedRow(
            table_row.number,
            columns=self.first_column,
            source=table_row.values,
            all_columns=self.columns,
        )
        values: dict[str, str] = {}
        source = table_row.values
        for target, header, multiline in self.single:
            raw = source.get(header, "")
            values[target] = clean_text(raw, multiline) if raw else ""
        for target in self.several:
            values[target] = clean_text(row.raw(target))
        for issue in table_row.issues:
            if issue.blocking:
                for target, headers in self.columns.items():
                    if issue.column in headers:
                        row.blocked.add(target)
                        values[target] = ""
            row.entries.append(
                ReportEntry(
                    row.number,
                    issue.column,
                    issue.value,
                    issue.reason,
                    EntryLevel.ERROR if issue.blocking else EntryLevel.NOTE,
                )
            )
        self._organisation(row, values)
        self._lists(row, values)
        self._site(row, values)
        self._contact(row, values)
        self._identifiers(row, values)
        return row

    # Organisation fields

    def _clean_model_field(self, row: ParsedRow, target: str, text: str) -> Any:
        form_field = self.form_fields[target]
        if target in self.plain_text:
            return self._text(row, target, form_field, text)
        plain = _PLAIN_VALUES.get(target)
        if plain is not None and len(text) <= 200 and plain.fullmatch(text):
            return text  # a form of the value that the form field accepts unchanged
        try:
            value = form_field.clean(text)
            if value not in (None, ""):
                for validator in self.model_validators[target]:
                    validator(value)
        except ValidationError as error:
            row.error(target, self._message(target, error))
            return None
        return value

    @staticmethod
    def _message(target: str, error: ValidationError) -> str:
        return _("%(field)s: %(problem)s") % {
            "field": TARGETS[target].label,
            "problem": " ".join(str(m) for m in error.messages),
        }

    def _organisation(self, row: ParsedRow, values: dict[str, str]) -> None:
        name = values.get("name", "")
        if not name:
            row.error("name", _("The name is missing"))
        else:
            cleaned = self._clean_model_field(row, "name", name)
            if cleaned:
                row.name = cleaned
                row.fields["name"] = cleaned
        for target in TEXT_FIELDS[1:]:
            if target in self.mapped:
                cleaned = self._clean_model_field(row, target, values[target])
                if cleaned is not None:
                    row.fields[target] = cleaned
        if "website" in self.mapped:
            cleaned = self._clean_model_field(row, "website", values["website"])
            if cleaned is not None:
                row.fields["website"] = cleaned
        if "email" in self.mapped:
            cleaned = self._clean_model_field(row, "email", values["email"])
            if cleaned is not None:
                row.fields["email"] = cleaned
        if "founding_year" in self.mapped:
            self._founding_year(row, values["founding_year"])
        if "employees" in self.mapped:
            self._employees(row, values["employees"])
        for target, lookup, field_name, label in (
            ("kind", self.lookups.kinds, "kind", OrganisationKind),
            ("legal_form", self.lookups.legal_forms, "legal_form", LegalForm),
            ("status", self.lookups.statuses, "status", PublicationStatus),
        ):
            if target not in self.mapped:
                continue
            text = values[target]
            if not text:
                if target == "legal_form":
                    row.fields["legal_form"] = ""
                continue
            found = lookup.get(fold_key(text))
            if found is None:
                row.error(
                    target,
                    _("Unknown %(field)s “%(value)s”; use one of: %(choices)s")
                    % {
                        "field": str(TARGETS[target].label).lower(),
                        "value": text,
                        "choices": ", ".join(str(lbl) for lbl in label.labels),
                    },
                )
            else:
                row.fields[field_name] = found
        if "legal_form" not in self.mapped and row.name:
            inferred = infer_legal_form(row.name)
            if inferred:
                row.fields["legal_form_inferred"] = inferred
        if "primary_wz" in self.mapped and values["primary_wz"]:
            code = self.lookups.wz(values["primary_wz"])
            if code is None:
                row.error("primary_wz", self._unknown_wz(values["primary_wz"]))
            else:
                row.fields["primary_wz_id"] = code.pk
        elif "primary_wz" in self.mapped:
            row.fields["primary_wz_id"] = None

    def _founding_year(self, row: ParsedRow, text: str) -> None:
        if not text:
            row.fields["founding_year"] = None
            return
        year = self._memo(row, ("founding_year", text), partial(_call, self._year, text))
        if year is not None:
            row.fields["founding_year"] = year

    def _year(self, rec: _Recorder, text: str) -> int | None:
        match = re.fullmatch(
            r"(\d{4})(?:[.,]0+)?|\d{1,2}\.\d{1,2}\.(\d{4})|(\d{4})-\d\d-\d\d", text
        )
        if match is None:
            rec.error(
                "founding_year", _("Founding year “%(value)s” is not a year") % {"value": text}
            )
            return None
        year = int(next(g for g in match.groups() if g))
        try:
            self.model_fields["founding_year"].run_validators(year)
        except ValidationError:
            low, high = 1000, timezone.now().year + 1
            for validator in self.model_fields["founding_year"].validators:
                limit = getattr(validator, "limit_value", None)
                code = getattr(validator, "code", "")
                if isinstance(limit, int):
                    if code == "min_value":
                        low = limit
                    elif code == "max_value":
                        high = limit
            rec.error(
                "founding_year",
                _("Founding year %(year)d is not between %(low)d and %(high)d")
                % {"year": year, "low": low, "high": high},
            )
            return None
        return year

    def _employees(self, row: ParsedRow, text: str) -> None:
        if not text:
            row.fields["employee_size_class"] = ""
            return
        size = self._memo(row, ("employees", text), partial(_call, self._size_class, text))
        if size is not None:
            row.fields["employee_size_class"] = size

    def _size_class(self, rec: _Recorder, text: str) -> str | None:
        size = self.lookups.size_classes.get(fold_key(text))
        if size is None:
            count = parse_headcount(text)
            if count is not None:
                size = EmployeeSizeClass.for_headcount(count)
        if size is None:
            rec.error(
                "employees",
                _(
                    "Employees “%(value)s” is neither a number nor a size class "
                    "(micro, small, medium, large)"
                )
                % {"value": text},
            )
        return size

    @staticmethod
    def _unknown_wz(text: str) -> str:
        return _(
            "Unknown WZ 2008 code %(code)s (give a class such as 25.62 or a subclass "
            "such as 25.62.0)"
        ) % {"code": text}

    # Lists

    def _memo(
        self, row: ParsedRow, key: tuple[str, ...], compute: Callable[[_Recorder], Any]
    ) -> Any:
        """``compute``'s result and findings, computed once per distinct cell text."""
        cached = self._cache.get(key)
        if cached is None:
            recorder = _Recorder()
            cached = (compute(recorder), recorder.calls)
            self._cache[key] = cached
        result, calls = cached
        for level, target, reason, value in calls:
            if level == EntryLevel.ERROR:
                row.error(target, reason, value)
            else:
                row.note(target, reason, value)
        return result

    def _lists(self, row: ParsedRow, values: dict[str, str]) -> None:
        computations: tuple[tuple[str, Callable[[_Recorder, str], Any]], ...] = (
            ("secondary_wz", self._wz_list),
            ("technologies", self._technology_list),
            ("growth_fields", self._growth_field_list),
        )
        for target, compute in computations:
            if target in self.mapped:
                text = values[target]
                ids, tags = self._memo(row, (target, text), partial(_call, compute, text))
                row.m2m[target] = list(ids)
                row.extra_tags.extend(tags)
        if "certifications" in self.mapped:
            text = values["certifications"]
            row.certifications = list(
                self._memo(
                    row, ("certifications", text), lambda rec: self._certifications(rec, text)
                )
            )
        if "networks" in self.mapped:
            text = values["networks"]
            row.networks = list(
                self._memo(row, ("networks", text), lambda rec: self._networks(rec, text))
            )
        if "tags" in self.mapped:
            row.tags = [
                tag
                for item in split_list(values["tags"])
                if (tag := self._tag_name(row, "tags", item))
            ]
        for target, kind in (
            ("products", OfferingKind.PRODUCT),
            ("services", OfferingKind.SERVICE),
        ):
            if target in self.mapped:
                names = []
                for item in split_list(values[target]):
                    cleaned = self._text(row, target, self.offering_field, item)
                    if cleaned is not None:
                        names.append(cleaned)
                row.offerings[kind] = names

    def _wz_list(self, rec: _Recorder, text: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
        ids: list[int] = []
        for item in split_list(text):
            code = self.lookups.wz(item)
            if code is None:
                rec.error("secondary_wz", self._unknown_wz(item), item)
            elif code.pk not in ids:
                ids.append(code.pk)
        return tuple(ids), ()

    def _technology_list(
        self, rec: _Recorder, text: str
    ) -> tuple[tuple[int, ...], tuple[str, ...]]:
        ids: list[int] = []
        tags: list[str] = []
        lookup = self.lookups.technologies
        for item in self._vocabulary_items(text, lookup):
            technology = lookup.get(fold_key(item))
            if technology is not None:
                if technology.pk not in ids:
                    ids.append(technology.pk)
                continue
            if len(item) > self.tag_max_length:
                rec.error(
                    "technologies",
                    _("“%(value)s” is longer than %(max)d characters")
                    % {"value": item, "max": self.tag_max_length},
                    item,
                )
                continue
            tags.append(item)
            rec.note(
                "technologies",
                _("“%(value)s” is not in the technology vocabulary; it is saved as a free tag")
                % {"value": item},
                item,
            )
        return tuple(ids), tuple(tags)

    def _growth_field_list(
        self, rec: _Recorder, text: str
    ) -> tuple[tuple[int, ...], tuple[str, ...]]:
        ids: list[int] = []
        lookup = self.lookups.growth_fields
        for item in self._vocabulary_items(text, lookup):
            growth_field = lookup.get(fold_key(item))
            if growth_field is None:
                rec.error(
                    "growth_fields", _("Unknown growth field “%(value)s”") % {"value": item}, item
                )
            elif growth_field.pk not in ids:
                ids.append(growth_field.pk)
        return tuple(ids), ()

    def _certifications(self, rec: _Recorder, text: str) -> tuple[int, ...]:
        standards: list[int] = []
        for item in self._vocabulary_items(text, self.lookups.certifications):
            standard = self.lookups.certification(item)
            if standard is None:
                known = sorted({s.name for s in self.lookups.certifications.values()})
                rec.error(
                    "certifications",
                    _("Unknown certification “%(value)s” (known standards: %(known)s)")
                    % {"value": item, "known": ", ".join(known)},
                    item,
                )
            elif standard.pk not in standards:
                standards.append(standard.pk)
        return tuple(standards)

    def _networks(self, rec: _Recorder, text: str) -> tuple[int, ...]:
        networks: list[int] = []
        for item in self._vocabulary_items(text, None):
            found = self.lookups.network(item)
            if found is None:
                rec.error(
                    "networks",
                    _(
                        "Unknown network “%(value)s” (networks must exist in the portal "
                        "before members are imported)"
                    )
                    % {"value": item},
                    item,
                )
            elif found[0] not in networks:
                networks.append(found[0])
        return tuple(networks)

    def _vocabulary_items(self, text: str, lookup: dict[str, Any] | None) -> list[str]:
        """Items of a vocabulary cell; a whole cell that names one entry is not split at commas."""
        if not text:
            return []
        if ";" not in text and "," in text:
            whole = " ".join(text.split())
            if lookup is not None and fold_key(whole) in lookup:
                return [whole]
            if lookup is None and self.lookups.network(whole) is not None:
                return [whole]
        return split_list(text)

    def _tag_name(self, row: ParsedRow, target: str, text: str) -> str:
        return self._text(row, target, self.tag_field, text) or ""

    def _text(self, row: ParsedRow, target: str, form_field: forms.Field, text: str) -> Any:
        """``form_field.clean(text)``, or None with the error reported for ``target``."""
        if (
            type(form_field) is forms.CharField
            and (form_field.max_length is None or len(text) <= form_field.max_length)
            and (text or not form_field.required)
        ):
            return text  # what clean() returns for stripped text that fits; 50 times faster
        try:
            return form_field.clean(text)
        except ValidationError as error:
            row.error(target, self._message(target, error), text)
            return None

    # Site

    def _site(self, row: ParsedRow, values: dict[str, str]) -> None:
        if not self.mapped.intersection(SITE_TARGETS):
            return
        street = values.get("street", "")
        if values.get("house_number"):
            street = f"{street} {values['house_number']}".strip()
        code = values.get("postal_code", "")
        place = values.get("place", "")
        if not (street or code or place):
            return
        street = self._text(row, "street", self.site_fields["street"], street)
        if street is None:
            return
        found = self._memo(
            row, ("postal_code", code, place), lambda rec: self._postal(rec, code, place)
        )
        if found is not None:
            row.site = {"street": street, "postal_code": found[0], "place": found[1]}

    def _postal(self, rec: _Recorder, code: str, place: str) -> tuple[str, str] | None:
        """(postal code, place) checked against the postal codes, or None after an error."""
        max_length = getattr(self.site_fields["place"], "max_length", None) or 200
        if place and len(place) > max_length:
            rec.error(
                "place",
                _("Place: at most %(max)d characters") % {"max": max_length},
                place,
            )
            return None
        code = re.sub(r"^(D|DE)\s*-\s*", "", code, flags=re.IGNORECASE).replace(" ", "")
        if not code:
            rec.error(
                "postal_code" if "postal_code" in self.mapped else "place",
                _("The postal code is missing"),
                "",
            )
            return None
        if re.fullmatch(r"\d{4}", code):
            rec.note(
                "postal_code",
                _(
                    "Postal code %(code)s read as 0%(code)s (the spreadsheet dropped the "
                    "leading zero)"
                )
                % {"code": code},
            )
            code = "0" + code
        if not re.fullmatch(r"\d{5}", code):
            rec.error(
                "postal_code", _("Postal code “%(code)s” must have five digits") % {"code": code}
            )
            return None
        if not self.lookups.postal_code_known(code):
            rec.error("postal_code", _("Postal code %(code)s does not exist") % {"code": code})
            return None
        places = self.lookups.postal_places.get(code, [])
        if not place:
            if not places:
                rec.error("place", _("The place is missing"), "")
                return None
            rec.note(
                "place",
                _("Place taken from postal code %(code)s: %(place)s")
                % {"code": code, "place": places[0]},
                "",
            )
            return code, places[0]
        folded = fold_place_name(place)
        if places and not any(names_match(folded, fold_place_name(known)) for known in places):
            rec.note(
                "place",
                _("Postal code %(code)s belongs to %(places)s, not to “%(place)s”")
                % {"code": code, "places": ", ".join(places[:3]), "place": place},
            )
        return code, place

    # Contact person

    def _contact(self, row: ParsedRow, values: dict[str, str]) -> None:
        if not self.mapped.intersection(CONTACT_TARGETS):
            return
        if not any(values.get(t) for t in CONTACT_TARGETS if t != "contact_visibility"):
            return
        title, first, last = "", "", ""
        if values.get("contact_name"):
            title, first, last = split_person_name(values["contact_name"])
        title = values.get("contact_title") or title
        first = values.get("contact_first_name") or first
        last = values.get("contact_last_name") or last
        contact = {
            "title": title,
            "first_name": first,
            "last_name": last,
            "role": values.get("contact_role", ""),
            "phone": values.get("contact_phone", ""),
            "email": values.get("contact_email", ""),
        }
        if not last:
            target = "contact_last_name" if "contact_last_name" in self.mapped else "contact_name"
            if target not in self.mapped:
                target = next(t for t in CONTACT_TARGETS if t in self.mapped)
            row.error(target, _("The contact person's last name is missing"), "")
            return
        target_of = {
            "title": "contact_title",
            "first_name": "contact_first_name",
            "last_name": "contact_last_name",
            "role": "contact_role",
            "phone": "contact_phone",
            "email": "contact_email",
        }
        ok = True
        for name, text in contact.items():
            target = target_of[name]
            if target not in self.mapped and name in ("title", "first_name", "last_name"):
                target = "contact_name"
            cleaned = self._text(row, target, self.contact_fields[name], text) if text else ""
            if cleaned is None:
                ok = False
            else:
                contact[name] = cleaned
        visibility = values.get("contact_visibility", "")
        if visibility:
            found = self.lookups.visibilities.get(fold_key(visibility))
            if found is None:
                row.error(
                    "contact_visibility",
                    _("Unknown visibility “%(value)s”; use one of: %(choices)s")
                    % {
                        "value": visibility,
                        "choices": ", ".join(str(v) for v in Visibility.labels),
                    },
                )
                ok = False
            else:
                contact["visibility"] = found
        if ok:
            row.contact = contact

    # Identifiers

    def _identifiers(self, row: ParsedRow, values: dict[str, str]) -> None:
        for target in IDENTIFIER_TARGETS:
            if target in self.mapped:
                text = values[target]
                if target == "register_number":
                    text = re.sub(r"^(HR[AB])\s*", r"\1 ", text, flags=re.IGNORECASE)
                    text = text[:3].upper() + text[3:] if text[:2].upper() == "HR" else text
                cleaned = self._text(row, target, self.identifier_field, text) if text else ""
                if cleaned is not None:
                    row.identifiers[target] = cleaned
        if "portal_id" in self.mapped and values["portal_id"]:
            text = values["portal_id"]
            if re.fullmatch(r"\d+(\.0+)?", text):
                row.portal_id = int(text.split(".")[0])
            else:
                row.error(
                    "portal_id",
                    _("Portal ID “%(value)s” is not a number") % {"value": text},
                )


# --- Matching and duplicates ----------------------------------------------------------


IDENTIFIER_LABELS = {
    "portal_id": gettext_lazy("portal ID"),
    "agency_id": gettext_lazy("agency ID"),
    "register_number": gettext_lazy("register number"),
    "vat_id": gettext_lazy("VAT ID"),
}


def _match_rows(rows: list[ParsedRow]) -> None:
    """Find the organisation each row updates, by portal ID or external identifier."""
    wanted: dict[str, set[str]] = defaultdict(set)
    portal_ids = set()
    for row in rows:
        if row.portal_id is not None:
            portal_ids.add(row.portal_id)
        for target, value in row.identifiers.items():
            if value:
                wanted[IDENTIFIER_TARGETS[target]].add(value)
    by_identifier: dict[tuple[str, str], int] = {}
    for scheme, values in wanted.items():
        items = sorted(values)
        for start in range(0, len(items), BATCH_SIZE):
            for org_id, value in ExternalIdentifier.objects.filter(
                scheme=scheme, value__in=items[start : start + BATCH_SIZE]
            ).values_list("organisation_id", "value"):
                by_identifier[(scheme, value)] = org_id
    names: dict[int, str] = {}
    id_list = sorted(portal_ids)
    for start in range(0, len(id_list), BATCH_SIZE):
        names.update(
            Organisation.objects.filter(pk__in=id_list[start : start + BATCH_SIZE]).values_list(
                "pk", "name"
            )
        )
    seen_identifier: dict[tuple[str, str], int] = {}
    seen_org: dict[int, int] = {}
    for row in rows:
        matches: dict[int, str] = {}
        if row.portal_id is not None:
            if row.portal_id not in names:
                row.error(
                    "portal_id",
                    _("No organisation has the portal ID %(id)d") % {"id": row.portal_id},
                )
            else:
                existing = names[row.portal_id]
                if row.name and (
                    fuzz.token_set_ratio(similarity_key(row.name), similarity_key(existing))
                    < PORTAL_ID_NAME_THRESHOLD
                ):
                    row.error(
                        "portal_id",
                        _(
                            "Portal ID %(id)d belongs to “%(existing)s”, not to “%(name)s”; "
                            "remove the portal ID column when the list comes from elsewhere"
                        )
                        % {"id": row.portal_id, "existing": existing, "name": row.name},
                    )
                else:
                    matches[row.portal_id] = "portal_id"
            key = ("portal", str(row.portal_id))
            if key in seen_identifier:
                row.error(
                    "portal_id",
                    _("The portal ID %(value)s appears also in row %(row)d")
                    % {"value": row.portal_id, "row": seen_identifier[key]},
                )
            seen_identifier[key] = row.number
        for target, value in row.identifiers.items():
            if not value:
                continue
            scheme = IDENTIFIER_TARGETS[target]
            key = (scheme, value)
            if key in seen_identifier:
                row.error(
                    target,
                    _("The %(label)s %(value)s appears also in row %(row)d")
                    % {
                        "label": IDENTIFIER_LABELS[target],
                        "value": value,
                        "row": seen_identifier[key],
                    },
                )
            seen_identifier[key] = row.number
            owner = by_identifier.get(key)
            if owner is not None:
                matches.setdefault(owner, target)
        if len(matches) > 1:
            row.error(
                next(iter(matches.values())),
                _(
                    "The identifiers of this row belong to different organisations "
                    "(portal IDs %(ids)s)"
                )
                % {"ids": ", ".join(str(pk) for pk in sorted(matches))},
            )
            continue
        if matches:
            org_id = next(iter(matches))
            if org_id in seen_org:
                row.error(
                    matches[org_id],
                    _("Row %(row)d updates the same organisation (portal ID %(id)d)")
                    % {"row": seen_org[org_id], "id": org_id},
                )
                continue
            seen_org[org_id] = row.number
            row.match_id = org_id


@dataclass
class _Known:
    """An organisation (or an earlier row) the duplicate check compares with."""

    org_id: int | None
    name: str
    row: int | None = None


def _duplicate_entry(row: ParsedRow, target: str, value: str, reason: str, known: _Known) -> None:
    row.entries.append(
        ReportEntry(
            row.number,
            row.columns.get(target, ""),
            value,
            reason,
            EntryLevel.DUPLICATE,
            organisation_id=known.org_id,
            organisation_name=known.name,
            other_row=known.row,
        )
    )


def _who(known: _Known) -> str:
    if known.row is not None:
        return _("row %(row)d (“%(name)s”)") % {"row": known.row, "name": known.name}
    return _("the existing organisation “%(name)s” (portal ID %(id)d)") % {
        "name": known.name,
        "id": known.org_id,
    }


def _find_duplicates(rows: list[ParsedRow], progress: Progress) -> None:
    """Report rows that look like an existing organisation or an earlier row.

    Same website (normalised), same folded name in the same postal code, or a
    similar name (legal forms left out, token_set_ratio ≥ SIMILAR_NAME_THRESHOLD,
    the same numbers in both) in the same postal code. A row is never a duplicate
    of the organisation it updates.
    """
    websites = {
        normalise_website(row.fields["website"]) for row in rows if row.fields.get("website")
    }
    codes = {row.site["postal_code"] for row in rows if row.site}
    db_websites: dict[str, list[_Known]] = defaultdict(list)
    if websites:
        for org_id, name, url in (
            Organisation.objects.exclude(website="")
            .values_list("pk", "name", "website")
            .iterator(chunk_size=5000)
        ):
            key = normalise_website(url)
            if key in websites:
                db_websites[key].append(_Known(org_id, name))
    db_names: dict[tuple[str, str], list[_Known]] = defaultdict(list)
    db_by_code: dict[str, dict[str, list[_Known]]] = defaultdict(lambda: defaultdict(list))
    code_list = sorted(codes)
    for start in range(0, len(code_list), BATCH_SIZE):
        sites = (
            Site.objects.filter(postal_code__in=code_list[start : start + BATCH_SIZE])
            .values_list("organisation_id", "organisation__name", "postal_code")
            .distinct()
        )
        for org_id, name, code in sites.iterator(chunk_size=5000):
            stored = _Known(org_id, name)
            folded = fold(name)
            db_names[(folded, code)].append(stored)
            key = similarity_key(name, folded)
            if key:
                db_by_code[code][key].append(stored)

    file_websites: dict[str, _Known] = {}
    file_names: dict[tuple[str, str], _Known] = {}
    file_by_code: dict[str, dict[str, list[_Known]]] = defaultdict(lambda: defaultdict(list))

    def others(candidates: Iterable[_Known], row: ParsedRow) -> _Known | None:
        for known in candidates:
            if known.org_id is None or known.org_id != row.match_id:
                return known
        return None

    for row in track(rows, len(rows), _("Checking for duplicates"), progress):
        if not row.name:
            continue
        website = row.fields.get("website") or ""
        if website:
            key = normalise_website(website)
            known = others(db_websites.get(key, []), row) or others(
                [file_websites[key]] if key in file_websites else [], row
            )
            if known is not None:
                _duplicate_entry(
                    row,
                    "website",
                    website,
                    _("Same website as %(who)s") % {"who": _who(known)},
                    known,
                )
            file_websites.setdefault(key, _Known(row.match_id, row.name, row.number))
        if not row.site:
            continue
        code = row.site["postal_code"]
        folded = fold(row.name)
        name_key = (folded, code)
        exact = others(db_names.get(name_key, []), row) or others(
            [file_names[name_key]] if name_key in file_names else [], row
        )
        if exact is not None:
            _duplicate_entry(
                row,
                "name",
                row.name,
                _("Same name and postal code as %(who)s") % {"who": _who(exact)},
                exact,
            )
        file_names.setdefault(name_key, _Known(row.match_id, row.name, row.number))
        key = similarity_key(row.name, folded)
        if not key:
            continue
        if exact is None:
            similar = _similar(key, db_by_code.get(code), row) or _similar(
                key, file_by_code.get(code), row
            )
            if similar is not None:
                _duplicate_entry(
                    row,
                    "name",
                    row.name,
                    _("Name similar to %(who)s in postal code %(code)s")
                    % {"who": _who(similar), "code": code},
                    similar,
                )
        file_by_code[code][key].append(_Known(row.match_id, row.name, row.number))


def _similar(key: str, candidates: dict[str, list[_Known]] | None, row: ParsedRow) -> _Known | None:
    if not candidates:
        return None
    numbers = _numbers(key)
    if len(candidates) <= 50:
        scorer = fuzz.token_set_ratio
        matches = [
            match for match in candidates if scorer(key, match, score_cutoff=SIMILAR_NAME_THRESHOLD)
        ]
    else:
        matches = [
            match
            for match, _score, _index in process.extract(
                key,
                list(candidates),
                scorer=fuzz.token_set_ratio,
                score_cutoff=SIMILAR_NAME_THRESHOLD,
                limit=10,
            )
        ]
    for match in matches:
        if _numbers(match) != numbers:
            continue
        for known in candidates[match]:
            if known.org_id is None or known.org_id != row.match_id:
                return known
    return None


# --- Comparing with what is stored ----------------------------------------------------


@dataclass
class _Stored:
    """What the database holds for an organisation a row updates."""

    organisation: Organisation
    m2m: dict[str, set[int]] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    offerings: dict[str, dict[str, Offering]] = field(default_factory=dict)
    certifications: dict[int, Certification] = field(default_factory=dict)
    memberships: dict[int, Membership] = field(default_factory=dict)
    primary_site: Site | None = None
    contacts: list[ContactPerson] = field(default_factory=list)
    identifiers: dict[str, ExternalIdentifier] = field(default_factory=dict)


M2M_FIELDS = ("secondary_wz", "technologies", "tags", "growth_fields")


def _through(name: str) -> tuple[type[models.Model], str, str]:
    """(through model, column of the organisation, column of the other side)."""
    m2m_field = Organisation._meta.get_field(name)
    through = m2m_field.remote_field.through  # type: ignore[union-attr]
    return through, m2m_field.m2m_column_name(), m2m_field.m2m_reverse_name()  # type: ignore[union-attr]


def _link_columns(name: str) -> tuple[str, str]:
    """Attribute names of the organisation and the other side in a many-to-many link."""
    m2m_field = Organisation._meta.get_field(name)
    through = m2m_field.remote_field.through  # type: ignore[union-attr]
    return (
        through._meta.get_field(m2m_field.m2m_field_name()).attname,  # type: ignore[union-attr]
        through._meta.get_field(m2m_field.m2m_reverse_field_name()).attname,  # type: ignore[union-attr]
    )


def _load_stored(ids: list[int]) -> dict[int, _Stored]:
    stored: dict[int, _Stored] = {}
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        for organisation in Organisation.objects.filter(pk__in=chunk):
            stored[organisation.pk] = _Stored(
                organisation, m2m={name: set() for name in M2M_FIELDS if name != "tags"}
            )
        for name in M2M_FIELDS:
            through, own, other = _through(name)
            if name == "tags":
                for org_id, tag_id, tag_name in through.objects.filter(  # type: ignore[attr-defined]
                    **{f"{own}__in": chunk}
                ).values_list(own, other, "tag__name"):
                    stored[org_id].tags[tag_name] = tag_id
                continue
            for org_id, other_id in through.objects.filter(  # type: ignore[attr-defined]
                **{f"{own}__in": chunk}
            ).values_list(own, other):
                stored[org_id].m2m[name].add(other_id)
        for offering in Offering.objects.filter(organisation_id__in=chunk):
            stored[offering.organisation_id].offerings.setdefault(offering.kind, {})[
                offering.name
            ] = offering
        for certification in Certification.objects.filter(organisation_id__in=chunk):
            stored[certification.organisation_id].certifications[certification.standard_id] = (
                certification
            )
        for membership in Membership.objects.filter(organisation_id__in=chunk):
            stored[membership.organisation_id].memberships[membership.network_id] = membership
        for site in Site.objects.filter(organisation_id__in=chunk).order_by("-is_primary", "pk"):
            if stored[site.organisation_id].primary_site is None:
                stored[site.organisation_id].primary_site = site
        for contact in ContactPerson.objects.filter(organisation_id__in=chunk).order_by(
            "order", "pk"
        ):
            stored[contact.organisation_id].contacts.append(contact)
        for identifier in ExternalIdentifier.objects.filter(organisation_id__in=chunk):
            stored[identifier.organisation_id].identifiers[identifier.scheme] = identifier
    return stored


ORGANISATION_FIELD_TARGETS = {
    "name": "name",
    "kind": "kind",
    "legal_form": "legal_form",
    "status": "status",
    "short_description": "short_description",
    "description": "description",
    "short_description_en": "short_description_en",
    "description_en": "description_en",
    "website": "website",
    "email": "email",
    "phone": "phone",
    "founding_year": "founding_year",
    "employee_size_class": "employees",
    "primary_wz_id": "primary_wz",
}


def _differs(field_name: str, stored: Any, new: Any) -> bool:
    """Whether a stored value and an imported one differ beyond whitespace and line ends."""
    if isinstance(stored, str) and isinstance(new, str):
        return clean_text(stored, multiline=field_name in MULTILINE_FIELDS) != new
    return bool(stored != new)


def _matching_contact(
    contacts: list[ContactPerson], wanted: dict[str, str]
) -> ContactPerson | None:
    email = wanted.get("email", "").casefold()
    if email:
        for contact in contacts:
            if contact.email.casefold() == email:
                return contact
    name = (fold(wanted.get("first_name", "")), fold(wanted["last_name"]))
    for contact in contacts:
        if (fold(contact.first_name), fold(contact.last_name)) == name:
            return contact
    return None


def _changes(row: ParsedRow, stored: _Stored) -> list[str]:
    """Labels of what a row would change on the organisation it updates."""
    changes: list[str] = []
    organisation = stored.organisation
    for field_name, target in ORGANISATION_FIELD_TARGETS.items():
        if field_name in row.fields and _differs(
            field_name, getattr(organisation, field_name), row.fields[field_name]
        ):
            changes.append(str(TARGETS[target].label))
    for name, ids in row.m2m.items():
        if set(ids) != stored.m2m[name]:
            changes.append(str(TARGETS[name].label))
    if _wanted_tags(row, stored) != set(stored.tags):
        changes.append(str(TARGETS["tags"].label))
    for kind, names in row.offerings.items():
        if set(names) != set(stored.offerings.get(kind, {})):
            changes.append(
                str(TARGETS["products" if kind == OfferingKind.PRODUCT else "services"].label)
            )
    if row.certifications is not None and set(row.certifications) != set(stored.certifications):
        changes.append(str(TARGETS["certifications"].label))
    if row.networks is not None and set(row.networks) != set(stored.memberships):
        changes.append(str(TARGETS["networks"].label))
    if row.site is not None:
        site = stored.primary_site
        if site is None or any(getattr(site, k) != v for k, v in row.site.items()):
            changes.append(str(_("Address")))
    if row.contact is not None:
        contact = _matching_contact(stored.contacts, row.contact)
        if contact is None or any(getattr(contact, k) != v for k, v in row.contact.items()):
            changes.append(str(_("Contact person")))
    for target, value in row.identifiers.items():
        scheme = IDENTIFIER_TARGETS[target]
        current = stored.identifiers.get(scheme)
        if (current.value if current else "") != value:
            changes.append(str(TARGETS[target].label))
    return changes


def _wanted_tags(row: ParsedRow, stored: _Stored | None) -> set[str]:
    """Tag names after the row: the tags column replaces, unknown technologies add."""
    base = set(row.tags) if row.tags is not None else set(stored.tags) if stored else set()
    existing = {name.casefold(): name for name in base}
    for tag in row.extra_tags:
        existing.setdefault(tag.casefold(), tag)
    return set(existing.values())


# --- Writing --------------------------------------------------------------------------


def _adapt_now(now: Any, adapted: Any, ops: Any, value: Any) -> Any:
    return adapted if value is now else ops.adapt_datetimefield_value(value)


@dataclass
class _InsertPlan:
    sql: str = ""
    attnames: list[str] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict)
    convert: dict[str, Any] = field(default_factory=dict)
    timestamps: list[str] = field(default_factory=list)
    values: Any = None


class _Inserter:
    """Plain multi-row INSERTs for new rows and their history, with ids reserved up front.

    The ORM's ``bulk_create`` prepares every value through several layers of field
    methods, which costs more than everything else an import does; rows built
    here are already clean, so they go to ``executemany`` directly. Reserving the
    ids first lets history rows, links and link history refer to them without
    reading anything back. SQLite (the write lock is held for the whole
    transaction) and PostgreSQL (sequences) are supported, as is the project.
    """

    def __init__(self, model: type[models.Model], reason: str, user_id: int | None) -> None:
        self.connection = connections[router.db_for_write(model)]
        self.reason = reason
        self.user_id = user_id
        self.now = timezone.now()
        self._next: dict[str, int] = {}
        self._plans: dict[tuple[type[models.Model], bool], _InsertPlan] = {}

    def reserve(self, model: type[models.Model], count: int) -> list[int]:
        """``count`` new primary keys of ``model`` that no other insert will use."""
        if count == 0:
            return []
        meta = model._meta
        table = meta.db_table
        column = meta.pk.column if meta.pk is not None and meta.pk.column else "id"
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [quote(table), column, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if self.connection.vendor != "sqlite":
                raise NotImplementedError(f"bulk import on {self.connection.vendor}")
            if table not in self._next:
                cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
                top = (cursor.fetchone() or [0])[0] or 0
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                sequence = cursor.fetchone()
                self._next[table] = max(top, sequence[0] if sequence else 0) + 1
        start = self._next[table]
        self._next[table] = start + count
        return list(range(start, start + count))

    def _plan(self, model: type[models.Model], with_pk: bool) -> _InsertPlan:
        key = (model, with_pk)
        if key not in self._plans:
            ops = self.connection.ops
            now = ops.adapt_datetimefield_value(self.now)
            plan = _InsertPlan()
            names = []
            for model_field in model._meta.concrete_fields:
                if model_field.primary_key and not with_pk:
                    continue
                attname = model_field.attname
                plan.attnames.append(attname)
                plan.defaults[attname] = model_field.get_default()
                names.append(ops.quote_name(model_field.column or attname))
                internal = model_field.get_internal_type()
                if getattr(model_field, "auto_now", False) or getattr(
                    model_field, "auto_now_add", False
                ):
                    plan.timestamps.append(attname)
                if internal == "DateTimeField":
                    plan.convert[attname] = partial(_adapt_now, self.now, now, ops)
                elif internal == "DateField":
                    plan.convert[attname] = ops.adapt_datefield_value
                elif internal in ("JSONField", "DecimalField", "UUIDField", "DurationField"):
                    plan.convert[attname] = partial(
                        model_field.get_db_prep_save, connection=self.connection
                    )
            plan.sql = "INSERT INTO {} ({}) VALUES ({})".format(
                ops.quote_name(model._meta.db_table),
                ", ".join(names),
                ", ".join(["%s"] * len(names)),
            )
            plan.values = itemgetter(*plan.attnames)
            self._plans[key] = plan
        return self._plans[key]

    def insert(
        self, model: type[models.Model], rows: list[dict[str, Any]], with_pk: bool = True
    ) -> None:
        """Insert ``rows`` (attname → value; missing fields get their defaults).

        Timestamps the model sets itself (``created``, ``modified``) are filled in
        ``rows``, so a history row copied from one afterwards has them too.
        """
        if not rows:
            return
        plan = self._plan(model, with_pk)
        defaults, convert, values_of = plan.defaults, plan.convert.items(), plan.values
        for attname in plan.timestamps:
            for row in rows:
                row.setdefault(attname, self.now)
        values = []
        for row in rows:
            merged = {**defaults, **row}
            for attname, function in convert:
                if merged[attname] is not None:
                    merged[attname] = function(merged[attname])
            values.append(values_of(merged))
        with self.connection.cursor() as cursor:
            for start in range(0, len(values), 2000):
                cursor.executemany(plan.sql, values[start : start + 2000])

    def insert_with_history(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        """Insert new objects (their ``id`` set) and one "+" history record each."""
        self.insert(model, rows)
        history_model = get_history_manager_for_model(model).model
        self.insert(history_model, [self.history_row(row) for row in rows], with_pk=False)

    def history_row(self, row: dict[str, Any], history_type: str = "+") -> dict[str, Any]:
        return {
            **row,
            "history_date": self.now,
            "history_change_reason": self.reason,
            "history_type": history_type,
            "history_user_id": self.user_id,
        }


class _CachedGeocoder(Geocoder):
    """Remembers offline results, which depend on postal code and place only.

    A list repeats the same postal code and place many times; the look-up of the
    municipality behind each is the costly part of geocoding a site.
    """

    def __init__(self) -> None:
        super().__init__()
        self._offline: dict[tuple[str, str], GeocodeResult] = {}

    def offline(self, street: str, postal_code: str, place: str) -> GeocodeResult:
        key = (postal_code, place)
        if key not in self._offline:
            self._offline[key] = super().offline(street, postal_code, place)
        return self._offline[key]


class _Writer:
    """Writes checked rows in bulk, recording history for every object it touches."""

    def __init__(self, reason: str, user: Any, source_detail: str, progress: Progress) -> None:
        self.reason = reason
        self.user = user
        self.source_detail = source_detail[:255]
        self.progress = progress
        self.history_orgs: dict[int, str] = {}  # organisation id → "+" or "~"
        self._slugs: set[str] | None = None
        self._tags: dict[str, Tag] | None = None
        self.geocoder = _CachedGeocoder()
        self.inserter = _Inserter(Organisation, reason, getattr(user, "pk", None))

    # helpers

    def _history_kwargs(self) -> dict[str, Any]:
        return {"default_user": self.user, "default_change_reason": self.reason}

    def _create(self, objs: list[Any], model: type[models.Model]) -> None:
        if objs:
            bulk_create_with_history(objs, model, batch_size=BATCH_SIZE, **self._history_kwargs())

    def _update(self, objs: list[Any], model: type[models.Model], fields: Iterable[str]) -> None:
        if objs:
            bulk_update_with_history(
                objs, model, sorted(set(fields)), batch_size=BATCH_SIZE, **self._history_kwargs()
            )

    def _delete(self, objs: Iterable[models.Model]) -> None:
        for obj in objs:
            obj._change_reason = self.reason  # type: ignore[attr-defined]
            obj._history_user = self.user  # type: ignore[attr-defined]
            obj.delete()

    def slug(self, name: str) -> str:
        if self._slugs is None:
            self._slugs = set(Organisation.objects.values_list("slug", flat=True))
        base = (vocabulary_slug(name) or "organisation")[:240].strip("-")
        slug, counter = base, 2
        while slug in self._slugs:
            slug = f"{base}-{counter}"
            counter += 1
        self._slugs.add(slug)
        return slug

    def tags(self, names: Iterable[str]) -> dict[str, Tag]:
        """Tags by folded name, created where missing."""
        if self._tags is None:
            self._tags = {tag.name.casefold(): tag for tag in Tag.objects.all()}
        missing = {}
        for name in names:
            if name.casefold() not in self._tags and name.casefold() not in missing:
                missing[name.casefold()] = name
        if missing:
            slugs = set(Tag.objects.values_list("slug", flat=True))
            new = []
            for name in missing.values():
                base = (vocabulary_slug(name) or "tag")[:90]
                slug, counter = base, 2
                while slug in slugs:
                    slug = f"{base}-{counter}"
                    counter += 1
                slugs.add(slug)
                new.append(Tag(name=name, slug=slug))
            for tag in Tag.objects.bulk_create(new, batch_size=BATCH_SIZE):
                self._tags[tag.name.casefold()] = tag
        return self._tags

    def geocode(self, site: Site | SimpleNamespace) -> None:
        apply_geocode(site, self.geocoder)

    # creating

    def create(self, rows: list[ParsedRow]) -> None:
        if not rows:
            return
        inserter = self.inserter
        tags = self.tags(name for row in rows for name in _wanted_tags(row, None))
        organisations = []
        for row, org_id in zip(rows, inserter.reserve(Organisation, len(rows)), strict=True):
            values = {
                name: value
                for name, value in row.fields.items()
                if name in ORGANISATION_FIELD_TARGETS and value is not None
            }
            if "legal_form" not in values and row.fields.get("legal_form_inferred"):
                values["legal_form"] = row.fields["legal_form_inferred"]
            values.update(
                id=org_id,
                slug=self.slug(row.name),
                source=Source.IMPORT,
                source_detail=self.source_detail,
            )
            organisations.append(values)
            row.match_id = org_id
        inserter.insert(Organisation, organisations)

        links: dict[str, list[dict[str, Any]]] = defaultdict(list)
        sites: list[dict[str, Any]] = []
        related: dict[type[models.Model], list[dict[str, Any]]] = defaultdict(list)
        for row in track(rows, len(rows), _("Writing"), self.progress):
            assert row.match_id is not None
            org_id = row.match_id
            for name, ids in row.m2m.items():
                own, other = _link_columns(name)
                links[name].extend({own: org_id, other: pk} for pk in ids)
            own, other = _link_columns("tags")
            links["tags"].extend(
                {own: org_id, other: tags[name.casefold()].pk} for name in _wanted_tags(row, None)
            )
            if row.site is not None:
                sites.append(self._new_site(org_id, row.site))
            if row.contact is not None:
                related[ContactPerson].append(
                    {"organisation_id": org_id, "order": 0, **row.contact}
                )
            for target, value in row.identifiers.items():
                if value:
                    related[ExternalIdentifier].append(
                        {
                            "organisation_id": org_id,
                            "scheme": IDENTIFIER_TARGETS[target],
                            "value": value,
                        }
                    )
            for kind, names in row.offerings.items():
                related[Offering].extend(
                    {"organisation_id": org_id, "kind": kind, "name": name} for name in names
                )
            related[Certification].extend(
                {"organisation_id": org_id, "standard_id": pk} for pk in row.certifications or []
            )
            related[Membership].extend(
                {"organisation_id": org_id, "network_id": pk, "role": "member"}
                for pk in row.networks or []
            )
        related[Site] = sites
        for model, objs in related.items():
            for values, pk in zip(objs, inserter.reserve(model, len(objs)), strict=True):
                values["id"] = pk
            inserter.insert_with_history(model, objs)

        history_model = get_history_manager_for_model(Organisation).model
        history_ids = inserter.reserve(history_model, len(organisations))
        history_of: dict[int, int] = {}
        history_rows = []
        for values, history_id in zip(organisations, history_ids, strict=True):
            history_of[values["id"]] = history_id
            history_rows.append({**inserter.history_row(values), "history_id": history_id})
        inserter.insert(history_model, history_rows)
        for name, link_rows in links.items():
            m2m_field = Organisation._meta.get_field(name)
            through = m2m_field.remote_field.through  # type: ignore[union-attr]
            own, _other = _link_columns(name)
            for values, pk in zip(
                link_rows, inserter.reserve(through, len(link_rows)), strict=True
            ):
                values["id"] = pk
            inserter.insert(through, link_rows)
            inserter.insert(
                HistoricalRecords.m2m_models[m2m_field],
                [{**values, "history_id": history_of[values[own]]} for values in link_rows],
                with_pk=False,
            )

    def _new_site(self, org_id: int | None, address: dict[str, str]) -> dict[str, Any]:
        site = SimpleNamespace(
            latitude=None,
            longitude=None,
            geocode_precision="none",
            municipality=None,
            district=None,
            **address,
        )
        self.geocode(site)  # type: ignore[arg-type]
        return {
            "organisation_id": org_id,
            "kind": SiteKind.HEADQUARTERS,
            "is_primary": True,
            **address,
            "latitude": site.latitude,
            "longitude": site.longitude,
            "geocode_precision": site.geocode_precision,
            "municipality_id": getattr(site.municipality, "pk", None),
            "district_id": getattr(site.district, "pk", None),
        }

    # updating

    def update(self, rows: list[ParsedRow], stored: dict[int, _Stored]) -> None:
        if not rows:
            return
        tags = self.tags(name for row in rows for name in _wanted_tags(row, stored[row.match_id]))  # type: ignore[index]
        changed_orgs: list[Organisation] = []
        changed_fields: set[str] = set()
        link_adds: dict[str, list[models.Model]] = defaultdict(list)
        link_removes: dict[str, list[tuple[int, int]]] = defaultdict(list)
        new_sites: list[Site] = []
        changed_sites: list[Site] = []
        site_fields: set[str] = set()
        new_contacts: list[ContactPerson] = []
        changed_contacts: list[ContactPerson] = []
        contact_fields: set[str] = set()
        new_identifiers: list[ExternalIdentifier] = []
        changed_identifiers: list[ExternalIdentifier] = []
        removed_identifiers: list[ExternalIdentifier] = []
        new_offerings: list[Offering] = []
        removed: list[models.Model] = []
        new_certifications: list[Certification] = []
        new_memberships: list[Membership] = []
        for row in track(rows, len(rows), _("Writing"), self.progress):
            assert row.match_id is not None
            state = stored[row.match_id]
            organisation = state.organisation
            org_id = organisation.pk
            self.history_orgs[org_id] = "~"
            dirty = False
            for field_name in ORGANISATION_FIELD_TARGETS:
                if field_name not in row.fields:
                    continue
                value = row.fields[field_name]
                if value is None and field_name in ("kind", "status"):
                    continue
                if _differs(field_name, getattr(organisation, field_name), value):
                    setattr(organisation, field_name, value)
                    changed_fields.add(field_name)
                    dirty = True
            if dirty:
                changed_orgs.append(organisation)
            for name, ids in row.m2m.items():
                through, own, other = _through(name)
                current = state.m2m[name]
                link_adds[name].extend(
                    through(**{own: org_id, other: pk}) for pk in ids if pk not in current
                )
                link_removes[name].extend((org_id, pk) for pk in current - set(ids))
            wanted_tags = _wanted_tags(row, state)
            through, own, other = _through("tags")
            current_tags = {name.casefold(): pk for name, pk in state.tags.items()}
            wanted_folded = {name.casefold() for name in wanted_tags}
            link_adds["tags"].extend(
                through(**{own: org_id, other: tags[name.casefold()].pk})
                for name in wanted_tags
                if name.casefold() not in current_tags
            )
            link_removes["tags"].extend(
                (org_id, pk) for name, pk in current_tags.items() if name not in wanted_folded
            )
            for kind, names in row.offerings.items():
                current_offerings = state.offerings.get(kind, {})
                new_offerings.extend(
                    Offering(organisation_id=org_id, kind=kind, name=name)
                    for name in names
                    if name not in current_offerings
                )
                removed.extend(o for n, o in current_offerings.items() if n not in names)
            if row.certifications is not None:
                new_certifications.extend(
                    Certification(organisation_id=org_id, standard_id=pk)
                    for pk in row.certifications
                    if pk not in state.certifications
                )
                removed.extend(
                    c for pk, c in state.certifications.items() if pk not in row.certifications
                )
            if row.networks is not None:
                new_memberships.extend(
                    Membership(organisation_id=org_id, network_id=pk)
                    for pk in row.networks
                    if pk not in state.memberships
                )
                removed.extend(m for pk, m in state.memberships.items() if pk not in row.networks)
            if row.site is not None:
                site = state.primary_site
                if site is None:
                    site = Site(
                        organisation_id=org_id,
                        kind=SiteKind.HEADQUARTERS,
                        is_primary=True,
                        **row.site,
                    )
                    self.geocode(site)
                    new_sites.append(site)
                else:
                    differs = [k for k, v in row.site.items() if getattr(site, k) != v]
                    if differs:
                        for key in differs:
                            setattr(site, key, row.site[key])
                        self.geocode(site)
                        site_fields.update(differs)
                        site_fields.update(
                            (
                                "latitude",
                                "longitude",
                                "geocode_precision",
                                "municipality",
                                "district",
                            )
                        )
                        changed_sites.append(site)
            if row.contact is not None:
                contact = _matching_contact(state.contacts, row.contact)
                if contact is None:
                    order = max((c.order for c in state.contacts), default=-1) + 1
                    new_contacts.append(
                        ContactPerson(organisation_id=org_id, order=order, **row.contact)
                    )
                else:
                    differs = [k for k, v in row.contact.items() if getattr(contact, k) != v]
                    if differs:
                        for key in differs:
                            setattr(contact, key, row.contact[key])
                        contact_fields.update(differs)
                        changed_contacts.append(contact)
            for target, value in row.identifiers.items():
                scheme = IDENTIFIER_TARGETS[target]
                identifier = state.identifiers.get(scheme)
                if identifier is None and value:
                    new_identifiers.append(
                        ExternalIdentifier(organisation_id=org_id, scheme=scheme, value=value)
                    )
                elif identifier is not None and not value:
                    removed_identifiers.append(identifier)
                elif identifier is not None and identifier.value != value:
                    identifier.value = value
                    changed_identifiers.append(identifier)
        # Deletions first, so that unique constraints hold for what is added.
        self._delete(removed_identifiers)
        self._delete(removed)
        for name, pairs in link_removes.items():
            if not pairs:
                continue
            through, own, other = _through(name)
            by_org: dict[int, list[int]] = defaultdict(list)
            for org_id, pk in pairs:
                by_org[org_id].append(pk)
            for org_id, pks in by_org.items():
                through.objects.filter(**{own: org_id, f"{other}__in": pks}).delete()  # type: ignore[attr-defined]
        if changed_orgs:
            Organisation.objects.bulk_update(
                changed_orgs, sorted(changed_fields), batch_size=BATCH_SIZE
            )
        for objs in link_adds.values():
            if objs:
                type(objs[0]).objects.bulk_create(objs, batch_size=BATCH_SIZE)  # type: ignore[attr-defined]
        self._update(changed_identifiers, ExternalIdentifier, ["value"])
        self._create(new_identifiers, ExternalIdentifier)
        self._update(changed_sites, Site, site_fields)
        self._create(new_sites, Site)
        self._update(changed_contacts, ContactPerson, contact_fields)
        self._create(new_contacts, ContactPerson)
        self._create(new_offerings, Offering)
        self._create(new_certifications, Certification)
        self._create(new_memberships, Membership)

    # organisation history with its many-to-many fields

    def organisation_history(self) -> None:
        """One history record per organisation touched, with its lists as they are now.

        ``bulk_history_create`` does not copy many-to-many fields, so their
        historical rows are written here the way simple_history does for a save.
        """
        manager = get_history_manager_for_model(Organisation)
        history_model = manager.model
        ids = sorted(self.history_orgs)
        now = timezone.now()
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            by_type: dict[str, list[Organisation]] = defaultdict(list)
            for organisation in Organisation.objects.filter(pk__in=chunk):
                by_type[self.history_orgs[organisation.pk]].append(organisation)
            records: list[Any] = []
            for history_type, organisations in by_type.items():
                records.extend(
                    manager.bulk_history_create(
                        organisations,
                        update=history_type == "~",
                        default_user=self.user,
                        default_change_reason=self.reason,
                        default_date=now,
                    )
                    or []
                )
            if records and records[0].pk is None:
                # Databases that do not return keys from bulk inserts.
                lookup = dict(
                    history_model.objects.filter(
                        id__in=chunk, history_date=now, history_change_reason=self.reason
                    ).values_list("id", "pk")
                )
                for record in records:
                    record.pk = lookup.get(record.id)
            record_by_org = {record.id: record for record in records}
            for m2m_field in history_model._history_m2m_fields:
                self._m2m_history(m2m_field, record_by_org, chunk)

    @staticmethod
    def _m2m_history(m2m_field: Any, records: dict[int, Any], chunk: list[int]) -> None:
        history_m2m_model = HistoricalRecords.m2m_models[m2m_field]
        through = m2m_field.remote_field.through
        own = m2m_field.m2m_field_name()
        attnames = [f.attname for f in through._meta.fields]
        rows = []
        for values in through.objects.filter(**{f"{own}__in": chunk}).values(*attnames):
            record = records.get(values[f"{own}_id"])
            if record is not None:
                rows.append(history_m2m_model(history=record, **values))
        history_m2m_model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


# --- The import -----------------------------------------------------------------------


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
    detail = source_detail or file_name or _("uploaded list")
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
    _match_rows(rows)
    _find_duplicates(rows, progress)
    stored = _load_stored(sorted(row.match_id for row in rows if row.match_id is not None))
    for row in rows:
        if row.match_id is not None and not row.has_error:
            row.changes = _changes(row, stored[row.match_id])
    _collect(result, rows, stored)

    if not dry_run and result.can_write:
        user_for_history = user if user is not None and user.is_authenticated else None
        writer = _Writer(
            _("Import %(file)s") % {"file": detail}, user_for_history, detail, progress
        )
        try:
            with transaction.atomic():
                writer.create([r for r in rows if r.match_id is None])
                writer.update([r for r in rows if r.match_id is not None and r.changes], stored)
                writer.organisation_history()
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


def _collect(result: ImportResult, rows: list[ParsedRow], stored: dict[int, _Stored]) -> None:
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


def mapping_choices() -> list[tuple[str, str]]:
    """("", "— not imported —") and every target, for the mapping form."""
    return [("", str(_("— not imported —")))] + [
        (target.key, str(target.label)) for target in TARGET_FIELDS
    ]


__all__ = [
    "SIMILAR_NAME_THRESHOLD",
    "TARGETS",
    "TARGET_FIELDS",
    "EntryLevel",
    "ImportResult",
    "Lookups",
    "Outcome",
    "ReportEntry",
    "RowResult",
    "TargetField",
    "clean_text",
    "fold",
    "import_organisations",
    "infer_legal_form",
    "mapping_choices",
    "normalise_website",
    "resolve_mapping",
    "similarity_key",
    "split_list",
    "split_person_name",
    "suggest_mapping",
]
