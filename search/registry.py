"""The one interface through which an app makes its content findable.

Each app that has searchable content declares a ``DocumentType`` in its own
``search.py`` and registers it in its ``AppConfig.ready()``::

    from search.registry import register
    register(PostingType())

The search app indexes every registered type through this interface (``documents``,
``indexable_ids``), answers the main search grouped by type, counts each type's facets,
and keeps the index in step when an app reports changed ids (``changed``). No
app-specific code lives in the engines. Organisations are a type too
(``search.organisations``); their documents take the engine's specialised path, tuned
for a million profiles.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass
class ContentDocument:
    """What the index holds of one object of a type. Texts are raw (the search analyses
    them with its German analyser); ``keywords`` are exact values for filters and facets
    (a value with its ancestors where the facet is a tree, e.g. every level of a WZ
    code)."""

    type: str
    id: int
    title: str
    text: str = ""
    keywords: dict[str, list[str]] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    # Newest first where the query has no words; also shown with the hit.
    date: datetime.datetime | None = None


@dataclass(frozen=True)
class Facet:
    name: str  # a key of ContentDocument.keywords and a URL parameter of the type's filters
    label: str | Promise
    # The label of a value for the page ("material" → "Material"); None: the value itself.
    value_label: Callable[[str], str] | None = None


class DocumentType:
    """A kind of content the main search finds. Subclass in the app's ``search.py``."""

    name: str = ""  # short, URL-safe: "posting"
    label: str | Promise = ""  # the group's heading: "Requests and offers"
    facets: tuple[Facet, ...] = ()
    # The template of one hit on the search page; gets ``object``, ``hit`` and ``type``.
    hit_template: str = "search/_content_hit.html"
    # Position of the group on the search page (organisations: 0).
    order: int = 100
    # True only for organisations: their documents take the engines' specialised path
    # (``search.services``) instead of ``search.content``.
    specialised: bool = False
    # Offered by the autocomplete beside the organisations.
    suggestible: bool = True

    def indexable_ids(self) -> Iterable[int]:
        """Ids of every object that belongs in the index now: what every visitor may see
        (published, not expired). The drift check and the rebuild read it."""
        raise NotImplementedError

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        """Documents for those of ``ids`` that belong in the index (read in bulk); an id
        without a document is removed from the index."""
        raise NotImplementedError

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        """The objects to show for hits, by id, in one or a few queries; an id missing
        from the answer (no longer visible to ``user``) is left out of the page."""
        raise NotImplementedError

    def url(self, obj: Any) -> str:
        raise NotImplementedError

    def title(self, obj: Any) -> str:
        """The hit's title in lists and the API."""
        return str(obj)

    def list_url(self, text: str) -> str:
        """The type's own list page for these words (with a map or other filters), or ""."""
        return ""

    def list_link_text(self) -> str:
        """The words of the link to ``list_url`` on the search page."""
        from django.utils.translation import gettext as _

        return _("All %(label)s, with the filters of their own page") % {"label": self.label}


_types: dict[str, DocumentType] = {}


def register(doc_type: DocumentType) -> DocumentType:
    if not doc_type.name or not doc_type.name.isidentifier():
        raise ValueError(f"A document type needs a short identifier as name, not {doc_type.name!r}")
    _types[doc_type.name] = doc_type
    return doc_type


def types() -> list[DocumentType]:
    """Every registered type in the order of the search page."""
    return sorted(_types.values(), key=lambda t: (t.order, t.name))


def get(name: str) -> DocumentType:
    try:
        return _types[name]
    except KeyError:
        known = ", ".join(sorted(_types))
        raise LookupError(f"No searchable type {name!r}; known: {known}") from None


def changed(type_name: str, ids: Iterable[int]) -> None:
    """Objects of a type were created, changed, hidden or deleted: bring their index
    documents in step after the commit (a bulk write calls this itself, since it skips
    signals). Safe to call with ids that are not, or no longer, indexable."""
    from .content import schedule_update

    schedule_update(get(type_name), list(ids))
