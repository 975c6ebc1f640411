"""The search as JSON, described in the portal's OpenAPI schema (/api/v1/openapi.json).

Parameters are the search page's (same names, same validation through ``SearchForm``),
so a search URL of the page and of the API differ only in their path.
"""

from __future__ import annotations

import math

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from core.api import InputError, errors

from . import content, pages, registry, services, wzsuggest
from .forms import MAX_PAGE, SearchForm
from .query import SearchQuery

router = Router(tags=["search"])
MAX_PAGE_SIZE = 100


class FilterParams(Schema):
    """The search's filters and place, shared by every API that takes them (the
    matching's too), so that they keep one name and one meaning."""

    kind: list[str] = Field([], description="Kinds of organisation (company, research, …).")
    wz: list[str] = Field([], description="WZ 2008 codes at any level (C, 25, 25.6, 25.62.0).")
    district: list[str] = Field([], description="District keys (AGS, 5 digits).")
    growth: list[str] = Field([], description="Growth field ids.")
    network: list[str] = Field(
        [], description="Ids of networks or clusters the organisation is in."
    )
    size: list[str] = Field([], description="Employee size classes (micro, small, medium, large).")
    cert: list[str] = Field([], description="Certification standard ids.")
    near: str = Field("", description="Postal code or place name for radius search.")
    lat: float | None = Field(None, ge=-90, le=90, description="Latitude of a point (with lon).")
    lon: float | None = Field(None, ge=-180, le=180, description="Longitude of a point.")
    radius: int | None = Field(None, description="Radius in km (5, 10, 20, 30, 50, 100, 200).")


class SearchParams(FilterParams):
    q: str = Field("", description="Words to search for, in German; quotes for a phrase.")
    sort: str = Field("", description="relevance, distance, name or updated.")
    page: int = Field(1, ge=1, le=500)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class HitOut(Schema):
    id: int
    name: str
    kind: str
    url: str
    postal_code: str | None
    place: str | None
    district: str | None
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    score: float
    snippet_html: str = Field(description="Text around the matched words, marked with <mark>.")
    matched_wz: list[str] = Field(description="WZ codes whose official notes matched.")
    generated: bool = Field(description="Generated demo data, describing no real organisation.")


class SearchOut(Schema):
    total: int
    page: int
    page_size: int
    results: list[HitOut]
    facets: list[FacetOut]
    facets_approximate: bool = Field(
        description="Facet counts of a large result, estimated from a fixed sample."
    )
    total_approximate: bool = Field(
        default=False,
        description="The total of a large result, estimated from a fixed sample "
        "(the PostgreSQL engine).",
    )
    messages: list[str] = Field(description="Parameters that were ignored, and why.")


class SuggestionOut(Schema):
    label: str
    url: str
    kind: str  # "organisation", "wz" or the name of a content type ("event", "news" …)
    kind_label: str = ""  # the kind for people; empty for organisations


@router.get(
    "/search", response={200: SearchOut, **errors(422, 503)}, summary="Search organisations"
)
@decorate_view(pages.kept_for_everyone)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, object]:
    """Full-text search with filters, facet counts and radius, as on the search page."""
    form = SearchForm(request.GET)
    query = form.to_query(limit=params.page_size)
    if form.field_errors:
        # A refused value would widen the search or change its order: 422, never everything.
        raise InputError("Invalid input: " + "; ".join(form.messages), form.field_errors)
    results = services.search(query, relax=False)
    hits = []
    for item in results.items:
        org = item.organisation
        site = next(iter(org.primary_site_list), None)  # type: ignore[attr-defined]
        hits.append(
            {
                "id": org.pk,
                "name": org.name,
                "kind": org.kind,
                "url": request.build_absolute_uri(org.get_absolute_url()),
                "postal_code": site.postal_code if site else None,
                "place": site.place if site else None,
                "district": site.district.name if site and site.district else None,
                "latitude": site.latitude if site else None,
                "longitude": site.longitude if site else None,
                "distance_km": round(item.distance_km, 2) if item.distance_km is not None else None,
                "score": round(item.score, 4),
                "snippet_html": str(item.snippet_html),
                "matched_wz": [c.code for c in item.matched_codes],
                "generated": org.is_generated,
            }
        )
    return {
        "total": results.total,
        "page": query.offset // params.page_size + 1,
        "page_size": params.page_size,
        "results": hits,
        "facets": [
            {
                "name": f.name,
                "label": f.label,
                "values": [v.__dict__ for v in (*f.trail, *f.values)],
            }
            for f in results.facets
        ],
        "facets_approximate": results.facets_approximate,
        "total_approximate": results.total_approximate,
        "messages": [str(m) for m in form.messages] + _past_the_end(query, results.total),
    }


def _past_the_end(query: SearchQuery, total: int) -> list[str]:
    """A page beyond the last answers empty, with the real total and this message."""
    last = max(1, math.ceil(min(total, query.limit * MAX_PAGE) / query.limit))
    page = query.offset // query.limit + 1
    if total and page > last:
        return [f"page: there is no page {page}; the results fill {last} page(s)."]
    return []


@router.get(
    "/suggest", response={200: list[SuggestionOut], **errors(422, 503)}, summary="Autocomplete"
)
def suggest(request: HttpRequest, q: str = "") -> list[dict[str, str]]:
    """Organisations, then the best hits of the other kinds of content (requests and
    offers, networks, news, events, funding programmes, pages), then industries, for
    what has been typed so far."""
    return [
        {"label": s.label, "url": s.url, "kind": s.kind, "kind_label": s.kind_label}
        for s in services.suggest(q, user=request.user)
    ]


MAX_WZ_TEXT = 2000
MAX_WZ_SUGGESTIONS = 20


class WzSuggestParams(Schema):
    q: str = Field(
        min_length=1,
        max_length=MAX_WZ_TEXT,
        description="A need, a company description or a label, in German or English "
        f"(1 to {MAX_WZ_TEXT:,} characters).",
    )
    limit: int = Field(5, ge=1, le=MAX_WZ_SUGGESTIONS, description="How many codes (1 to 20).")


class WzSuggestionOut(Schema):
    code: str = Field(description="WZ 2008 subclass (level 5), e.g. 25.62.0.")
    title: str = Field(description="Official German title.")
    title_en: str = Field(description="English (NACE Rev. 2) title of its class.")
    score: float = Field(ge=0, le=1, description="How well the code fits the text, 0..1.")
    reasons: list[str] = Field(description="Words of the text found in the code's texts.")


class WzSuggestOut(Schema):
    results: list[WzSuggestionOut]


@router.get(
    "/wz/suggest",
    response={200: WzSuggestOut, **errors(422)},
    summary="Suggest WZ 2008 codes for a text",
)
def wz_suggest(request: HttpRequest, params: Query[WzSuggestParams]) -> dict[str, object]:
    """The most likely WZ 2008 subclasses for a free text, best first, from the official
    titles and explanatory notes and the text's sentence embedding."""
    if not params.q.strip():
        message = "q: give a text of 1 to 2,000 characters that is not only spaces"
        raise InputError(f"Invalid input: {message}", [{"field": "q", "message": message}])
    found = wzsuggest.suggest(params.q, params.limit)
    return {
        "results": [
            {
                "code": s.code,
                "title": s.title,
                "title_en": s.title_en,
                "score": s.score,
                "reasons": list(s.reasons),
            }
            for s in found
        ]
    }


# --- Every kind of content (search.registry) -------------------------------------------
MAX_GROUP_HITS = 20


class ContentHitOut(Schema):
    id: int
    title: str
    url: str
    score: float
    distance_km: float | None = None


class GroupOut(Schema):
    type: str = Field(description="The type's name: organisation, posting, …")
    label: str
    total: int
    hits: list[ContentHitOut]


class AllOut(Schema):
    q: str
    groups: list[GroupOut] = Field(description="One per kind of content, in the page's order.")


class AllParams(Schema):
    q: str = Field("", max_length=300, description="Words to search for, in German.")
    per_type: int = Field(5, ge=1, le=MAX_GROUP_HITS, description="Hits per kind (1 to 20).")


def _content_hits(
    request: HttpRequest, doc_type: registry.DocumentType, hits: list[content.ContentHit]
) -> list[dict[str, object]]:
    objects = doc_type.load([h.id for h in hits], None)
    return [
        {
            "id": h.id,
            "title": doc_type.title(objects[h.id]),
            "url": request.build_absolute_uri(doc_type.url(objects[h.id])),
            "score": round(h.score, 4),
            "distance_km": round(h.distance_km, 2) if h.distance_km is not None else None,
        }
        for h in hits
        if h.id in objects
    ]


@router.get(
    "/search/all",
    response={200: AllOut, **errors(422, 503)},
    summary="Search every kind of content",
)
def search_all(request: HttpRequest, params: Query[AllParams]) -> dict[str, object]:
    """The words' hits grouped by kind of content (organisations, requests and offers, …):
    each kind's total and first hits. ``/search`` answers organisations in full,
    ``/search/content`` one other kind in full."""
    groups: list[dict[str, object]] = []
    plan = content.content_plan(params.q)  # the same plan for every kind of content
    for doc_type in registry.types():
        if doc_type.specialised:  # organisations: the specialised search
            found = services.search(
                SearchQuery(text=params.q, limit=params.per_type, facets=False), relax=False
            )
            hits = [
                {
                    "id": item.organisation.pk,
                    "title": doc_type.title(item.organisation),
                    "url": request.build_absolute_uri(doc_type.url(item.organisation)),
                    "score": round(item.score, 4),
                }
                for item in found.items
            ]
            total = found.total
        else:
            result = content.search_content(
                content.ContentQuery(
                    type=doc_type.name, text=params.q, page_size=params.per_type, facets=False
                ),
                plan,
            )
            hits, total = _content_hits(request, doc_type, result.hits), result.total
        groups.append(
            {"type": doc_type.name, "label": str(doc_type.label), "total": total, "hits": hits}
        )
    return {"q": params.q, "groups": groups}


class ContentParams(Schema):
    type: str = Field(description="A kind of content other than organisations: posting, …")
    q: str = Field("", max_length=300, description="Words to search for, in German.")
    filter: list[str] = Field(
        [],
        description="Facet filters as name=value (several values of one facet: any of them; "
        "of several facets: all), e.g. filter=kind=request&filter=category=material.",
    )
    page: int = Field(1, ge=1, le=500)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class ContentOut(Schema):
    type: str
    label: str
    total: int
    page: int
    page_size: int
    results: list[ContentHitOut]
    facets: dict[str, dict[str, int]] = Field(
        description="Per facet, value → hits; each facet honours every filter but its own."
    )


@router.get(
    "/search/content",
    response={200: ContentOut, **errors(422, 503)},
    summary="Search one kind of content",
)
def search_one_type(request: HttpRequest, params: Query[ContentParams]) -> dict[str, object]:
    """One kind of content's hits for the words and filters, with its facet counts."""
    try:
        doc_type = registry.get(params.type)
    except LookupError:
        doc_type = None
    if doc_type is None or doc_type.specialised:
        known = ", ".join(t.name for t in content.content_types())
        message = f"type: {params.type[:40]!r} is no kind of content here; known: {known}"
        raise InputError(f"Invalid input: {message}", [{"field": "type", "message": message}])
    facets = {f.name for f in doc_type.facets}
    filters: dict[str, list[str]] = {}
    for raw in params.filter:
        name, sep, value = raw.partition("=")
        if not sep or name not in facets or not value:
            message = (
                f"filter: {raw[:60]!r} is not name=value with a facet of {doc_type.name} "
                f"({', '.join(sorted(facets))})"
            )
            raise InputError(f"Invalid input: {message}", [{"field": "filter", "message": message}])
        filters.setdefault(name, []).append(value[:100])
    result = content.search_content(
        content.ContentQuery(
            type=doc_type.name,
            text=params.q,
            filters=filters,
            page=params.page,
            page_size=params.page_size,
        )
    )
    return {
        "type": doc_type.name,
        "label": str(doc_type.label),
        "total": result.total,
        "page": params.page,
        "page_size": params.page_size,
        "results": _content_hits(request, doc_type, result.hits),
        "facets": result.facets,
    }
