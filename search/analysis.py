"""German text analysis shared by both search engines.

Every text is cut into words, and every word becomes index terms the same way on
the way into the index and on the way in from the search box, so that

* case and umlauts fold: "Müller", "Mueller" and "MÜLLER" are one term, ß = ss;
* inflections meet: Snowball's German stemmer ("Häuser" = "Haus");
* compounds open up: a word made of lexicon words ("Laserschweißanlage") is indexed
  as itself and as its parts (laser, schweiß, anlage), with the linking elements of
  German (Arbeit-s-schutz) allowed between parts;
* trade words reach their verb: a workshop in -erei ("Dreherei", "Lackiererei",
  "Kunststoffspritzerei") is indexed and searched also as the stems of its verb and of
  the verb's noun in -ung (dreh; lacki, lackier; kunststoffspritz with its parts), and
  a verb in -ieren of a noun in -ion ("konfektionieren") also as the noun (konfektion).

The engines get finished terms (a space-separated string, or a tsvector) and never
analyse text themselves: one analyser, one behaviour.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

WORD_RE = re.compile(r"\w+", re.UNICODE)
# ae/oe/ue stand for ä/ö/ü (Mueller = Müller) unless a vowel or q comes before them
# (Feuer, Bauer, neue, Quelle keep theirs).
DIGRAPH_RE = re.compile(r"(?<![aeiouq])([aou])e")
# Linking elements (Fugenelemente) that may stand between the parts of a compound.
LINKS = ("", "s", "es", "n", "en", "e", "er")
# Endings the last part may carry (Präzisions-linsen, Werkzeug-maschinen).
ENDINGS = ("n", "en", "e", "s", "es", "er", "ern")
MIN_PART = 3
MIN_COMPOUND = 7
MAX_WORD = 60
TEXT_CACHE_SIZE = 100_000
TextCache = dict[str, tuple[list[str], list[str]]]

# Words that carry no meaning for a search; dropped from queries (not from the index,
# so phrases keep their positions).
STOPWORDS = frozenset(
    [
        "aber",
        "alle",
        "als",
        "am",
        "an",
        "auch",
        "auf",
        "aus",
        "bei",
        "bis",
        "das",
        "dass",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "dies",
        "diese",
        "dieser",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "es",
        "fur",
        "im",
        "in",
        "ist",
        "mit",
        "nach",
        "nicht",
        "noch",
        "oder",
        "sich",
        "sie",
        "so",
        "sowie",
        "uber",
        "um",
        "und",
        "von",
        "vom",
        "vor",
        "wie",
        "zu",
        "zum",
        "zur",
        # Words of a request that name no product or skill (folded: benötigen = benotigen).
        "ich",
        "wir",
        "uns",
        "unser",
        "unsere",
        "unseren",
        "unserer",
        "suche",
        "suchen",
        "sucht",
        "gesucht",
        "brauche",
        "brauchen",
        "benotige",
        "benotigen",
        "benotigt",
        "dringend",
        "looking",
        "need",
        "needed",
        "needs",
        "require",
        "required",
        "seeking",
        "urgently",
        "want",
        # English function words (needs are written in English too).
        "a",
        "and",
        "are",
        "for",
        "from",
        "is",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "we",
        "with",
    ]
)
# A workshop word: the verb's stem followed by -erei (Dreh-erei, Lackier-erei). Shorter
# words in -erei are rarely trades (Serei-).
TRADE_SUFFIX = "erei"
MIN_TRADE_BASE = 3
# A verb in -ieren of a noun in -ion: konfektion-ieren, produkt-ion… (the stem keeps -ionier).
ION_VERB = "ionier"

_stemmer = Stemmer.Stemmer("german")


def fold(word: str) -> str:
    """Lower case, umlaut digraphs and diacritics folded, ß as ss: the form terms compare in."""
    word = DIGRAPH_RE.sub(r"\1", word.lower()).replace("ß", "ss")
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(folded: str) -> str:
    """Snowball's stem, and -eln as -el (Kabeln = Kabel, handeln = Handel), which Snowball
    keeps apart."""
    stemmed = str(_stemmer.stemWord(folded))
    if stemmed.endswith("eln") and len(stemmed) > 5:
        stemmed = stemmed[:-1]
    return stemmed


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    for match in WORD_RE.finditer(text):
        yield match.start(), match.end(), match.group()


@dataclass(frozen=True)
class AnalysedWord:
    """One word as the index sees it."""

    text: str
    folded: str
    term: str  # the stem of the whole word
    parts: tuple[str, ...]  # stems of the compound's parts, empty if it is none
    # Other stems of the same meaning, each enough on its own (a trade word's verb).
    derived: tuple[str, ...] = ()

    @property
    def is_stopword(self) -> bool:
        return self.folded in STOPWORDS

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.term, *self.parts, *self.derived)


class Analyser:
    """Turns text into index terms; compounds are split against a lexicon.

    The lexicon is a set of folded words (WZ titles, vocabularies, the synonym
    files, a curated list). Results are cached per word: a collection of a million
    organisations has far fewer distinct words.
    """

    def __init__(self, lexicon: Iterable[str] = ()) -> None:
        self.lexicon = frozenset(w for w in (fold(x) for x in lexicon) if len(w) >= MIN_PART)
        self._cache: dict[str, AnalysedWord] = {}
        self._split = lru_cache(maxsize=200_000)(self._split_uncached)

    # -- words ---------------------------------------------------------------------------

    def word(self, text: str) -> AnalysedWord:
        cached = self._cache.get(text)
        if cached is None:
            folded = fold(text)[:MAX_WORD]
            parts = self.split(folded)
            term = stem(folded)
            part_stems = tuple(stem(p) for p in parts) if parts else ()
            derived: tuple[str, ...] = ()
            verb = self._trade_verb(folded)
            if verb is not None:
                derived = verb.derived
                part_stems = part_stems or verb.parts
            elif ION_VERB in folded[3:]:
                noun = folded[: folded.rindex(ION_VERB) + 3]
                derived = (stem(noun),)
                if not part_stems:
                    part_stems = tuple(stem(p) for p in self.split(noun))
            cached = AnalysedWord(
                text=text,
                folded=folded,
                term=term,
                parts=part_stems,
                derived=tuple(d for d in dict.fromkeys(derived) if d != term),
            )
            if len(self._cache) < 500_000:
                self._cache[text] = cached
        return cached

    def _trade_verb(self, folded: str) -> AnalysedWord | None:
        """For a workshop word in -erei: its verb as a word whose ``derived`` holds the
        verb's stem and its -ung noun's stem, and whose ``parts`` are the verb's compound
        parts (Kunststoffspritz-erei: kunststoff, spritz). A rule, not a list: the verb is
        the word without -erei, plus -en."""
        if not folded.endswith(TRADE_SUFFIX) or not folded.isalpha():
            return None
        base = folded[: -len(TRADE_SUFFIX)]
        if len(base) < MIN_TRADE_BASE:
            return None
        verb = base + "en"
        # The -ung noun's stem only where Snowball strips -ung (Lackierung: lackier).
        stems = tuple(
            s for s in (stem(verb), stem(base + "ung"), stem(base + "er")) if not s.endswith("ung")
        )
        parts = self.split(verb)
        return AnalysedWord(
            text=verb,
            folded=verb,
            term=stems[0],
            parts=tuple(stem(p) for p in parts) if parts else (),
            derived=stems,
        )

    def analyse(self, text: str) -> list[AnalysedWord]:
        return [self.word(w) for w in WORD_RE.findall(text)]

    def index_terms(self, *texts: str, cache: TextCache | None = None) -> str:
        """The field's terms as one space-separated string for the engines.

        Whole words first, in text order (phrases stay adjacent), then the parts of
        the compounds. ``cache`` keeps the terms of whole texts: a rebuild passes one,
        since product names and descriptions repeat across organisations.
        """
        whole: list[str] = []
        parts: list[str] = []
        for text in texts:
            if not text:
                continue
            done = cache.get(text) if cache is not None else None
            if done is None:
                done = self._text_terms(text)
                if cache is not None and len(cache) < TEXT_CACHE_SIZE and len(text) < 4000:
                    cache[text] = done
            whole.extend(done[0])
            parts.extend(done[1])
        if parts:
            whole.extend(parts)
        return " ".join(whole)

    def _text_terms(self, text: str) -> tuple[list[str], list[str]]:
        """(whole-word terms, compound parts) of one text; texts repeat (product names,
        notes-based descriptions), so they are kept too."""
        whole: list[str] = []
        parts: list[str] = []
        word = self.word
        for w in WORD_RE.findall(text):
            analysed = word(w)
            whole.append(analysed.term)
            if analysed.parts:
                parts.extend(analysed.parts)
            if analysed.derived:
                parts.extend(analysed.derived)
        return whole, parts

    # -- compounds ----------------------------------------------------------------------

    def split(self, folded: str) -> tuple[str, ...]:
        """The parts of a compound (two or more lexicon words), or () if it is none."""
        if len(folded) < MIN_COMPOUND or not folded.isalpha():
            return ()
        return self._split(folded)

    def _split_uncached(self, word: str) -> tuple[str, ...]:
        lexicon = self.lexicon
        n = len(word)
        # best[i]: the fewest-part split of word[i:], longest first part on a tie.
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        best[n] = ()
        for i in range(n - MIN_PART, -1, -1):
            found: tuple[str, ...] | None = None
            for j in range(n, i + MIN_PART - 1, -1):
                piece = word[i:j]
                if piece not in lexicon and not (j == n and self._inflected(piece)):
                    continue
                for link in LINKS:
                    k = j + len(link)
                    if k > n or (link and word[j:k] != link) or (link and k == n):
                        continue
                    rest = best[k]
                    if rest is None:
                        continue
                    candidate = (piece, *rest)
                    if found is None or len(candidate) < len(found):
                        found = candidate
                if found is not None and len(found) == 1:
                    break
            best[i] = found
        result = best[0]
        if result is not None and len(result) == 1:
            # An inflected lexicon word (Präzisionsteile-n): the parts of its lexicon form.
            for ending in ENDINGS:
                base = word[: -len(ending)]
                if word.endswith(ending) and base in lexicon:
                    parts = self._split_known(base)
                    if parts:
                        return parts
        if result is None or len(result) < 2:
            # A lexicon word splits too when its parts are lexicon words (Medizintechnik).
            return self._split_known(word) if word in lexicon else ()
        return result

    def _inflected(self, piece: str) -> bool:
        return any(
            piece.endswith(ending) and piece[: -len(ending)] in self.lexicon
            for ending in ENDINGS
            if len(piece) - len(ending) >= MIN_PART
        )

    def _split_known(self, word: str) -> tuple[str, ...]:
        """Split a lexicon word into at least two parts, ignoring the whole word."""
        for j in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head = word[:j]
            if head not in self.lexicon:
                continue
            for link in LINKS:
                k = j + len(link)
                if link and word[j:k] != link:
                    continue
                tail = word[k:]
                if len(tail) < MIN_PART:
                    continue
                if tail in self.lexicon:
                    return (head, tail)
                rest = self._split(tail) if len(tail) >= MIN_COMPOUND else ()
                if rest:
                    return (head, *rest)
        return ()


def highlight_spans(
    analyser: Analyser,
    text: str,
    matches: Iterable[str],
    prefixes: Iterable[str] = (),
    near: Iterable[tuple[str, int]] = (),
) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` whose terms are among ``matches``
    (or start with one of ``prefixes``, or lie within ``near``'s (term, edits) of a
    corrected word)."""
    from rapidfuzz.distance import OSA

    wanted = set(matches)
    starts = tuple(prefixes)
    spellings = tuple(near)
    spans: list[tuple[int, int]] = []
    if not wanted and not starts and not spellings:
        return spans
    for start, end, w in word_spans(text):
        analysed = analyser.word(w)
        if (
            any(t in wanted for t in analysed.terms)
            or (starts and analysed.folded.startswith(starts))
            or any(
                abs(len(analysed.term) - len(term)) <= edits
                and OSA.distance(analysed.term, term, score_cutoff=edits) <= edits
                for term, edits in spellings
            )
        ):
            spans.append((start, end))
    return spans
