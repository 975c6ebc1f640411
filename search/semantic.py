"""Semantic retrieval: the organisations whose vectors are nearest to a need's vector.

The vectors (``search.vectors``) are held in memory as one float32 matrix per process;
a request costs one matrix-vector product (15 ms for 100,000 × 512 on one thread) and
a partial sort. Filters and a radius are answered by the engine (the ids that match
them, without words), and only those rows are scored.
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


def semantic_hits(vector: np.ndarray, query: SearchQuery, limit: int) -> list[tuple[int, float]]:
    """(organisation id, cosine similarity) of the ``limit`` nearest vectors, best first,
    among the organisations that pass the query's filters and area (its text is not
    used: ``vector`` stands for it)."""
    if limit <= 0:
        return []
    allowed = allowed_ids(query)
    ids, rows_matrix, sorted_ids, order = services.engine().vector_store().matrix().view()
    if not len(ids):
        return []
    v = np.asarray(vector, dtype=np.float32).reshape(-1)
    if allowed is None:
        scores = rows_matrix @ v
        scores[ids < 0] = -np.inf  # removed rows
        rows = np.arange(len(ids))
    else:
        rows = _rows(allowed, sorted_ids, order)
        if not len(rows):
            return []
        # A few rows: score only them; many: one product over all is faster than a copy.
        scores = rows_matrix[rows] @ v if len(rows) * 4 < len(ids) else (rows_matrix @ v)[rows]
    k = min(limit, len(rows))
    best = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
    best = best[np.argsort(-scores[best], kind="stable")]
    return [
        (int(ids[rows[i]]), float(scores[i]))
        for i in best
        if np.isfinite(scores[i]) and ids[rows[i]] >= 0
    ]


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
