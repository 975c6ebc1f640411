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
from .common import fold_text, names_any, stems
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
def trades() -> dict[str, tuple[Trade, ...]]:
    """The trade vocabularies by WZ code prefix ("25.62" → Dreherei, CNC-Drehteile …).

    Several lines of one code are its themes: specialties of firms of a catch-all code
    ("32.99": protective equipment, writing instruments, umbrellas …), one per firm.
    """
    found: dict[str, tuple[Trade, ...]] = {}
    for name in TRADE_FILES:
        for line in (DIRECTORY / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            code, names, terms, english = (*line.split("|"), "", "", "")[:4]
            entry = Trade(_split(names), _split(terms), _split(english))
            found[code.strip()] = (*found.get(code.strip(), ()), entry)
    return found


def trade_of(code: str) -> Trade:
    """All words of a subclass: its own, its class's, group's and division's, specific first."""
    known = trades()
    names: list[str] = []
    terms: list[str] = []
    english: list[str] = []
    for key in (code, code[:5], code[:4], code[:2]):
        for entry in known.get(key, ()):
            names.extend(n for n in entry.names if n not in names)
            terms.extend(t for t in entry.terms if t not in terms)
            english.extend(e for e in entry.english if e not in english)
    return Trade(tuple(names), tuple(terms), tuple(english))


@dataclass(frozen=True)
class Theme:
    """One specialty of a subclass: the words of a firm's name and texts, and the notes
    that fit them. An organisation draws all its texts from one theme."""

    names: tuple[str, ...]
    terms: tuple[str, ...]
    english: tuple[str, ...]
    bullets: tuple[str, ...]
    sentences: tuple[str, ...]


# More activities than this in a subclass's notes make it a catch-all: its firms name
# only the notes that fit their theme.
MANY_BULLETS = 3


@cache
def _claims() -> dict[str, tuple[str, ...]]:
    """Which code prefixes' own vocabularies name a word (folded), below division level."""
    claims: dict[str, tuple[str, ...]] = {}
    for key, entries in trades().items():
        if len(key) <= 2:
            continue
        for entry in entries:
            for word in (*entry.names, *entry.terms):
                folded = fold_text(word)
                if key not in claims.get(folded, ()):
                    claims[folded] = (*claims.get(folded, ()), key)
    return claims


def admits(code: _Code, word: str) -> bool:
    """Whether a word may stand in a text of ``code``: it names nothing the code leaves out."""
    return not names_any(word, code.excluded)


def _fits(word: str, heads: frozenset[str]) -> bool:
    return bool(heads) and (names_any(word, heads) or bool(stems(word) & heads))


def named_by(code: _Code, word: str) -> bool:
    """Whether the title or notes of ``code`` name a word (also inside a compound)."""
    return any(head in code.own_text for head in stems(word))


@cache
def _subclasses_under(prefix: str) -> int:
    return sum(1 for key in _codes() if key.startswith(prefix))


@cache
def _codes() -> tuple[str, ...]:
    from classification.models import WzCode

    return tuple(WzCode.objects.filter(version="2008", level=5).values_list("code", flat=True))


def _inherited(code: _Code, words: Iterable[str], level: str) -> list[str]:
    """Words of a class, group or division that suit a subclass.

    Not what it leaves out; a class's or group's word only if the subclass's notes name
    it (group 47.7 writes for clothes shops and florists alike); a division's word
    unless another branch's vocabulary claims it ("Autohaus" of 45.1 is no word of a
    repair shop in 45.20) and the notes do not name it.
    """
    claims = _claims()
    key = code.code
    kept = []
    for word in words:
        if not admits(code, word):
            continue
        fits = named_by(code, word)
        if len(level) > 2 and not fits and _subclasses_under(level) > 1:
            continue
        others = [c for c in claims.get(fold_text(word), ()) if not key.startswith(c)]
        if others and not fits:
            continue
        kept.append(word)
    return kept


def _nearest_names(code: _Code) -> list[str]:
    """The names of the nearest level above, for a subclass whose own words name no firm."""
    known = trades()
    for level in (code.code[:5], code.code[:4], code.code[:2]):
        names = [n for e in known.get(level, ()) for n in e.names if admits(code, n)]
        if names:
            return names
    return []


def themes_of(code: _Code) -> list[Theme]:
    """The specialties a firm of ``code`` can have, each with the notes that fit it."""
    known = trades()
    key = code.code
    specific_key = next((k for k in (key, key[:5]) if k in known), "")
    levels = [k for k in (key, key[:5], key[:4], key[:2]) if len(k) < len(specific_key or "x" * 9)]
    up_names: list[str] = []
    up_terms: list[str] = []
    up_english: list[str] = []
    for level in dict.fromkeys(levels):
        for e in known.get(level, ()):
            up_names.extend(n for n in _inherited(code, e.names, level) if n not in up_names)
            up_terms.extend(t for t in _inherited(code, e.terms, level) if t not in up_terms)
            up_english.extend(w for w in e.english if w not in up_english)
    if not up_names and not any(e.names for e in known.get(specific_key, ())):
        up_names = _nearest_names(code)
    bullets = code.bullets
    catch_all = len(bullets) > MANY_BULLETS
    themes: list[Theme] = []
    # A vocabulary written for this very subclass (or for its class, when the class has
    # no other) is taken as written; one shared by sibling subclasses is checked
    # against what this one leaves out ("Lackiererei" is no word of 45.20.3).
    trusted = len(specific_key) == 7 or code.single
    entries = known.get(specific_key, ())
    every = [stems(" ".join((*e.names, *e.terms))) for e in entries]
    for i, entry in enumerate(entries):
        names = [n for n in entry.names if trusted or admits(code, n)]
        terms = [t for t in entry.terms if trusted or admits(code, t)]
        # The words that tell this theme from the code's others ("Sirenen", not "elektrisch").
        shared = stems(code.title).union(*(h for j, h in enumerate(every) if j != i))
        heads = (stems(" ".join((*names, *terms))) - shared) or every[i]
        fitting = tuple(b for b in bullets if _fits(b, heads)) if catch_all else bullets
        sentences = tuple(s for s in code.sentences if not catch_all or _fits(s, heads))
        themes.append(
            Theme(
                names=tuple(dict.fromkeys((*names, *up_names))),
                terms=tuple(dict.fromkeys((*terms, *up_terms))),
                english=tuple(dict.fromkeys((*entry.english, *up_english))),
                bullets=fitting,
                sentences=sentences,
            )
        )
    if themes and not any(t.bullets for t in themes):
        # The notes' first activity is the code's main one: one theme names it.
        first = themes[0]
        themes[0] = Theme(first.names, first.terms, first.english, bullets[:1], first.sentences)
    if not themes:
        # No words of its own: each activity of a catch-all's notes is a theme.
        words = (tuple(up_names), tuple(up_terms), tuple(up_english))
        if catch_all:
            themes = [Theme(*words, (b,), ()) for b in bullets]
        else:
            themes = [Theme(*words, bullets, code.sentences)]
    return themes


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
    themes: list[Theme]
    # Names of chambers, associations and public bodies: their profiles' words.
    other_names: tuple[str, ...]
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
        themes = themes_of(code)
        # Words of the sector profiles written for this code ("Zimmerei=43.91.2") join
        # the themes they fit; words for any code only name a firm that has no other.
        marked = [
            w
            for plan in fitting
            for w, prefixes in plan.words
            if any(key.startswith(p) for p in prefixes)
        ]
        loose = [w for plan in fitting for w, prefixes in plan.words if not prefixes]
        for i, theme in enumerate(themes):
            heads = stems(" ".join((*theme.names, *theme.terms, *theme.bullets)))
            extra = [w for w in marked if admits(code, w) and (len(themes) == 1 or _fits(w, heads))]
            names = tuple(dict.fromkeys((*theme.names, *extra)))
            if not names:
                names = tuple(w for w in loose if admits(code, w)) or (code.title,)
            themes[i] = Theme(names, theme.terms, theme.english, theme.bullets, theme.sentences)
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
            themes=themes,
            other_names=tuple(dict.fromkeys((*marked, *loose))) or themes[0].names,
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
