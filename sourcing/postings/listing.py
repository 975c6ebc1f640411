"""The public list of requests and offers (``/gesuche/``, ``/api/v1/postings``, the map).

One service, ``list_postings``, answers a page, the total and the facet counts (each
honouring every filter but its own). Without words it reads the database through the
indexes of ``Posting``; with words it asks the main search (``search.content``), which
knows the postings' texts, and loads the page's postings in one query.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from geo.geocoding import haversine_km

from ..choices import PostingCategory, PostingKind, Urgency
from ..models import Posting

Sort = Literal["newest", "deadline", "distance"]
SORTS: tuple[Sort, ...] = ("newest", "deadline", "distance")
FACETS = ("kind", "category", "urgency", "wz", "district")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class PostingFilter:
    text: str = ""
    kind: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    urgency: list[str] = field(default_factory=list)
    wz: list[str] = field(default_factory=list)  # sections ("C") or divisions ("25")
    district: list[str] = field(default_factory=list)  # AGS
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    sort: Sort = "newest"
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def center(self) -> tuple[float, float] | None:
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)


@dataclass
class PostingPage:
    postings: list[Posting]
    total: int
    facets: dict[str, dict[str, int]]
    page: int
    page_size: int
    distances: dict[int, float] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def _bbox(lat: float, lon: float, radius_km: float) -> Q:
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(0.01, math.cos(math.radians(lat))))
    return Q(lat__gte=lat - dlat, lat__lte=lat + dlat, lon__gte=lon - dlon, lon__lte=lon + dlon)


def _facet_q(name: str, values: list[str]) -> Q:
    if name == "wz":
        q = Q()
        for value in values:
            if value.isalpha():
                q |= Q(wz_codes__section=value.upper())
            else:
                q |= Q(wz_codes__code__startswith=value[:2] + ".") | Q(wz_codes__code=value)
        if not q:
            return Q()
        return Q(pk__in=Posting.objects.filter(q).values("pk"))
    if name == "district":
        return Q(district__ags__in=values)
    return Q(**{f"{name}__in": values})


def base_queryset(today: datetime.date | None = None) -> QuerySet[Posting]:
    return Posting.objects.public(today)


def _filtered(f: PostingFilter, without: str = "") -> QuerySet[Posting]:
    qs = base_queryset()
    for name in FACETS:
        values = getattr(f, name)
        if values and name != without:
            qs = qs.filter(_facet_q(name, values))
    if f.center and f.radius_km:
        qs = qs.filter(_bbox(f.lat, f.lon, f.radius_km))  # type: ignore[arg-type]
    return qs


def _within(
    f: PostingFilter, rows: list[tuple[int, float | None, float | None]]
) -> dict[int, float]:
    """Exact distances of rows (id, lat, lon) from the centre; those outside the radius
    are left out where there is a radius."""
    assert f.lat is not None and f.lon is not None
    found: dict[int, float] = {}
    for pk, lat, lon in rows:
        if lat is None or lon is None:
            continue
        d = haversine_km(f.lat, f.lon, lat, lon)
        if f.radius_km is None or d <= f.radius_km:
            found[pk] = d
    return found


def _facet_counts(f: PostingFilter, radius_ids: set[int] | None) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {}
    for name in FACETS:
        qs = _filtered(f, without=name)
        if radius_ids is not None:
            qs = qs.filter(pk__in=radius_ids)
        if name == "wz":
            counter: Counter[str] = Counter()
            pairs = Posting.wz_codes.through.objects.filter(  # type: ignore[attr-defined]
                posting_id__in=qs.values("pk")
            ).values_list("posting_id", "wzcode__code", "wzcode__section")
            seen: set[tuple[int, str]] = set()
            for pk, code, section in pairs:
                for key in (section, code[:2]):
                    if (pk, key) not in seen:
                        seen.add((pk, key))
                        counter[key] += 1
            facets[name] = dict(counter.most_common())
            continue
        column = "district__ags" if name == "district" else name
        rows = qs.order_by().values_list(column).annotate(n=_count())
        facets[name] = {str(v): n for v, n in sorted(rows, key=lambda r: -r[1]) if v}
    return facets


def _count() -> Any:
    from django.db.models import Count

    return Count("pk")


def _search_ids(f: PostingFilter) -> tuple[list[int], int, dict[str, dict[str, int]]] | None:
    """The words' page through the main search, or None where it has no content index."""
    try:
        from search.content import ContentQuery, search_content
    except ImportError:
        return None
    result = search_content(
        ContentQuery(
            type="posting",
            text=f.text,
            filters={n: list(getattr(f, n)) for n in FACETS if getattr(f, n)},
            lat=f.lat,
            lon=f.lon,
            radius_km=f.radius_km if f.center else None,
            page=f.page,
            page_size=f.page_size,
        )
    )
    return [h.id for h in result.hits], result.total, result.facets


def _text_q(text: str) -> Q:
    q = Q()
    for word in text.split()[:10]:
        q &= Q(title__icontains=word) | Q(description__icontains=word)
    return q


def list_postings(f: PostingFilter) -> PostingPage:
    """One page of open postings with the total and the facet counts."""
    page_size = max(1, min(f.page_size, MAX_PAGE_SIZE))
    page = max(1, f.page)
    f.page, f.page_size = page, page_size
    offset = (page - 1) * page_size
    distances: dict[int, float] = {}
    if f.text:
        searched = _search_ids(f)
        if searched is not None:
            ids, total, facets = searched
            by_id = Posting.objects.select_related("organisation", "district").in_bulk(ids)
            postings = [by_id[i] for i in ids if i in by_id]
            if f.center:
                distances = _within(
                    f.__class__(lat=f.lat, lon=f.lon), [(p.pk, p.lat, p.lon) for p in postings]
                )
            return PostingPage(postings, total, facets, page, page_size, distances)
    qs = _filtered(f)
    if f.text:
        qs = qs.filter(_text_q(f.text))
    radius_ids: set[int] | None = None
    if f.center and (f.radius_km or f.sort == "distance"):
        distances = _within(f, list(qs.values_list("pk", "lat", "lon")))
        if f.radius_km:
            radius_ids = set(distances)
            qs = qs.filter(pk__in=radius_ids)
    if f.sort == "distance" and f.center:
        ordered = sorted(distances, key=lambda pk: (distances[pk], -pk))
        total = len(ordered)
        ids = ordered[offset : offset + page_size]
        by_id = Posting.objects.select_related("organisation", "district").in_bulk(ids)
        postings = [by_id[i] for i in ids if i in by_id]
    else:
        if f.sort == "deadline":
            qs = qs.order_by(F("deadline").asc(nulls_last=True), "-pk")
        else:
            qs = qs.order_by("-published_at", "-pk")
        total = qs.count()
        postings = list(qs.select_related("organisation", "district")[offset : offset + page_size])
    facets = _facet_counts_text(f, radius_ids) if f.text else _facet_counts(f, radius_ids)
    return PostingPage(postings, total, facets, page, page_size, distances)


def _facet_counts_text(f: PostingFilter, radius_ids: set[int] | None) -> dict[str, dict[str, int]]:
    ids = set(_filtered(PostingFilter()).filter(_text_q(f.text)).values_list("pk", flat=True))
    return _facet_counts(f, ids if radius_ids is None else ids & radius_ids)


def facet_label(name: str, value: str) -> str:
    labels: dict[str, Any] = {
        "kind": dict(PostingKind.choices),
        "category": dict(PostingCategory.choices),
        "urgency": dict(Urgency.choices),
    }
    return str(labels.get(name, {}).get(value, value))


def map_features(f: PostingFilter, limit: int = 1000) -> dict[str, Any]:
    """GeoJSON of the filtered postings that have a place (at most ``limit``)."""
    if f.text:
        first = PostingFilter(**{**f.__dict__, "page": 1, "page_size": MAX_PAGE_SIZE})
        postings = list_postings(first).postings
    else:
        qs = _filtered(f).exclude(lat__isnull=True).exclude(lon__isnull=True)
        if f.center and f.radius_km:
            inside = _within(f, list(qs.values_list("pk", "lat", "lon")))
            qs = qs.filter(pk__in=list(inside))
        postings = list(qs.order_by("-published_at", "-pk")[:limit])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(p.lon, 5), round(p.lat, 5)]},
            "properties": {
                "id": p.pk,
                "title": p.title,
                "kind": p.kind,
                "category": p.category,
                "url": p.get_absolute_url(),
            },
        }
        for p in postings
        if p.lat is not None and p.lon is not None
    ]
    return {"type": "FeatureCollection", "features": features}


def today() -> datetime.date:
    return timezone.localdate()
