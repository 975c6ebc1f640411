"""Descriptions, short descriptions and offerings in the words firms use.

Texts mix the trade words of the subclass (``demo_data/trades_*.txt``) with the
activities of the official WZ notes, in sentences that vary from one organisation to
the next, so that a need written in a firm's own words finds them and the WZ title
is not the only thing that matches. ``r`` is the generator's ``random.random``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..demo_data.research import RESEARCH_SERVICES, UNIVERSITY_SERVICES, ResearchField

Random = Callable[[], float]

FOCUS_HEADS = (
    "Unsere Schwerpunkte",
    "Unser Leistungsangebot",
    "Das bieten wir",
    "Leistungen im Überblick",
    "Schwerpunkte",
)
# Words that make an offering a service even in manufacturing.
SERVICE_WORDS = (
    "lohn",
    "service",
    "reparatur",
    "wartung",
    "montage",
    "beratung",
    "prüfung",
    "analytik",
    "kalibrierung",
    "beschichtung",
    "fertigung",
    "bearbeitung",
    "drehen",
    "fräsen",
    "schleifen",
    "schweißen",
    "härten",
    "konfektion",
    "abfüllung",
    "entwicklung",
    "bestückung",
)


def pick(r: Random, items: Sequence[str], k: int) -> list[str]:
    """Up to ``k`` distinct items, the first (most specific) ones more often."""
    n = len(items)
    if n <= k:
        chosen = list(items)
        # A fixed number of draws keeps the random stream the same length.
        r()
        return chosen
    picked: dict[str, None] = {}
    for _i in range(k + 3):
        picked[items[int(r() * r() * n)]] = None
        if len(picked) == k:
            break
    return list(picked)


def listing(words: Sequence[str]) -> str:
    """``a``, ``a und b``, ``a, b und c``."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} und {words[-1]}"


_ETC = re.compile(r"\s*(?:u\. Ä\.|u\. a\.|usw\.)$")


def distinct(items: Sequence[str]) -> list[str]:
    """``items`` without repeats, nor one that only begins another of them.

    "Herstellung von Wermutwein u. Ä." adds nothing to "Herstellung von Wermutwein und
    sonstigen aromatisierten Weinen", nor "Reparatur" to "Reparatur von Haushaltsgeräten".
    """
    unique = list(dict.fromkeys(items))
    return [
        item
        for item in unique
        if not any(
            len(other) > len(item) and other.startswith(f"{_ETC.sub('', item)} ")
            for other in unique
        )
    ]


def sentence(text: str) -> str:
    """``text`` ended with one full stop ("… u. Ä." gets no second one)."""
    return text if text.endswith(".") else f"{text}."


_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")
_SPACES = re.compile(r"[ \t]{2,}")


def tidy(text: str) -> str:
    """A last pass over a written text: no doubled full stop, no doubled space."""
    return _SPACES.sub(" ", _DOUBLE_STOP.sub(".", text))


def offering_kind(name: str, product_section: bool) -> str:
    if not product_section:
        return "service"
    lowered = name.lower()
    return "service" if any(word in lowered for word in SERVICE_WORDS) else "product"


def company_text(
    r: Random,
    *,
    subject: str,
    subject_lower: str,
    trade: str,
    town: str,
    founded: int,
    title: str,
    terms: list[str],
    focus: list[str],
    sentences: Sequence[str],
    switch: str,
    also: Sequence[str] = (),
) -> tuple[str, str]:
    """Short description and description of a company (or association, chamber …)."""
    focus = list(dict.fromkeys(focus))
    t = terms + focus
    first, second = t[0], t[1] if len(t) > 1 else t[0]
    third = t[2] if len(t) > 2 else second
    # "a und b", "a, b und c" with nothing said twice.
    two = listing(distinct([first, second]))
    three = listing(distinct([first, second, third]))
    variant = int(r() * 6)
    if variant == 0:
        intro = f"{subject} aus {town} ist seit {founded} im Bereich „{title}“ tätig."
    elif variant == 1:
        # The trade word may name the trade, not the firm ("Drehteile", "Logistik"):
        # said as a topic it reads right either way.
        intro = f"Stichwort {trade}: Seit {founded} bieten wir in {town} {two} an."
    elif variant == 2:
        intro = f"Seit {founded} steht {subject_lower} in {town} für {three}."
    elif variant == 3:
        intro = f"{subject} in {town} ist auf {two} spezialisiert."
    elif variant == 4:
        intro = f"{two} aus {town}: dafür steht {subject_lower} seit {founded}."
    else:
        intro = f"{subject} mit Sitz in {town} arbeitet seit {founded} im Bereich „{title}“."
    paragraphs = [intro]
    if sentences and r() < 0.6:
        paragraphs.append(sentences[int(r() * len(sentences))])
    if focus:
        text = "; ".join(focus)
        head = FOCUS_HEADS[int(r() * len(FOCUS_HEADS))]
        paragraphs.append(sentence(f"{head}: {text}"))
    rest = terms[2:]
    if rest:
        roll = r()
        if roll < 0.4:
            paragraphs.append(sentence(f"Dazu gehören {listing(rest)}"))
        elif roll < 0.7:
            paragraphs.append(sentence(f"Kunden schätzen uns für {listing(rest)}"))
        else:
            paragraphs.append(sentence(f"Außerdem im Angebot: {', '.join(rest)}"))
    if also:
        # Secondary codes: said as such, never mixed into the specialty.
        paragraphs.append(sentence(f"Daneben auch: {listing(list(dict.fromkeys(also)))}"))
    if switch:
        if r() < 0.5:
            paragraphs.append(
                f"In der Krise haben wir unsere Fertigung kurzfristig auf {switch} umgestellt."
            )
        else:
            paragraphs.append(f"Unsere Produktion können wir kurzfristig auf {switch} umstellen.")
    roll = r()
    if roll < 0.35 and len(terms) >= 2:
        short = listing(terms[:3])
    elif roll < 0.6 and terms:
        short = f"{trade}: {listing(terms[:2])}"
    else:
        short = "; ".join(focus[:2]) or listing(terms[:2])
    if len(short) > 300:
        short = title
    return tidy(short), tidy("\n\n".join(paragraphs))


def research_text(
    r: Random,
    *,
    subject: str,
    town: str,
    founded: int,
    fields: Sequence[ResearchField],
    university: bool,
) -> tuple[str, str, list[str]]:
    """Short description, description and offerings of an institute or university."""
    topics = [topic for f in fields for topic in f.topics]
    industries = list(dict.fromkeys(i for f in fields for i in f.industries))
    services = UNIVERSITY_SERVICES if university else RESEARCH_SERVICES
    offered = pick(r, services, 3)
    names = [f.name for f in fields]
    if university:
        intro = (
            f"{subject} in {town} lehrt und forscht seit {founded}; "
            f"Forschungsschwerpunkte sind {listing(names)}."
        )
    # Topics and industries follow a colon: said as a list, they need no declension
    # ("forscht zu maschinelles Lernen", "aus Softwarehäuser" would be wrong).
    elif r() < 0.5:
        intro = (
            f"{subject} in {town} forscht seit {founded}; "
            f"im Mittelpunkt stehen {listing(topics[:2])}."
        )
    else:
        intro = (
            f"Seit {founded} arbeitet {subject[0].lower() + subject[1:]} in {town} "
            f"an diesen Themen: {listing(topics[:3])}."
        )
    paragraphs = [
        intro,
        f"Forschungsfelder: {'; '.join(topics)}.",
        f"Wir arbeiten mit Partnern aus diesen Bereichen: {listing(industries[:3])}. "
        f"Unser Angebot für sie: {listing(offered)}.",
    ]
    if any("Prüf" in t or "prüf" in t for t in topics):
        paragraphs.append("Unser Labor übernimmt Prüfungen und Analysen im Auftrag.")
    short = f"{listing(names)}: {listing(offered[:2])}"
    offerings = [*offered, *(f"Forschung: {topic}" for topic in topics[:2])]
    return tidy(short), tidy("\n\n".join(paragraphs)), offerings
