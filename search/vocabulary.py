"""The analyser's lexicon, the synonym sets and the WZ notes, loaded once per process.

All three come from the database (reference data imported by ``import_reference_data``)
and the curated files in ``search/data/``. The index and the queries must use the same
lexicon: after the synonyms or vocabularies change, rebuild the index.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from functools import cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings

from classification.models import CertificationStandard, GrowthField, Technology, WzCode
from core.progress import Progress, silent

from .analysis import WORD_RE, Analyser
from .choices import SynonymSource
from .models import SynonymSet
from .query import CURATED_SYNONYM_WEIGHT, THESAURUS_SYNONYM_WEIGHT, Synonyms, WzNotes

DATA = Path(__file__).resolve().parent / "data"
CURATED_SYNONYMS = DATA / "synonyms.txt"
CURATED_LEXICON = DATA / "lexicon.txt"
# English trade words → German ones (a need written in English finds German profiles);
# read as curated synonym sets.
ENGLISH_GLOSSARY = DATA / "glossary_en.txt"
OPENTHESAURUS = Path("openthesaurus") / "openthesaurus.txt"
WEIGHTS: dict[str, float] = {
    SynonymSource.CURATED: CURATED_SYNONYM_WEIGHT,
    SynonymSource.STAFF: CURATED_SYNONYM_WEIGHT,
    SynonymSource.OPENTHESAURUS: THESAURUS_SYNONYM_WEIGHT,
}
_lock = threading.Lock()
T = TypeVar("T")


def read_set_file(path: Path) -> list[list[str]]:
    """Synonym sets of a ``;``-separated file (OpenThesaurus format, ``#`` comments).

    Usage notes in parentheses ("(ugs.)", "(fachspr.)") are dropped, and so are
    fragments ending in "..." and entries that are empty after that.
    """
    sets: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entries = []
        for raw in line.split(";"):
            entry = _strip_notes(raw)
            if entry and not entry.endswith("...") and len(entry) <= 80:
                entries.append(entry)
        if len(entries) >= 2:
            sets.append(entries)
    return sets


def _strip_notes(entry: str) -> str:
    out, depth = [], 0
    for ch in entry:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return " ".join("".join(out).split())


def lexicon_words() -> set[str]:
    words: set[str] = set()
    for line in CURATED_LEXICON.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(line.strip())
    texts: list[str] = []
    texts += WzCode.objects.filter(version="2008").values_list("title", flat=True)
    for model in (Technology, GrowthField, CertificationStandard):
        texts += model.objects.values_list("name", flat=True)  # type: ignore[attr-defined]
    texts += Technology.objects.values_list("synonyms", flat=True)
    for terms in SynonymSet.objects.values_list("terms", flat=True):
        # Single words only: a phrase's words are no compound parts.
        texts += [t for t in terms.splitlines() if " " not in t.strip()]
    for text in texts:
        words.update(w for w in WORD_RE.findall(text) if w.isalpha() and len(w) >= 4)
    return words


def _long_lived(loaded: T) -> T:
    """Keep a loaded vocabulary out of Python's garbage collector: a full collection
    walks every container object, and the lexicon, synonyms and WZ notes made each one
    take about 190 ms (the p99 outliers of the search benchmark). Frozen objects are
    never collected; these live as long as the process (``reset`` aside)."""
    gc.freeze()
    return loaded


@cache
def analyser() -> Analyser:
    with _lock:
        return _long_lived(Analyser(lexicon_words()))


@cache
def lexicon_fingerprint() -> str:
    """Changes when the lexicon changes: the index must then be rebuilt. Kept with the
    loaded analyser (every content document's version names it)."""
    digest = hashlib.sha256("\n".join(sorted(analyser().lexicon)).encode()).hexdigest()
    return digest[:16]


@cache
def synonyms() -> Synonyms:
    rows = SynonymSet.objects.values_list("source", "terms")
    return _long_lived(Synonyms((terms.splitlines(), WEIGHTS[source]) for source, terms in rows))


@cache
def wz_notes() -> WzNotes:
    # The English title too: an English need ("plastic parts") reaches the German codes.
    rows = WzCode.objects.filter(version="2008", level__gte=4).values_list(
        "code", "title", "title_en", "includes", "also_includes"
    )
    return _long_lived(WzNotes(analyser(), ((code, " ".join(texts)) for code, *texts in rows)))


def reset() -> None:
    """Forget the loaded vocabulary (after an import, and between tests)."""
    for loaded in (analyser, lexicon_fingerprint, synonyms, wz_notes):
        loaded.cache_clear()
    # The WZ suggestion is built from the same analyser, synonyms and WZ texts.
    from . import wzsuggest

    wzsuggest.reset()


def import_synonyms(progress: Progress = silent) -> dict[str, int]:
    """Replace the curated and OpenThesaurus synonym sets from their files.

    Sets staff added in the back office are kept. One transaction: on a broken file
    nothing changes.
    """
    from django.db import transaction

    label = "Synonyms"
    sources = [
        (SynonymSource.CURATED, CURATED_SYNONYMS),
        (SynonymSource.CURATED, ENGLISH_GLOSSARY),
    ]
    thesaurus = settings.REFERENCE_DATA_DIR / OPENTHESAURUS
    if thesaurus.is_file():
        sources.append((SynonymSource.OPENTHESAURUS, thesaurus))
    counts: dict[str, int] = {}
    with transaction.atomic():
        SynonymSet.objects.filter(source__in={source for source, _path in sources}).delete()
        for source, path in sources:
            sets = read_set_file(path)
            progress(0, len(sets), label)
            SynonymSet.objects.bulk_create(
                (SynonymSet(source=source, terms="\n".join(entries)) for entries in sets),
                batch_size=2000,
            )
            counts[str(source)] = counts.get(str(source), 0) + len(sets)
            progress(len(sets), len(sets), label)
    reset()
    return counts
