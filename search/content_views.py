"""The main search's other groups: what else the words find besides organisations.

The search page shows, beside its organisations, each registered content type that has
hits for the same words (its first hits and its total); ``/suche/?type=<name>`` lists
one type's hits with its facets and pages. Every type is shown the same way, through
its declaration (``search.registry``): its label, its facets and its hit template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import content, registry, services
from .content import ContentQuery, search_content
from .query import MAX_QUERY_LENGTH, SearchQuery, clean_text
from .registry import DocumentType

GROUP_HITS = 3
PAGE_SIZE = 20
MAX_PAGE = 50
# A facet's values per request: more are ignored (a URL can name a few, not thousands).
MAX_VALUES = 20
MAX_VALUE_LENGTH = 60


@dataclass
class ShownHit:
    object: Any
    hit: content.ContentHit
    url: str
    title: str


@dataclass
class Group:
    """One type's hits for the search page."""

    type: DocumentType
    total: int
    hits: list[ShownHit]
    url: str
    facets: list[dict[str, Any]] = field(default_factory=list)


def type_url(doc_type: DocumentType, text: str, **params: Any) -> str:
    items = [("type", doc_type.name)]
    if text:
        items.append(("q", text))
    items += [(k, v) for k, values in params.items() for v in values if v]
    return f"{reverse('search:search')}?{urlencode(items)}"


def _shown(doc_type: DocumentType, hits: list[content.ContentHit], user: Any) -> list[ShownHit]:
    """The hits whose objects the user may still see, in the order of the hits (an
    object hidden since the index last heard of it is left out)."""
    objects = doc_type.load([h.id for h in hits], user)
    return [
        ShownHit(
            object=objects[h.id],
            hit=h,
            url=doc_type.url(objects[h.id]),
            title=doc_type.title(objects[h.id]),
        )
        for h in hits
        if h.id in objects
    ]


def groups_for(request: HttpRequest, text: str) -> list[Group]:
    """Each content type with hits for ``text``: its total and first hits."""
    text = clean_text(text)[:MAX_QUERY_LENGTH]
    if not text:
        return []
    groups = []
    plan = content.content_plan(text)  # one plan (and one look-up of its words) for all
    for doc_type in content.content_types():
        result = search_content(
            ContentQuery(type=doc_type.name, text=text, page_size=GROUP_HITS, facets=False),
            plan,
        )
        hits = _shown(doc_type, result.hits, request.user) if result.total else []
        if hits:  # none visible: the index has not yet heard that they are gone
            groups.append(
                Group(type=doc_type, total=result.total, hits=hits, url=type_url(doc_type, text))
            )
    return groups


def _filters(request: HttpRequest, doc_type: DocumentType) -> dict[str, list[str]]:
    filters = {}
    for facet in doc_type.facets:
        values = [
            v.strip()[:MAX_VALUE_LENGTH] for v in request.GET.getlist(facet.name) if v.strip()
        ]
        if values:
            filters[facet.name] = list(dict.fromkeys(values))[:MAX_VALUES]
    return filters


def _page_number(request: HttpRequest) -> tuple[int, str | None]:
    raw = request.GET.get("page", "1").strip() or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        return 1, _("The page must be a number from 1 to %(max)s; showing the first page.") % {
            "max": MAX_PAGE
        }
    return int(raw), None


def _other(doc_type: DocumentType, text: str) -> dict[str, Any]:
    """A tab for another type: its link and, with words, its count."""
    if doc_type.specialised:  # organisations: their own search
        total = None
        if text:
            counted = services.search(SearchQuery(text=text, limit=0, facets=False), relax=False)
            total = counted.total
        url = f"{reverse('search:search')}?{urlencode({'q': text})}" if text else ""
        return {"type": doc_type, "url": url or reverse("search:search"), "total": total}
    only_total = ContentQuery(type=doc_type.name, text=text, page_size=1, facets=False)
    total = search_content(only_total).total
    return {"type": doc_type, "url": type_url(doc_type, text), "total": total}


def content_page(request: HttpRequest, doc_type: DocumentType) -> HttpResponse:
    """One type's hits for the words, with its facets (OR within a facet, AND across)
    and pages; the organisations' count links back to the organisation results."""
    raw_text = request.GET.get("q", "")
    text = clean_text(raw_text)[:MAX_QUERY_LENGTH]
    messages = []
    if len(raw_text) > MAX_QUERY_LENGTH:
        messages.append(
            _("The search text was shortened to %(max)s characters.") % {"max": MAX_QUERY_LENGTH}
        )
    page_number, page_message = _page_number(request)
    if page_message:
        messages.append(page_message)
    filters = _filters(request, doc_type)
    result = search_content(
        ContentQuery(
            type=doc_type.name, text=text, filters=filters, page=page_number, page_size=PAGE_SIZE
        )
    )
    hits = _shown(doc_type, result.hits, request.user)
    facets = []
    for facet in doc_type.facets:
        chosen = filters.get(facet.name, [])
        counts = result.facets.get(facet.name, {})
        values = []
        for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            selected = value in chosen
            toggled = [v for v in chosen if v != value] if selected else [*chosen, value]
            values.append(
                {
                    "label": facet.value_label(value) if facet.value_label else value,
                    "count": count,
                    "selected": selected,
                    "url": type_url(doc_type, text, **{**filters, facet.name: toggled}),
                }
            )
        if values:
            clear = type_url(doc_type, text, **{**filters, facet.name: []}) if chosen else ""
            facets.append({"facet": facet, "values": values[:15], "clear": clear})
    paginator = Paginator(range(min(result.total, PAGE_SIZE * MAX_PAGE)), PAGE_SIZE)
    page = paginator.get_page(page_number)
    others = [t for t in registry.types() if t.name != doc_type.name]
    context = {
        "type": doc_type,
        "text": text,
        "result": result,
        "hits": hits,
        "facets": facets,
        "filters": filters,
        "messages_": messages,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        if result.total
        else [],
        "page_base": type_url(doc_type, text, **filters),
        "clear_all": type_url(doc_type, text) if filters else "",
        "others": [_other(t, text) for t in others],
        "list_url": doc_type.list_url(text),
        "list_link_text": doc_type.list_link_text(),
    }
    status = 404 if result.total and page_number > paginator.num_pages else 200
    return render(request, "search/content.html", context, status=status)
