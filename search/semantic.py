"""Semantic retrieval: the organisations whose vectors are nearest to a need's vector.

The vectors (``search.vectors``) are held in memory as one float32 matrix per process;
a request costs one matrix-vector product (15 ms for 100,000 × 512 on one thread) and
a partial sort. Filters and a radius are answered by the engine: it checks the best
rows by similarity (``SearchEngine.filter_ids``), a few hundred at first, so that a
filter most organisations pass costs little; where few pass, it names all of them
(``allowed_ids``) and only those rows compete.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import services
from .query import QueryPlan, SearchQuery


def _restricted(query: SearchQuery) -> bool:
    return bool(query.facet_filters()) or query.is_geo or query.bbox is not None


def allowed_ids(query: SearchQuery) -> np.ndarray | None:
    """Ids of the organisations that pass the query's filters and area (None: all)."""
    if not _restricted(query):
        return None
    eng = services.engine()
    unranked = replace(
        query,
        text="",
        sort="relevance",
        offset=0,
        facets=False,
        prefix=False,
        any_word=False,
    )
    limit = max(eng.count(), 1)
    return np.asarray(eng.ids(unranked, QueryPlan(), limit), dtype=np.int64)


# With filters, the best rows by similarity are checked against them first: this many
# per needed hit, then eight times as many, until a quarter of all rows would be
# checked; then the engine names every organisation that passes.
CANDIDATES_PER_HIT = 5
MIN_CANDIDATES = 200
GROWTH = 8


def semantic_hits(vector: np.ndarray, query: SearchQuery, limit: int) -> list[tuple[int, float]]:
    """(organisation id, cosine similarity) of the ``limit`` nearest vectors, best first,
    among the organisations that pass the query's filters and area (its text is not
    used: ``vector`` stands for it)."""
    if limit <= 0:
        return []
    matrix = services.engine().vector_store().matrix()
    ids, rows_matrix, sorted_ids, order = matrix.view()
    if not len(ids):
        return []
    v = np.asarray(vector, dtype=np.float32).reshape(-1)
    scores = rows_matrix @ v
    scores[ids < 0] = -np.inf  # removed rows
    if not _restricted(query):
        return _best(ids, scores, np.arange(len(ids)), limit)
    live = len(matrix)
    wanted = max(limit * CANDIDATES_PER_HIT, MIN_CANDIDATES)
    while wanted * 4 < live:
        # The passing rows among the best ``wanted`` are the best passing rows overall.
        rows = _top_rows(scores, np.arange(len(ids)), wanted)
        passed = set(services.engine().filter_ids(query, [int(pk) for pk in ids[rows]]))
        kept = [row for row in rows if int(ids[row]) in passed]
        if len(kept) >= limit:
            return [(int(ids[row]), float(scores[row])) for row in kept[:limit]]
        wanted *= GROWTH
    allowed = allowed_ids(query)
    assert allowed is not None
    return _best(ids, scores, _rows(allowed, sorted_ids, order), limit)


def _top_rows(scores: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` rows of ``rows`` with the highest scores, best first."""
    if not len(rows):
        return rows
    part = scores[rows]
    k = min(k, len(rows))
    best = np.argpartition(-part, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
    best = best[np.argsort(-part[best], kind="stable")]
    chosen = rows[best]
    return chosen[np.isfinite(scores[chosen])]


def _best(
    ids: np.ndarray, scores: np.ndarray, rows: np.ndarray, limit: int
) -> list[tuple[int, float]]:
    return [(int(ids[row]), float(scores[row])) for row in _top_rows(scores, rows, limit)]


def _rows(wanted: np.ndarray, sorted_ids: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The matrix rows of the ids in ``wanted`` that have a vector."""
    if not len(wanted) or not len(sorted_ids):
        return np.zeros(0, dtype=np.int64)
    at = np.searchsorted(sorted_ids, wanted)
    inside = at < len(sorted_ids)
    at, wanted = at[inside], wanted[inside]
    return order[at[sorted_ids[at] == wanted]]


def vectors_of(ids: list[int]) -> dict[int, np.ndarray]:
    """The vectors of those organisations of ``ids`` that have one (copies)."""
    all_ids, rows_matrix, sorted_ids, order = services.engine().vector_store().matrix().view()
    wanted = np.asarray(sorted(set(ids)), dtype=np.int64)
    return {int(all_ids[row]): rows_matrix[row].copy() for row in _rows(wanted, sorted_ids, order)}
