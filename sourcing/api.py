"""The matching as JSON: a need in the firm's own words, the organisations that fit.

Parameters are the search's (``/api/v1/search``: same names, same validation), with
a longer text; each result says why it was found.
"""

from __future__ import annotations

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
