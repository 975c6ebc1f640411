"""Is a word a real German or English word? Then a search never "corrects" it.

The word lists are the frequency lists ``pyspellchecker`` ships (German and English),
read once per process, folded the way the analyser folds (Müller = mueller = muller).
They are kept as a sorted array of 64-bit hashes of the folded words: about half a
million words in 4 MB instead of the ~50 MB a set of strings takes. Two different words
share a hash with a probability of about 10⁻⁸ per search.
"""

from __future__ import annotations

import gzip
import json
import threading
from functools import cache
from importlib import resources

import numpy as np

from .analysis import fold

LANGUAGES = ("de", "en")
MASK = (1 << 64) - 1
_lock = threading.Lock()


def _hash(folded: str) -> int:
    # Python's own string hash: fast, and stable within the process that keeps the array.
    return hash(folded) & MASK


@cache
def _known_hashes() -> np.ndarray:
    with _lock:
        hashes: set[int] = set()
        for language in LANGUAGES:
            path = resources.files("spellchecker") / "resources" / f"{language}.json.gz"
            with path.open("rb") as raw, gzip.open(raw) as data:
                counts: dict[str, int] = json.load(data)
            hashes.update(_hash(fold(word)) for word in counts if word.isalpha())
            del counts
        return np.array(sorted(hashes), dtype=np.uint64)


def is_real_word(folded: str) -> bool:
    """Whether ``folded`` (a word as ``analysis.fold`` gives it) is a German or English
    word of the lists: a word absent from the index that is a real word is searched as it
    is, never replaced by a neighbour one letter away."""
    known = _known_hashes()
    value = np.uint64(_hash(folded))
    i = int(np.searchsorted(known, value))
    return i < len(known) and known[i] == value
