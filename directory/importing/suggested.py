"""WZ codes suggested in the report for an unknown code or a row without one."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from classification import suggestions

if TYPE_CHECKING:
    from .rows import ParsedRow

SUGGESTIONS_PER_ROW = 3
# Rows of one file that get suggestions (each costs ~4-15 ms): an unknown code blocks
# the import, a missing one does not, so a list without any codes stays fast to check.
MAX_UNKNOWN_ROWS = 1000
MAX_MISSING_ROWS = 200
TITLE_CHARS = 60
CONTEXT_TARGETS = ("name", "short_description", "description", "description_en")


class WzSuggestions:
    """Adds the likely codes to a row's findings about its WZ code.

    Only rows with an unknown code, or without any code in a file that has a WZ column,
    pay for a suggestion; the suggestion reads the code's text (a wrong code's label
    says something), the name and the descriptions. Answers are kept by text.
    """

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}
        self._unknown_rows = 0
        self._missing_rows = 0

    def annotate(self, row: ParsedRow, values: dict[str, str], mapped: set[str]) -> None:
        missing = (
            "primary_wz" in mapped
            and not values.get("primary_wz")
            and "primary_wz" not in row.blocked
            and not row.m2m.get("secondary_wz")
        )
        if row.wz_unknown:
            if self._unknown_rows >= MAX_UNKNOWN_ROWS:
                return
            self._unknown_rows += 1
        elif missing:
            if self._missing_rows >= MAX_MISSING_ROWS:
                return
            self._missing_rows += 1
        else:
            return
        context = " ".join(values[t] for t in CONTEXT_TARGETS if values.get(t))
        for index in row.wz_unknown:
            entry = row.entries[index]
            listed = self.listed(f"{entry.value} {context}")
            if listed:
                suggested = _("suggested: %(codes)s") % {"codes": listed}
                row.entries[index] = replace(entry, reason=f"{entry.reason} — {suggested}")
        if missing and not row.wz_unknown and context:
            listed = self.listed(context)
            if listed:
                row.note(
                    "primary_wz", _("No WZ 2008 code — suggested: %(codes)s") % {"codes": listed}
                )

    def listed(self, text: str) -> str:
        """ "25.62.0 Mechanik a. n. g., 25.99.3 …" for ``text``; empty without suggestions."""
        key = " ".join(text.split())
        found = self._cache.get(key)
        if found is None:
            found = ", ".join(
                f"{s.code} {_shorten(s.title)}"
                for s in suggestions.suggest(key, SUGGESTIONS_PER_ROW)
            )
            self._cache[key] = found
        return found


def _shorten(title: str) -> str:
    if len(title) <= TITLE_CHARS:
        return title
    return title[: TITLE_CHARS - 1].rstrip() + "…"
