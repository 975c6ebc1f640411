"""Descriptions, short descriptions and offerings in the words firms use.

Texts mix the trade words of the subclass (``demo_data/trades_*.txt``) with the
activities of the official WZ notes, in sentences that vary from one organisation to
the next, so that a need written in a firm's own words finds them and the WZ title
is not the only thing that matches. ``r`` is the generator's ``random.random``.
"""

from __future__ import annotations

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
    t = terms + focus
    first, second = t[0], t[1] if len(t) > 1 else t[0]
    third = t[2] if len(t) > 2 else second
    variant = int(r() * 6)
    if variant == 0:
        intro = f"{subject} aus {town} ist seit {founded} im Bereich „{title}“ tätig."
    elif variant == 1:
        intro = f"Als {trade} mit Sitz in {town} bieten wir seit {founded} {first} und {second} an."
    elif variant == 2:
        intro = (
            f"Seit {founded} steht {subject_lower} in {town} für {listing([first, second, third])}."
        )
    elif variant == 3:
        intro = f"{subject} in {town} ist auf {first} und {second} spezialisiert."
    elif variant == 4:
        intro = f"{first} und {second} aus {town}: dafür steht {subject_lower} seit {founded}."
    else:
        intro = f"{subject} mit Sitz in {town} arbeitet seit {founded} im Bereich „{title}“."
    paragraphs = [intro]
    if sentences and r() < 0.6:
        paragraphs.append(sentences[int(r() * len(sentences))])
    if focus:
        text = "; ".join(focus)
        head = FOCUS_HEADS[int(r() * len(FOCUS_HEADS))]
        paragraphs.append(f"{head}: {text}{'' if text[-1] == '.' else '.'}")
    rest = terms[2:]
    if rest:
        roll = r()
        if roll < 0.4:
            paragraphs.append(f"Dazu gehören {listing(rest)}.")
        elif roll < 0.7:
            paragraphs.append(f"Kunden schätzen uns für {listing(rest)}.")
        else:
            paragraphs.append(f"Außerdem im Angebot: {', '.join(rest)}.")
    if also:
        # Secondary codes: said as such, never mixed into the specialty.
        paragraphs.append(f"Daneben auch: {listing(list(also))}.")
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
    return short, "\n\n".join(paragraphs)


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
    elif r() < 0.5:
        intro = f"{subject} in {town} forscht seit {founded} zu {listing(topics[:2])}."
    else:
        intro = (
            f"Seit {founded} arbeitet {subject[0].lower() + subject[1:]} in {town} "
            f"zu den Themen {listing(topics[:3])}."
        )
    paragraphs = [
        intro,
        f"Forschungsfelder: {'; '.join(topics)}.",
        f"Für Unternehmen aus {listing(industries[:3])} bieten wir {listing(offered)}.",
    ]
    if any("Prüf" in t or "prüf" in t for t in topics):
        paragraphs.append("Unser Labor übernimmt Prüfungen und Analysen im Auftrag.")
    short = f"{listing(names)}: {listing(offered[:2])}"
    offerings = [*offered, *(f"Forschung: {topic}" for topic in topics[:2])]
    return short, "\n\n".join(paragraphs), offerings
