"""Constants, the run summary and the text helpers the demo generator shares."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

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


# Slips in the official WZ notes, mended where they would show in a profile.
_NOTE_SLIPS = (
    (re.compile(r"\bv on\b"), "von"),  # "Herstellung v on Fässern"
    (re.compile(r"\bvon Teile\b"), "von Teilen"),  # "Herstellung von Teile aus Metallpulver"
    (re.compile(r"\bvon präventive\b"), "von präventiver"),
)


def clean_note(text: str) -> str:
    text = _REFERENCE.sub("", text)
    text = _ANG.sub("", text)
    for slip, mended in _NOTE_SLIPS:
        text = slip.sub(mended, text)
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


# Words too general to tell one trade from another ("Herstellung von sonstigen Waren").
_GENERAL = frozenset(
    {
        "herste", "sonsti", "erzeug", "andere", "ahnlic", "gerate", "teilen", "zubeho",
        "auserd", "ausser", "einsch", "verwan", "bestim", "zwecke", "versch", "klassi",
        "genann", "verkau", "untern",
        "dienst", "leistu", "tatigk", "betrie", "unters", "umfass", "klasse", "gruppe",
        "abteil", "grosse", "kleine", "allgem", "insbes", "daraus", "dieser", "werden",
        "sowohl", "zugeka", "produk", "bereic", "arbeit", "verarb", "materi", "fertig",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-zß]+")
_WITHOUT = re.compile(r"\s*\((?:ohne|außer)\s[^)]*\)|,?\s+(?:ohne|außer)\s.*$")


def stems(text: str) -> frozenset[str]:
    """Six-letter heads of the telling words of a text ("Lackiererei" → "lackie").

    Umlauts are folded (``Autowäsche`` meets ``Autowaschanlage``); words shorter than six
    letters and words too general to tell trades apart are left out.
    """
    folded = text.lower().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")
    return frozenset(w[:6] for w in _WORD.findall(folded) if len(w) >= 6 and w[:6] not in _GENERAL)


def fold_text(text: str) -> str:
    return text.lower().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


def names_any(text: str, heads: frozenset[str]) -> bool:
    """Whether ``text`` holds one of the word heads, also inside a compound."""
    folded = fold_text(text)
    return any(head in folded for head in heads)


def without_exclusions(title: str) -> str:
    """A title without what it leaves out ("… (ohne Lackierung und Autowäsche)")."""
    return _WITHOUT.sub("", title).strip()
