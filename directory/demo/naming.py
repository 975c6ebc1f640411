"""Names of generated organisations: slugs, demo domains, company and other names.

A mixin of ``generator._Generator``: the attributes below are set by its ``__init__``.
"""

from __future__ import annotations

import random
from bisect import bisect_right as bisect_cum
from collections.abc import Sequence

from .common import ascii_slug
from .planning import ProfilePlan
from .writing import demo_domain

PERSON_FORMS = {"e. K.", "Einzelunternehmen"}
FAMILY_FORMS = ("GmbH & Co. KG", "KG", "OHG")


class _Naming:
    rng: random.Random
    slugs: set[str]
    next_agency_number: int
    surnames: Sequence[str]
    female: Sequence[str]
    male: Sequence[str]
    landscapes: Sequence[str]
    towns: Sequence[str]
    stems: list[tuple[str, tuple[str, ...]]]
    suffixes: list[tuple[str, tuple[str, ...]]]
    brand_parts: dict[str, tuple[list[str], list[str], list[str]]]

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

    def _brand(self, code: str) -> tuple[list[str], list[str], list[str]]:
        """The brand stems and endings that fit a code ("Laser…" for optics, not for bakers):
        stems, endings after a consonant, endings after a vowel ("Inno" + "on" reads badly)."""
        parts = self.brand_parts.get(code)
        if parts is None:
            endings = [w for w, p in self.suffixes if not p or code.startswith(p)]
            parts = (
                [w for w, p in self.stems if not p or code.startswith(p)],
                endings,
                [w for w in endings if w[0] not in "aeiou"],
            )
            self.brand_parts[code] = parts
        return parts

    def _company_name(
        self, plan: ProfilePlan, word: str, form: str, place: str, code: str = ""
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
        elif pattern == "brand" and (parts := self._brand(code))[0]:
            stem = choice(parts[0])
            base = stem + choice(parts[2] if stem[-1] in "aeiou" else parts[1])
            if rng.random() < 0.4:
                base = f"{base} {word}"
        elif pattern == "brand":
            base = f"{choice(self.surnames)} {word}"
        else:
            base = f"{word} {place}"
        return f"{base} {form}", form, None

    def _other_name(self, plan: ProfilePlan, word: str, form: str, place: str) -> str:
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


def _tagged(lines: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """``"Laser | 25.6, 26.7"`` → ``("Laser", ("25.6", "26.7"))``."""
    tagged = []
    for line in lines:
        word, _sep, prefixes = line.partition("|")
        tagged.append((word.strip(), tuple(p.strip() for p in prefixes.split(",") if p.strip())))
    return tagged
