"""The interface every search engine implements.

The service (``search.services``) plans the query and loads organisations; an engine
only stores documents and answers plans with ids, scores, counts and clusters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..documents import SearchDocument
from ..query import QueryPlan, SearchQuery, TermStats
from ..vectors.store import VectorStore


class SearchUnavailable(RuntimeError):
    """The index cannot answer until an operator acts (the message says how)."""


@dataclass
class Hit:
    id: int
    score: float
    distance_km: float | None = None


@dataclass
class Cluster:
    lat: float
    lon: float
    count: int
    # Set when the cluster is a single organisation.
    id: int | None = None


@dataclass
class EngineResult:
    hits: list[Hit]
    total: int
    # facet → value → count (each facet honours every filter but its own)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Counted on a fixed sample of a large result and scaled up: say "about".
    facets_approximate: bool = False
    # The number of hits of a large result, estimated the same way (PostgreSQL only).
    total_approximate: bool = False


class SearchEngine(TermStats):
    """Stores ``SearchDocument``s and answers ``QueryPlan``s."""

    name = "base"

    # -- writing ------------------------------------------------------------------------

    def update(self, documents: Iterable[SearchDocument], remove: Iterable[int] = ()) -> None:
        """Add or replace ``documents`` and remove the ids in ``remove``, visible at once."""
        raise NotImplementedError

    def encode(self, doc: SearchDocument) -> Any:
        """What ``rebuild`` writes for a document. Called where the document is made, in
        a worker process of a large rebuild: module-level work whose result pickles."""
        return doc

    def rebuild(
        self,
        batches: Iterator[list[Any]],
        total: int,
        progress: Callable[[int], None],
        vectors: Callable[[VectorStore], None] | None = None,
    ) -> None:
        """Build a complete new index from ``batches`` of encoded documents (``encode``)
        and switch readers to it.

        Readers keep the old index until the new one is complete. ``vectors``, where
        given, is called with the vector store the new index will have, once the
        documents are written: before the switch where the store belongs to the index
        generation (Tantivy), after the index transaction otherwise (PostgreSQL).
        """
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def versions(self) -> Iterator[tuple[int, int]]:
        """(id, ``SearchDocument.version()``) of every document in the index, in no
        particular order; an id held twice comes twice. For ``search.consistency``."""
        raise NotImplementedError

    def vector_store(self) -> VectorStore:
        """Where this engine keeps organisation vectors (``search.vectors``)."""
        raise NotImplementedError

    def problems(self) -> list[str]:
        """What keeps the index from answering, for ``manage.py check`` (none: [])."""
        return []

    def summary_drift(self) -> list[str]:
        """What the engine keeps summed up beside its documents (the PostgreSQL engine's
        map clusters per zoom level) and no longer agrees with them (none: [])."""
        return []

    def refresh_summaries(self) -> None:
        """Sums up anew what ``summary_drift`` found differing."""

    def clear(self) -> None:
        raise NotImplementedError

    # -- reading ------------------------------------------------------------------------

    def search(
        self,
        query: SearchQuery,
        plan: QueryPlan,
        on_page: Callable[[list[Hit]], None] | None = None,
    ) -> EngineResult:
        """The page of hits, their number and the facet counts. ``on_page``, where
        given, is called once with the page's hits in the calling thread as soon as
        they are known, possibly while the facets are still being counted."""
        raise NotImplementedError

    def ids(self, query: SearchQuery, plan: QueryPlan, limit: int) -> list[int]:
        """Ids of up to ``limit`` matches in the query's order (for exports)."""
        raise NotImplementedError

    def filter_ids(self, query: SearchQuery, ids: list[int]) -> list[int]:
        """Those of ``ids`` that pass the query's filters and area (its words aside), in
        no particular order: the semantic retrieval's check of its best candidates."""
        raise NotImplementedError

    def clusters(
        self, query: SearchQuery, plan: QueryPlan, level: int, max_points: int
    ) -> tuple[list[Cluster], int]:
        """Matches inside ``query.bbox``: single points when there are at most
        ``max_points``, otherwise counts per precomputed cell of ``level``."""
        raise NotImplementedError

    def terms_with_prefix(self, prefix: str, limit: int) -> list[str]:
        raise NotImplementedError

    def known(self, terms: Iterable[str]) -> set[str]:
        raise NotImplementedError
