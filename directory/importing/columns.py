"""Columns of a list: the fields they can be mapped to, suggested and checked mappings."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from rapidfuzz import fuzz, process

from core.exports import unguard_formula

from ..choices import (
    IdentifierScheme,
)


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


def mapping_choices() -> list[tuple[str, str]]:
    """("", "— not imported —") and every target, for the mapping form."""
    return [("", str(_("— not imported —")))] + [
        (target.key, str(target.label)) for target in TARGET_FIELDS
    ]
