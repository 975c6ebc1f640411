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

from django.db.models import Count, Max, Q, QuerySet
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


def base_queryset(today: datetime.date | None = None) -> QuerySet[Posting]:
    return Posting.objects.public(today)


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
            # The index holds every level of a WZ code; the list counts sections and
            # divisions, as its filter offers them.
            facets = {
                name: {v: n for v, n in counts.items() if name != "wz" or len(v) <= 2}
                for name, counts in facets.items()
            }
            # Open ones only, should the index lag behind a write by a moment.
            by_id = base_queryset().select_related("organisation", "district").in_bulk(ids)
            postings = [by_id[i] for i in ids if i in by_id]
            if f.center:
                distances = _within(
                    f.__class__(lat=f.lat, lon=f.lon), [(p.pk, p.lat, p.lon) for p in postings]
                )
            return PostingPage(postings, total, facets, page, page_size, distances)
    text_ids: set[int] | None = None
    if f.text:  # no content index: the words in title or description
        text_ids = set(base_queryset().filter(_text_q(f.text)).values_list("pk", flat=True))
    rows, facets, distances = _select(f, _snapshot(), text_ids)
    if f.sort == "distance" and f.center:
        rows.sort(key=lambda r: (distances.get(r.pk, math.inf), -r.pk))
    elif f.sort == "deadline":
        rows.sort(key=lambda r: (r.deadline, -r.pk))
    total = len(rows)
    ids = [r.pk for r in rows[offset : offset + page_size]]
    by_id = Posting.objects.select_related("organisation", "district").in_bulk(ids)
    postings = [by_id[i] for i in ids if i in by_id]
    return PostingPage(postings, total, facets, page, page_size, distances)


# -- the open postings in memory --------------------------------------------------------
# The list is filtered, counted and sorted over a compact snapshot of the open postings'
# filter values (a few hundred kB at 10,000), rebuilt when a posting changes: the
# snapshot's key (count, newest change, day) is one indexed aggregate per request. Only
# the page's postings are read in full.


@dataclass(frozen=True)
class _Row:
    pk: int
    kind: str
    category: str
    urgency: str
    district: str
    wz: frozenset[str]
    lat: float | None
    lon: float | None
    deadline: int  # ordinal; no deadline sorts last


_cache: dict[str, Any] = {}


def _snapshot() -> list[_Row]:
    """The open postings, newest first."""
    today = timezone.localdate()
    state = Posting.objects.aggregate(n=Count("pk"), last=Max("modified"))
    key = (state["n"], state["last"], today)
    cached = _cache.get("rows")
    if cached is not None and cached[0] == key:
        return list(cached[1])
    through = Posting.wz_codes.through  # type: ignore[attr-defined]
    open_ids = base_queryset(today).values("pk")
    wz: dict[int, set[str]] = {}
    for pk, code, section in through.objects.filter(posting_id__in=open_ids).values_list(
        "posting_id", "wzcode__code", "wzcode__section"
    ):
        wz.setdefault(pk, set()).update((section, code[:2], code))
    never = datetime.date.max.toordinal()
    rows = [
        _Row(
            pk,
            kind,
            category,
            urgency,
            ags or "",
            frozenset(wz.get(pk, ())),
            lat,
            lon,
            deadline.toordinal() if deadline else never,
        )
        for pk, kind, category, urgency, ags, lat, lon, deadline in base_queryset(today)
        .order_by("-published_at", "-pk")
        .values_list("pk", "kind", "category", "urgency", "district__ags", "lat", "lon", "deadline")
    ]
    _cache["rows"] = (key, rows)
    return list(rows)


def _select(
    f: PostingFilter, rows: list[_Row], text_ids: set[int] | None
) -> tuple[list[_Row], dict[str, dict[str, int]], dict[int, float]]:
    """The rows that pass every filter; the facet counts (each over the rows that pass
    every filter but its own); the distances from the centre where there is one."""
    wanted = {name: set(getattr(f, name)) for name in FACETS if getattr(f, name)}
    if "wz" in wanted:
        wanted["wz"] = {v.upper() if v.isalpha() else v for v in wanted["wz"]}
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    distances: dict[int, float] = {}
    selected: list[_Row] = []
    center = f.center
    box = None
    if center and f.radius_km:
        dlat = f.radius_km / 110.0
        dlon = f.radius_km / (110.0 * max(0.01, math.cos(math.radians(center[0]))))
        box = (center[0] - dlat, center[0] + dlat, center[1] - dlon, center[1] + dlon)
    for row in rows:
        if text_ids is not None and row.pk not in text_ids:
            continue
        if center is not None:
            if row.lat is None or row.lon is None:
                if f.radius_km:
                    continue
            else:
                if box and not (box[0] <= row.lat <= box[1] and box[2] <= row.lon <= box[3]):
                    continue
                d = haversine_km(center[0], center[1], row.lat, row.lon)
                if f.radius_km and d > f.radius_km:
                    continue
                distances[row.pk] = d
        failed = ""
        fails = 0
        for name, values in wanted.items():
            ok = bool(row.wz & values) if name == "wz" else getattr(row, name) in values
            if not ok:
                fails += 1
                failed = name
                if fails > 1:
                    break
        if fails > 1:
            continue
        for name in FACETS if not fails else (failed,):
            if name == "wz":
                for key in row.wz:
                    if len(key) <= 2:  # sections and divisions
                        counts["wz"][key] += 1
            else:
                value = getattr(row, name)
                if value:
                    counts[name][value] += 1
        if not fails:
            selected.append(row)
    facets = {name: dict(counter.most_common()) for name, counter in counts.items()}
    return selected, facets, distances


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
        rows, _facets, _distances = _select(f, _snapshot(), None)
        ids = [r.pk for r in rows if r.lat is not None and r.lon is not None][:limit]
        by_id = Posting.objects.in_bulk(ids)
        postings = [by_id[i] for i in ids if i in by_id]
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
