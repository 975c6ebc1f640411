"""Everything rows are checked against, read once per file, and the parsing of cell values."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.db import models
from django.utils.translation import override

from classification.choices import WzLevel, WzVersion
from classification.models import CertificationStandard, GrowthField, Technology, WzCode
from classification.services import normalise_wz_code, resolve_wz2008
from geo.geocoding import is_known_postal_code
from geo.models import PostalCode

from ..choices import (
    NETWORK_KINDS,
    EmployeeSizeClass,
    LegalForm,
    OrganisationKind,
    PublicationStatus,
    Visibility,
)
from ..models import (
    Organisation,
)
from .columns import fold, fold_key

BATCH_SIZE = 500


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
