"""The matching as JSON: a need in the firm's own words, the organisations that fit.

Parameters are the search's (``/api/v1/search``: same names, same validation), with
a longer text; each result says why it was found.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from core.api import InputError, errors
from search.api import FilterParams

from . import services
from .forms import NeedForm
from .matching import MAX_PAGE_SIZE, NEED_MAX_CHARS

router = Router(tags=["matching"])


class MatchParams(FilterParams):
    q: str = Field(
        ...,
        min_length=1,
        max_length=NEED_MAX_CHARS,
        description="The need in your own words: a few keywords or a paragraph, German or "
        f"English (at most {NEED_MAX_CHARS:,} characters).",
    )
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class WzReasonOut(Schema):
    code: str
    title: str
    source: str = Field(
        description="suggested: the WZ suggestion proposed this code for the need's text; "
        "own: the official notes of the organisation's code name a word of the need."
    )


class ReasonsOut(Schema):
    words: list[str] = Field(description="Words of the need the profile contains.")
    synonyms: list[str] = Field(description="Other words for the need's words that it contains.")
    wz: list[WzReasonOut] = Field(description="The organisation's WZ codes that matched.")
    similarity: float = Field(description="Cosine similarity of the need and the profile.")
    distance_km: float | None = Field(description="Distance from the place given as near.")
    kind: str | None = Field(
        None,
        description="The organisation's kind where the need asks for that kind "
        "(e.g. a research institute for 'Forschungspartner'); else null.",
    )


class MatchOut(Schema):
    id: int
    name: str
    url: str
    score: float
    reasons: ReasonsOut


class SuggestedWzOut(Schema):
    code: str
    title: str
    score: float


class MatchResultsOut(Schema):
    results: list[MatchOut]
    suggested_wz: list[SuggestedWzOut] = Field(
        description="WZ 2008 subclasses suggested for the need's text."
    )
    total: int = Field(description="Organisations found for the need (before the page size).")


@router.get(
    "/match",
    response={200: MatchResultsOut, **errors(422, 503)},
    summary="Match a need to organisations",
)
def match(request: HttpRequest, params: Query[MatchParams]) -> dict[str, object]:
    """The organisations that can meet a need described in words, best first, with the
    reasons for each: the matched words and synonyms, WZ codes, semantic similarity and
    distance. Filters, place and radius as in the search."""
    form = NeedForm(request.GET)
    need = form.to_need(limit=params.page_size)
    if form.field_errors:
        raise InputError("Invalid input: " + "; ".join(form.messages), form.field_errors)
    results = services.match(need)
    out = []
    for item in results.items:
        org = item.organisation
        reasons = item.reasons
        out.append(
            {
                "id": org.pk,
                "name": org.name,
                "url": request.build_absolute_uri(org.get_absolute_url()),
                "score": item.score,
                "reasons": {
                    "words": reasons.words,
                    "synonyms": reasons.synonyms,
                    "wz": [
                        {"code": r.code, "title": r.display_title, "source": r.source}
                        for r in reasons.wz
                    ],
                    "similarity": reasons.similarity,
                    "distance_km": round(reasons.distance_km, 2)
                    if reasons.distance_km is not None
                    else None,
                    "kind": reasons.kind,
                },
            }
        )
    return {
        "results": out,
        "suggested_wz": [
            {"code": s.code, "title": s.display_title, "score": round(s.score, 3)}
            for s in results.suggested_wz
        ],
        "total": results.total,
    }


# --- Requests and offers (/api/v1/postings) -------------------------------------------
# Open data: what the public list shows, never who posted it or an address.

postings_router = Router(tags=["postings"])


class PostingParams(Schema):
    q: str = Field("", max_length=200, description="Words to search for in the postings.")
    kind: list[str] = Field([], description="request or offer.")
    category: list[str] = Field([], description="material, product, service, capacity or knowhow.")
    urgency: list[str] = Field([], description="low, normal, high or urgent.")
    wz: list[str] = Field([], description="WZ 2008 sections (C) or divisions (25).")
    district: list[str] = Field([], description="District keys (AGS, 5 digits).")
    near: str = Field("", max_length=100, description="Postal code or place name.")
    radius: int | None = Field(None, description="Radius in km (10, 20, 30, 50, 100, 200).")
    sort: str = Field("", description="newest (default), deadline or distance (needs near).")
    page: int = Field(1, ge=1, le=10**6)
    page_size: int = Field(20, ge=1, le=100)


class WzOut(Schema):
    code: str
    title: str


class PostingOut(Schema):
    id: int
    kind: str
    category: str
    title: str
    description: str
    quantity: str
    deadline: str | None
    place: str
    lat: float | None
    lon: float | None
    radius_km: int | None
    district: str | None = Field(description="District key (AGS) of the region, if any.")
    wz: list[WzOut]
    urgency: str
    organisation_id: int
    organisation_name: str
    organisation_url: str
    expires_on: str
    published_at: str | None
    url: str
    demo: bool = Field(description="Generated demonstration data, no real posting.")


class FacetCountOut(Schema):
    value: str
    count: int


class PostingListOut(Schema):
    results: list[PostingOut]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetCountOut]]


def _posting_out(request: HttpRequest, posting: Any, codes: list[Any]) -> dict[str, Any]:
    return {
        "id": posting.pk,
        "kind": posting.kind,
        "category": posting.category,
        "title": posting.title,
        "description": posting.description,
        "quantity": posting.quantity,
        "deadline": posting.deadline.isoformat() if posting.deadline else None,
        "place": posting.place,
        "lat": posting.lat,
        "lon": posting.lon,
        "radius_km": posting.radius_km,
        "district": posting.district.ags if posting.district else None,
        "wz": [{"code": c.code, "title": c.title} for c in codes],
        "urgency": posting.urgency,
        "organisation_id": posting.organisation_id,
        "organisation_name": posting.organisation.name,
        "organisation_url": request.build_absolute_uri(posting.organisation.get_absolute_url()),
        "expires_on": posting.expires_on.isoformat(),
        "published_at": posting.published_at.isoformat() if posting.published_at else None,
        "url": request.build_absolute_uri(posting.get_absolute_url()),
        "demo": posting.is_demo,
    }


def _codes_of(postings: list[Any]) -> dict[int, list[Any]]:
    from .models import Posting

    through = Posting.wz_codes.through.objects.filter(  # type: ignore[attr-defined]
        posting_id__in=[p.pk for p in postings]
    ).select_related("wzcode")
    codes: dict[int, list[Any]] = {}
    for row in through.order_by("wzcode__code"):
        codes.setdefault(row.posting_id, []).append(row.wzcode)
    return codes


@postings_router.get(
    "/postings",
    response={200: PostingListOut, **errors(422)},
    summary="List open requests and offers",
)
def posting_list(request: HttpRequest, params: Query[PostingParams]) -> dict[str, Any]:
    """Open requests and offers (published, not expired), newest first, with the same
    filters as the page /gesuche/ and the counts of each filter's values."""
    from .postings.forms import PostingFilterForm
    from .postings.listing import list_postings

    form = PostingFilterForm(request.GET)
    query = form.to_filter(page_size=params.page_size)
    if form.field_errors:
        raise InputError("Invalid input: " + "; ".join(form.messages), form.field_errors)
    result = list_postings(query)
    codes = _codes_of(result.postings)
    return {
        "results": [_posting_out(request, p, codes.get(p.pk, [])) for p in result.postings],
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "facets": {
            name: [{"value": v, "count": n} for v, n in counts.items()]
            for name, counts in result.facets.items()
        },
    }


@postings_router.get(
    "/postings/{posting_id}",
    response={200: PostingOut, **errors(404, 422)},
    summary="One open request or offer",
)
def posting_detail(request: HttpRequest, posting_id: int) -> dict[str, Any]:
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from .models import Posting

    if not 0 < posting_id < 2**62:
        raise Http404
    posting = get_object_or_404(
        Posting.objects.public().select_related("organisation", "district"), pk=posting_id
    )
    return _posting_out(request, posting, list(posting.wz_codes.order_by("code")))
