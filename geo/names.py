"""Comparing place names and postal codes the way people type them.

``fold_place_name`` maps spellings that mean the same place to one key: case,
umlauts (``ä`` = ``ae``), ``ß`` = ``ss``, accents, punctuation, the official suffix
after a comma ("Erfurt, Stadt"), "St." = "Sankt" and small connecting words
("Frankfurt am Main" = "Frankfurt a. Main" = "Frankfurt (Main)").
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "fold_place_name",
    "names_match",
    "normalise_postal_code",
    "repair_mojibake",
]

_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Words that spellings of the same place drop or abbreviate differently.
_CONNECTORS = frozenset({"a", "am", "an", "b", "bei", "d", "der", "i", "im", "in", "ot", "v"})
_SYNONYMS = {"st": "sankt"}


def fold_place_name(text: str) -> str:
    """The comparison key of a place name: ``"Jena, Stadt"`` → ``"jena"``."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = text.split(",", 1)[0]
    text = text.translate(_TRANSLITERATION)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    words = [_SYNONYMS.get(word, word) for word in _NON_ALNUM.split(text) if word]
    kept = [word for word in words if word not in _CONNECTORS]
    return " ".join(kept or words)


def names_match(folded_a: str, folded_b: str) -> int:
    """How well two folded names agree: 2 equal, 1 one starts with the other, 0 not.

    "Starts with" goes word by word, so ``"aurich"`` fits ``"aurich haxtum"`` and
    ``"muehlhausen"`` fits ``"muehlhausen thueringen"`` but ``"jen"`` does not fit ``"jena"``.
    """
    if not folded_a or not folded_b:
        return 0
    if folded_a == folded_b:
        return 2
    shorter, longer = sorted((folded_a, folded_b), key=len)
    return 1 if longer.startswith(shorter + " ") else 0


def normalise_postal_code(text: str) -> str:
    """A German postal code as five digits, or ``""`` if ``text`` is not one.

    Accepts "D-99084", " 99084 " and "7743" (a spreadsheet dropped the leading zero).
    """
    text = (text or "").strip().upper()
    for prefix in ("DE-", "D-", "DE ", "D "):
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
    text = text.replace(" ", "")
    if text.isdigit() and text.isascii():
        if len(text) == 4:
            text = "0" + text
        if len(text) == 5:
            return text
    return ""


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252/Latin-1 ("KÃ¶ln" → "Köln"); other text unchanged."""
    if "Ã" not in text and "Â" not in text:
        return text
    for encoding in ("cp1252", "latin-1"):
        try:
            return text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
    return text
