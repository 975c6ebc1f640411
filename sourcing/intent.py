"""What kind of organisation a need asks for, when it says so.

A firm that writes "Forschungspartner für Sensorik" or "a university to work with on
battery recycling" wants an institute or a university, not the many firms whose
profiles name sensors. The need's own words say so: cue words (and the parts of
compounds such as "Forschungspartner", "Hochschulkooperation") map to the research
kinds of ``directory.choices.OrganisationKind``. The matching then also draws candidates of
those kinds and lifts them a little (``sourcing.matching.KIND_WEIGHT``); the reasons
say that the kind fits. A kind filter the visitor chose always wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from directory.choices import OrganisationKind

RESEARCH = (OrganisationKind.RESEARCH_INSTITUTE.value, OrganisationKind.UNIVERSITY.value)

# Folded words (umlauts as ae/oe/ue, ß as ss, lower case). Stems that count anywhere
# in a compound ("Forschungspartner", "Hochschulkooperation") ...
_ANYWHERE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("forschung", RESEARCH),
    ("forscher", RESEARCH),
    ("wissenschaft", RESEARCH),
    ("hochschul", RESEARCH),
    ("universitaet", RESEARCH),
    ("lehrstuhl", RESEARCH),
)
# ... except in these compounds, which name a firm's trade (market research).
_NOT_RESEARCH = ("marktforschung", "meinungsforschung", "marktforscher", "meinungsforscher")
# ... and heads that count only as the whole word or the end of a compound
# ("Unternehmensnetzwerk", "Handwerkskammer"), never as its start ("Netzwerktechnik",
# "Verbandsmaterial", "Kammerofen").
_AT_END: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("institut", RESEARCH),
    ("institute", RESEARCH),
)
# Networks, associations and chambers are no cues: their words name trades too ("IT
# für Netzwerk und Server", "Verband und Pflaster"), and the visitor's kind filter
# asks for them unambiguously.
_ENGLISH_CUES: dict[str, tuple[str, ...]] = {
    "research": RESEARCH,
    "researcher": RESEARCH,
    "researchers": RESEARCH,
    "university": RESEARCH,
    "universities": RESEARCH,
    "institute": RESEARCH,
    "institutes": RESEARCH,
    "academic": RESEARCH,
    "scientific": RESEARCH,
    "scientists": RESEARCH,
}
# "Forschungs- und Entwicklungsabteilung" of a firm is no cue; "FuE-Partner" and
# "R&D partner" are.
_RND = re.compile(r"\b(?:fue|f&e|r&d|r\s*and\s*d)\b")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def wanted_kinds(text: str) -> tuple[list[str], list[str]]:
    """(kinds the need asks for, the need's words that say so), each in a fixed order."""
    folded = fold(text)
    kinds: list[str] = []
    cues: list[str] = []

    def add(found: Iterable[str], cue: str) -> None:
        for kind in found:
            if kind not in kinds:
                kinds.append(kind)
        if cue not in cues:
            cues.append(cue)

    for word in _WORD.findall(folded):
        english = _ENGLISH_CUES.get(word)
        if english:
            add(english, word)
            continue
        if any(word.startswith(n) or n in word for n in _NOT_RESEARCH):
            continue
        for stem, found in _ANYWHERE:
            if stem in word:
                add(found, word)
                break
        else:
            for head, found in _AT_END:
                if word == head or (word.endswith(head) and word[-len(head) - 1] == "s"):
                    add(found, word)
                    break
    for hit in _RND.findall(folded):
        add(RESEARCH, hit)
    order = [k.value for k in OrganisationKind]
    return sorted(kinds, key=order.index), cues
