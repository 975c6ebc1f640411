"""What the generator plans before it writes: which subclasses, how many, in whose words.

Every WZ 2008 subclass with notes gets a ``CodePlan``: the sector profiles that fit
it (names, sizes, legal forms, technologies), the trade words firms of it use
(``demo_data/trades_*.txt``), the subclasses a maker of it can switch production to,
and its neighbours for secondary codes. ``assign`` spreads a run's organisations
over the divisions by their weights and over the subclasses of each division, so
that every division gets at least one and every subclass of a division with room
for it at least one.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

from ..demo_data import DIRECTORY
from ..demo_data.economy import (
    DIVISION_WEIGHTS,
    EXTRA_PROFILES,
    PROFILE_OF_DIVISION,
    SUBCLASS_WEIGHTS,
    SWITCHES,
)
from ..demo_data.research import FIELDS, ResearchField
from ..demo_data.sectors import PROFILES, Profile
from .lookups import _Code

TRADE_FILES = ("trades_c.txt", "trades_other.txt")
ALL_PROFILES: tuple[Profile, ...] = PROFILES + EXTRA_PROFILES


def _cum(weights: Iterable[float]) -> list[float]:
    return list(accumulate(weights))


@dataclass(frozen=True)
class Trade:
    """Words firms of a WZ code use: for their name, for what they do, in English."""

    names: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    english: tuple[str, ...] = ()


def _split(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


@cache
def trades() -> dict[str, Trade]:
    """The trade vocabularies by WZ code prefix ("25.62" → Dreherei, CNC-Drehteile …)."""
    found: dict[str, Trade] = {}
    for name in TRADE_FILES:
        for line in (DIRECTORY / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            code, names, terms, english = (*line.split("|"), "", "", "")[:4]
            found[code.strip()] = Trade(_split(names), _split(terms), _split(english))
    return found


def trade_of(code: str) -> Trade:
    """The words of a subclass: its own, its class's, group's and division's, specific first."""
    known = trades()
    names: list[str] = []
    terms: list[str] = []
    english: list[str] = []
    for key in (code, code[:5], code[:4], code[:2]):
        entry = known.get(key)
        if entry is None:
            continue
        names.extend(n for n in entry.names if n not in names)
        terms.extend(t for t in entry.terms if t not in terms)
        english.extend(e for e in entry.english if e not in english)
    return Trade(tuple(names), tuple(terms), tuple(english))


def _longest(prefixes: Iterable[str], code: str) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=0)


def subclass_weight(code: str) -> float:
    length = _longest(SUBCLASS_WEIGHTS, code)
    return SUBCLASS_WEIGHTS[code[:length]] if length else 1.0


def profiles_of(code: str) -> list[Profile]:
    """The sector profiles whose WZ prefixes fit ``code`` best (or the division's)."""
    best = max(_longest(p.wz, code) for p in ALL_PROFILES)
    if best:
        return [p for p in ALL_PROFILES if _longest(p.wz, code) == best]
    length = _longest(PROFILE_OF_DIVISION, code)
    key = PROFILE_OF_DIVISION[code[:length]] if length else "business"
    return [p for p in ALL_PROFILES if p.key == key]


@dataclass
class ProfilePlan:
    profile: Profile
    # Name words of the profile with the subclass prefixes they fit ("Zimmerei" → 43.91.2).
    words: list[tuple[str, tuple[str, ...]]]
    technologies: list[int]
    certifications: list[tuple[int, float]]
    growth_fields: list[int]
    forms: list[str]
    forms_cum: list[float]
    patterns: list[str]
    patterns_cum: list[float]
    sizes_cum: list[float]
    networks: list[tuple[int, int]]  # (network id, founding year)


@dataclass
class CodePlan:
    code: _Code
    plans: list[ProfilePlan]
    plans_cum: list[float]
    names: tuple[str, ...]
    terms: tuple[str, ...]
    english: tuple[str, ...]
    neighbours: list[_Code] = field(default_factory=list)
    switches: list[_Code] = field(default_factory=list)
    fields: list[ResearchField] = field(default_factory=list)


def code_plans(codes: dict[str, _Code], plans: dict[str, ProfilePlan]) -> dict[str, CodePlan]:
    """A plan for every subclass: profiles, words, neighbours, switches, research fields."""
    by_group: dict[str, list[_Code]] = {}
    by_division: dict[str, list[_Code]] = {}
    for code in codes.values():
        by_group.setdefault(code.code[:4], []).append(code)
        by_division.setdefault(code.code[:2], []).append(code)
    result: dict[str, CodePlan] = {}
    for key, code in codes.items():
        fitting = [plans[p.key] for p in profiles_of(key) if p.key in plans]
        trade = trade_of(key)
        names = list(trade.names)
        for plan in fitting:
            for word, prefixes in plan.words:
                if (not prefixes or any(key.startswith(p) for p in prefixes)) and word not in names:
                    names.append(word)
        group = [c for c in by_group[key[:4]] if c is not code]
        neighbours = (
            group if len(group) >= 2 else [c for c in by_division[key[:2]] if c is not code]
        )
        length = _longest(SWITCHES, key)
        switches = [codes[c] for c in SWITCHES[key[:length]] if c in codes] if length else []
        result[key] = CodePlan(
            code=code,
            plans=fitting,
            plans_cum=_cum(max(plan.profile.weight, 0.01) for plan in fitting),
            names=tuple(names) or (code.title,),
            terms=trade.terms,
            english=trade.english,
            neighbours=neighbours or [code],
            switches=switches,
            fields=[f for f in FIELDS if f.wz == key] or list(FIELDS),
        )
    return result


def _spread(rng: random.Random, items: list[_Code], weights: list[float], n: int) -> list[_Code]:
    """``n`` items: one of each that has weight (while ``n`` allows), the rest by weight."""
    if n <= 0 or not items:
        return []
    firm = [item for item, weight in zip(items, weights, strict=True) if weight >= 0.5]
    chosen = list(firm) if len(firm) <= n else rng.sample(firm, n)
    rest = n - len(chosen)
    if rest:
        chosen.extend(rng.choices(items, weights=weights, k=rest))
    return chosen


def assign(rng: random.Random, codes: dict[str, _Code], count: int) -> list[_Code]:
    """The primary subclasses of ``count`` organisations, in random order.

    Each division gets its share of ``DIVISION_WEIGHTS`` (at least one while ``count``
    allows); within it each subclass one (while its share allows), the rest by
    ``SUBCLASS_WEIGHTS``.
    """
    by_division: dict[str, list[_Code]] = {}
    for key in sorted(codes):
        by_division.setdefault(key[:2], []).append(codes[key])
    divisions = [d for d in sorted(by_division) if DIVISION_WEIGHTS.get(d, 0.1) > 0]
    weights = [DIVISION_WEIGHTS.get(d, 0.1) for d in divisions]
    total = sum(weights)
    if count < 2 * len(divisions):
        picked = rng.choices(divisions, weights=weights, k=count)
        quotas = {d: picked.count(d) for d in divisions}
    else:
        quotas = {
            d: max(1, int(count * w / total)) for d, w in zip(divisions, weights, strict=True)
        }
        surplus = count - sum(quotas.values())
        # The largest divisions give or take what rounding left over.
        order = sorted(divisions, key=lambda d: -quotas[d])
        i = 0
        while surplus:
            division = order[i % len(order)]
            step = 1 if surplus > 0 else -1
            if quotas[division] + step >= 1:
                quotas[division] += step
                surplus -= step
            i += 1
    assigned: list[_Code] = []
    for division in divisions:
        items = by_division[division]
        assigned.extend(
            _spread(rng, items, [subclass_weight(c.code) for c in items], quotas[division])
        )
    rng.shuffle(assigned)
    return assigned
