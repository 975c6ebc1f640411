"""WZ 2008 subclasses suggested for a free text (a need, a profile, a wrong code's label).

Two signals over the 839 subclasses (level 5), fused into one score in 0..1:

* **lexical**: BM25 over each subclass's official texts — its title (weighted twice),
  the NACE English title (English stems, also twice), its explanatory notes (includes
  and also-includes, never the excludes), and its class's title and notes where the
  class has several subclasses (rolled down, so a class-level note counts for each of
  its subclasses). Query words go through the search's analyser: stems, compound parts
  (when the whole word is unknown), synonyms (curated and OpenThesaurus, weighted as in
  the search), workshop words in -erei as their verb, compounds of the notes by their
  last part, the known words an unsplittable compound begins and ends with, one typo
  for longer unknown words, and for an unknown word with nothing else (English) the
  WZ title words nearest to it by embedding. A word counts once, with its best
  alternative. Scores are divided by the best score of the query, floored at
  ``LEXICAL_FLOOR``, so a query with only weak matches never reaches 1.
* **dense**: cosine similarity of the text's sentence embedding (``core.embedding``,
  multilingual, so English text meets German notes) with each subclass's
  "title. notes" embedding (centred on the mean of the 839, which tames the short
  titles that are near every text), mapped linearly from ``DENSE_RANGE`` to 0..1.

``fused = DENSE_WEIGHT·dense + LEXICAL_WEIGHT·lexical`` (weights measured on
``bench/matching/needs.json`` with ``bench/matching/wz_accuracy.py``; docs/matching.md,
"WZ suggestion"). A code written in the text (``25.99.9``, ``25.62``) adds a small prior
to the subclasses of its class, group or division, so an unknown code of an import gets
its neighbours suggested.

Everything per subclass (term weights, the 839 × 512 matrix) is built once per process,
lazily, on first use (~0.5 s once the vectors are in the database cache; ~6 s on a new
deployment, whose first call embeds the texts); a call then takes a few milliseconds,
and the last results are kept in memory by text.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import Stemmer

from classification.suggestions import Suggestion

from .analysis import AnalysedWord, Analyser, fold
from .query import GENERIC_HEADS, Synonyms

Mode = Literal["fused", "lexical", "dense"]

DENSE_WEIGHT = 0.7
LEXICAL_WEIGHT = 0.3
# Cosines of USE-m3 between a text and a WZ text: unrelated ~0.1, a good match ~0.5-0.7.
DENSE_RANGE = (0.1, 0.7)
# A query's best lexical score counts as full only from this BM25 score on (about one
# rare word matched in a title).
LEXICAL_FLOOR = 6.0
K1 = 1.2
B = 0.75
TITLE_WEIGHT = 2.0
NOTES_WEIGHT = 1.0
CLASS_WEIGHT = 1.0
PARTS_WEIGHT = 0.7
FUZZY_WEIGHT = 0.5
MIN_FUZZY = 6
HEAD_WEIGHT = 0.6
MIN_HEAD = 5
MIN_AFFIX = 4
MIN_PART = 3
MAX_HEADS = 30
AFFIX_WEIGHT = 0.6
MIN_AFFIX_WORD = 7
# Unknown words (English, trade words) reach title words by their embeddings.
MAX_BRIDGED = 6
BRIDGE_TOP = 3
BRIDGE_MIN = 0.6
BRIDGE_WEIGHT = 0.8
NOTES_CHARS = 600  # of the notes, embedded after the title (the model reads the start)
MAX_TEXT = 2000
MAX_WORDS = 200
# What a code written in the text adds to the subclasses beneath it.
CODE_PRIOR = {5: 0.3, 4: 0.15, 2: 0.08}
CODE_RE = re.compile(r"(?<![\d.])(\d{2})\.(\d{1,2})(?:\.(\d))?(?![\d])")
CACHE_ENTRIES = 4096
EN_PREFIX = "en:"

# Words of a need that name no activity ("Wir suchen einen Lieferanten für …").
_QUERY_STOPWORDS = """
a an and are as at be by can for from have in is it need needed of on or our the to we
with who which looking seek seeking search searching supplier suppliers company companies
partner partners provider providers urgently manufacturer manufacturers manufacture
manufacturing maker makers producer producers production
wir suche suchen gesucht brauchen benötigen kurzfristig dringend unser unsere unseren ihr
jemand jemanden einen firma firmen lieferant lieferanten anbieter dienstleister betrieb
unternehmen kann können gern gerne bitte neuen neue stück ca etwa hersteller herstellung
herstellen produzent produktion fertiger
gmbh mbh ag kg co ug ev gbr ohg se inc ltd llc
"""
QUERY_STOPWORDS = frozenset(fold(w) for w in _QUERY_STOPWORDS.split())

_english = Stemmer.Stemmer("english")


def english_stem(folded: str) -> str:
    return EN_PREFIX + str(_english.stemWord(folded))


@dataclass(frozen=True)
class _Alternative:
    terms: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class _Word:
    label: str
    alternatives: tuple[_Alternative, ...]


class WzSuggester:
    """The per-process index of the subclasses' texts and vectors."""

    def __init__(
        self,
        entries: list[tuple[str, str, str, str, str]],
        analyser: Analyser,
        synonyms: Synonyms | None,
        vectors: np.ndarray | None,
        bridge: tuple[list[str], np.ndarray] | None = None,
    ) -> None:
        """``entries``: (code, title, title_en, notes, class text) per subclass;
        ``vectors``: one unit row per entry ("title. notes"), or None for lexical only;
        ``bridge``: the title words and their vectors, for words of other languages."""
        self.codes = [e[0] for e in entries]
        self.titles = [e[1] for e in entries]
        self.titles_en = [e[2] for e in entries]
        self.analyser = analyser
        self.synonyms = synonyms
        # Centred on the mean WZ vector: short titles ("Übersetzen") are otherwise near
        # every text (hubs), and the signal of what the text is about drowns.
        self.vectors = None
        if vectors is not None and len(vectors):
            centred = vectors - vectors.mean(axis=0)
            norms = np.linalg.norm(centred, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            self.vectors = (centred / norms).astype(np.float32)
        n = len(entries)
        weighted: list[dict[str, float]] = []
        for _code, title, title_en, notes, class_text in entries:
            tf: dict[str, float] = {}
            self._add(tf, analyser, title, TITLE_WEIGHT)
            self._add(tf, analyser, notes, NOTES_WEIGHT)
            self._add(tf, analyser, class_text, CLASS_WEIGHT)
            for w in analyser.analyse(title_en):
                if not w.is_stopword and len(w.folded) > 1:
                    key = english_stem(w.folded)
                    tf[key] = tf.get(key, 0.0) + TITLE_WEIGHT
            weighted.append(tf)
        lengths = np.array([sum(tf.values()) for tf in weighted], dtype=np.float64)
        average = float(lengths.mean()) if n else 1.0
        df: dict[str, int] = {}
        for tf in weighted:
            for term in tf:
                df[term] = df.get(term, 0) + 1
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, tf in enumerate(weighted):
            norm = K1 * (1 - B + B * lengths[i] / average)
            for term, f in tf.items():
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                postings.setdefault(term, []).append((i, idf * f * (K1 + 1) / (f + norm)))
        self.postings = {
            term: (
                np.array([i for i, _ in rows], dtype=np.int32),
                np.array([s for _, s in rows], dtype=np.float32),
            )
            for term, rows in postings.items()
        }
        self._deletes: dict[str, set[str]] = {}
        for term in self.postings:
            if not term.startswith(EN_PREFIX) and len(term) >= 4:
                for variant in _deletions(term):
                    self._deletes.setdefault(variant, set()).add(term)
        # Compounds of the notes by their last part (Masken: Gasmasken, Schutzmasken).
        self._heads: dict[str, set[str]] = {}
        for term in self.postings:
            if term.startswith(EN_PREFIX):
                continue
            for start in range(MIN_PART, len(term) - MIN_HEAD + 1):
                self._heads.setdefault(term[start:], set()).add(term)
        self._bridge_terms: list[str] = []
        self._bridge: np.ndarray | None = None
        if bridge is not None and len(bridge[0]):
            self._bridge_terms = [analyser.word(w).term for w in bridge[0]]
            self._bridge = bridge[1]
        self._code_index = {code: i for i, code in enumerate(self.codes)}
        self._cache: OrderedDict[tuple[str, int, str], list[Suggestion]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _add(tf: dict[str, float], analyser: Analyser, text: str, weight: float) -> None:
        for w in analyser.analyse(text):
            if w.is_stopword:
                continue
            for term in w.terms:
                tf[term] = tf.get(term, 0.0) + weight

    # -- the query ----------------------------------------------------------------------

    def words(self, text: str) -> list[_Word]:
        """The query's words, each with its weighted alternatives (known terms only)."""
        found: list[tuple[str, list[_Alternative]]] = []
        unknown: list[int] = []
        seen: set[str] = set()
        for w in self.analyser.analyse(text)[: MAX_WORDS * 2]:
            if w.is_stopword or w.folded in QUERY_STOPWORDS or len(w.folded) < 2:
                continue
            if w.folded.isdigit() or w.term in seen:
                continue
            seen.add(w.term)
            alternatives = self._alternatives(w)
            verb = self._verb(w)
            if verb is not None:
                alternatives += self._alternatives(verb)
            if not alternatives:
                if len(unknown) >= MAX_BRIDGED or not w.folded.isalpha():
                    continue
                if len(w.folded) < MIN_HEAD or self._bridge is None:
                    continue
                unknown.append(len(found))
            found.append((w.text, alternatives))
            if len(found) >= MAX_WORDS:
                break
        if unknown:
            # One batch for the model: the unknown words meet the title words.
            bridged = self._bridged([found[i][0] for i in unknown])
            for i, alternatives in zip(unknown, bridged, strict=True):
                found[i] = (found[i][0], alternatives)
        return [
            _Word(label, tuple(dict.fromkeys(alternatives)))
            for label, alternatives in found
            if alternatives
        ]

    def _alternatives(self, w: AnalysedWord) -> list[_Alternative]:
        known = self.postings
        alternatives: list[_Alternative] = []
        for term in (w.term, english_stem(w.folded)):
            if term in known:
                alternatives.append(_Alternative((term,), 1.0))
        if w.term not in known and w.parts:
            # A compound's known parts count together (Kunststoff-spritz-guss: a code
            # naming plastics and moulding beats one naming casting alone).
            parts: list[str] = []
            for part in w.parts:
                if part in GENERIC_HEADS:
                    continue
                if part in known:
                    parts.append(part)
                else:
                    parts.extend(t for a in self._affixes(part, 1.0) for t in a.terms)
            if parts:
                unique = tuple(dict.fromkeys(parts))
                alternatives.append(_Alternative(unique, PARTS_WEIGHT / len(unique) ** 0.5))
        elif w.term not in known:
            alternatives.extend(self._affixes(w.term, 1.0))
        if self.synonyms is not None:
            for phrase, weight in self.synonyms.expand(w.folded):
                terms = tuple(x.term for x in self.analyser.analyse(phrase) if not x.is_stopword)
                present = tuple(t for t in terms if t in known)
                if present and terms != (w.term,):
                    # A phrase counts by the share of its words the code names.
                    alternatives.append(
                        _Alternative(present, weight * len(present) / len(terms) ** 2)
                    )
        if len(w.term) >= MIN_HEAD:
            for longer in sorted(self._heads.get(w.term, ()))[:MAX_HEADS]:
                alternatives.append(_Alternative((longer,), HEAD_WEIGHT))
        if not alternatives and not w.parts and len(w.folded) >= MIN_FUZZY:
            for near in sorted(self._near(w.term)):
                alternatives.append(_Alternative((near,), FUZZY_WEIGHT))
        return alternatives

    def _verb(self, w: AnalysedWord) -> AnalysedWord | None:
        """A workshop word in -erei also stands for its verb (Dreherei: drehen,
        Kunststoffspritzerei: Kunststoff spritzen), when the word itself is unknown."""
        folded = w.folded
        if folded.endswith("erei") and len(folded) >= 8 and w.term not in self.postings:
            return self.analyser.word(folded[:-4] + "en")
        return None

    def _bridged(self, words: list[str]) -> list[list[_Alternative]]:
        """Title words nearest to unknown words by their embeddings: an English word
        meets its German counterpart (disinfectant: Desinfektionsmittel)."""
        from core.embedding import embed

        assert self._bridge is not None
        cosines = embed(words) @ self._bridge.T
        out: list[list[_Alternative]] = []
        for cosine in cosines:
            best = np.argsort(-cosine)[:BRIDGE_TOP]
            found: dict[str, float] = {}
            for i in best:
                term = self._bridge_terms[int(i)]
                if cosine[i] >= BRIDGE_MIN and term in self.postings:
                    found[term] = max(found.get(term, 0.0), BRIDGE_WEIGHT * float(cosine[i]))
            out.append([_Alternative((term,), weight) for term, weight in found.items()])
        return out

    def _affixes(self, term: str, weight: float) -> list[_Alternative]:
        """The longest known words an unknown compound begins and ends with
        (Präzisionsdrehteile: dreh…, …teil), where the analyser could not split it."""
        if len(term) < MIN_AFFIX_WORD or not term.isalpha():
            return []
        found = []
        for end in range(len(term) - 1, MIN_AFFIX - 1, -1):
            if term[:end] in self.postings and term[:end] not in GENERIC_HEADS:
                found.append(term[:end])
                break
        for start in range(MIN_PART, len(term) - MIN_AFFIX + 1):
            if term[start:] in self.postings and term[start:] not in GENERIC_HEADS:
                found.append(term[start:])
                break
        return [_Alternative((t,), weight * AFFIX_WEIGHT) for t in dict.fromkeys(found)]

    def _near(self, term: str) -> set[str]:
        found: set[str] = set()
        for variant in (term, *_deletions(term)):
            found.update(self._deletes.get(variant, ()))
            if variant in self.postings and variant != term:
                found.add(variant)
        return {t for t in found if t != term and _one_edit(t, term)}

    def lexical(self, words: list[_Word]) -> tuple[np.ndarray, list[np.ndarray]]:
        """BM25 per subclass (raw) and each word's contribution."""
        n = len(self.codes)
        total = np.zeros(n, dtype=np.float32)
        per_word: list[np.ndarray] = []
        for word in words:
            best = np.zeros(n, dtype=np.float32)
            for alternative in word.alternatives:
                score = np.zeros(n, dtype=np.float32)
                for term in alternative.terms:
                    idx, values = self.postings[term]
                    score[idx] += values
                np.maximum(best, score * alternative.weight, out=best)
            total += best
            per_word.append(best)
        return total, per_word

    def dense(self, text: str) -> np.ndarray:
        from core.embedding import embed_one

        if self.vectors is None:
            return np.zeros(len(self.codes), dtype=np.float32)
        cosine = self.vectors @ embed_one(text)
        low, high = DENSE_RANGE
        return np.clip((cosine - low) / (high - low), 0.0, 1.0)

    def code_prior(self, text: str) -> tuple[np.ndarray, list[str]]:
        prior = np.zeros(len(self.codes), dtype=np.float32)
        named: list[str] = []
        for match in CODE_RE.finditer(text):
            division, group, sub = match.groups()
            written = f"{division}.{group}" + (f".{sub}" if sub else "")
            named.append(written)
            class_code = f"{division}.{group.ljust(2, '0')}" if len(group) == 2 else ""
            for i, code in enumerate(self.codes):
                if class_code and code.startswith(class_code):
                    bonus = CODE_PRIOR[5]
                elif code.startswith(f"{division}.{group[0]}"):
                    bonus = CODE_PRIOR[4]
                elif code.startswith(division + "."):
                    bonus = CODE_PRIOR[2]
                else:
                    continue
                prior[i] = max(prior[i], bonus)
        return prior, named

    def scores(self, text: str, mode: Mode = "fused") -> tuple[np.ndarray, list[_Word], list]:
        """Scores of every subclass for ``text`` (0..1), the query's words and their
        per-word lexical contributions (for the reasons)."""
        text = " ".join(text.split())[:MAX_TEXT]
        words = self.words(text)
        raw, per_word = self.lexical(words)
        top = float(raw.max()) if len(raw) else 0.0
        lexical = raw / max(top, LEXICAL_FLOOR)
        if mode == "lexical":
            return lexical, words, per_word
        dense = self.dense(text)
        if mode == "dense":
            return dense, words, per_word
        fused = DENSE_WEIGHT * dense + LEXICAL_WEIGHT * lexical
        prior, _named = self.code_prior(text)
        return np.clip(fused + prior, 0.0, 1.0), words, per_word

    def suggest(self, text: str, limit: int = 5, mode: Mode = "fused") -> list[Suggestion]:
        key = (text, limit, mode)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return list(hit)
        scores, words, per_word = self.scores(text, mode)
        limit = max(1, min(limit, len(self.codes)))
        top = np.argpartition(-scores, limit - 1)[:limit] if limit < len(scores) else None
        order = sorted(
            (int(i) for i in (top if top is not None else range(len(scores)))),
            key=lambda i: (-float(scores[i]), self.codes[i]),
        )
        _prior, named = self.code_prior(text)
        results = []
        for i in order:
            if scores[i] <= 0:
                break
            reasons = [word.label for word, s in zip(words, per_word, strict=True) if s[i] > 0]
            reasons += [c for c in named if self.codes[i].startswith(c[:4])]
            results.append(
                Suggestion(
                    code=self.codes[i],
                    title=self.titles[i],
                    title_en=self.titles_en[i],
                    score=round(float(scores[i]), 4),
                    reasons=tuple(dict.fromkeys(reasons)),
                )
            )
        with self._lock:
            self._cache[key] = results
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return list(results)

    def index_of(self, code: str) -> int | None:
        return self._code_index.get(code)


def _deletions(term: str) -> Iterable[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# -- the process's suggester --------------------------------------------------------------

_suggester: WzSuggester | None = None
_build_lock = threading.Lock()


def entries() -> list[tuple[str, str, str, str, str]]:
    """(code, title, title_en, notes, class text) of every WZ 2008 subclass."""
    from classification.models import WzCode

    classes: dict[str, tuple[str, str, int]] = {}
    for code, title, includes, also in WzCode.objects.filter(version="2008", level=4).values_list(
        "code", "title", "includes", "also_includes"
    ):
        classes[code] = (title, " ".join(t for t in (includes, also) if t), 0)
    rows = list(
        WzCode.objects.filter(version="2008", level=5)
        .order_by("code")
        .values_list("code", "title", "title_en", "includes", "also_includes")
    )
    children: dict[str, int] = {}
    for code, *_rest in rows:
        children[code[:5]] = children.get(code[:5], 0) + 1
    out = []
    for code, title, title_en, includes, also in rows:
        class_title, class_notes, _ = classes.get(code[:5], ("", "", 0))
        # A class with one subclass has the same title; its notes (rare) still count.
        class_text = class_notes
        if children.get(code[:5], 0) > 1 and class_title != title:
            class_text = f"{class_title} {class_notes}".strip()
        notes = " ".join(t for t in (includes, also) if t)
        out.append((code, title, title_en, notes, class_text))
    return out


def embedding_text(title: str, notes: str) -> str:
    return f"{title}. {notes[:NOTES_CHARS]}".strip() if notes else title


def build(with_vectors: bool = True) -> WzSuggester:
    from core.embedding import embed_cached

    from .vocabulary import analyser, synonyms

    rows = entries()
    vectors = None
    bridge = None
    found = analyser()
    if with_vectors and rows:
        vectors, _hits = embed_cached([embedding_text(r[1], r[3]) for r in rows])
        words = sorted(
            {
                w.text
                for r in rows
                for w in found.analyse(r[1])
                if w.text.isalpha() and len(w.folded) >= MIN_HEAD and not w.is_stopword
            }
        )
        bridge = (words, embed_cached(words)[0])
    return WzSuggester(rows, found, synonyms(), vectors, bridge)


def suggester() -> WzSuggester:
    global _suggester
    if _suggester is None:
        with _build_lock:
            if _suggester is None:
                _suggester = build()
    return _suggester


def suggest(text: str, limit: int = 5) -> list[Suggestion]:
    """The most likely WZ 2008 subclasses for ``text`` (German or English), best first,
    at most ``limit``; scores in 0..1; [] for a text that names nothing."""
    if not text or not text.strip():
        return []
    found = suggester()
    if not found.codes:
        return []
    return found.suggest(text, limit)


def reset() -> None:
    """Forget the built index (after the WZ data or the synonyms changed; tests)."""
    global _suggester
    with _build_lock:
        _suggester = None
