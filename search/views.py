"""The search page, its htmx partials, autocomplete, the map's clusters and the exports.

Views parse the URL through ``SearchForm`` and call ``search.services``; they never
talk to an engine.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from directory.services import BOUNDARY_ATTRIBUTION

from . import services
from .forms import PAGE_SIZE, RADIUS_CHOICES, SORT_LABELS, SearchForm
from .query import SORTS, BBox

EXPORT_LIMIT = 50_000
MAX_ZOOM = 18


def _params_without(request: HttpRequest, *names: str) -> str:
    items = [(k, v) for k, values in request.GET.lists() for v in values if k not in names and v]
    return urlencode(items)


def _url_with(request: HttpRequest, changes: dict[str, list[str]]) -> str:
    """This search's URL with some parameters replaced (an empty list removes them)."""
    params = {k: v for k, v in request.GET.lists() if k not in changes and k != "page"}
    params.update({k: v for k, v in changes.items() if v})
    items = [(k, v) for k, values in params.items() for v in values if v]
    return f"{reverse('search:search')}?{urlencode(items)}"


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.to_query(PAGE_SIZE)
    results = services.search(query)
    paginator = Paginator(range(min(results.total, PAGE_SIZE * 500)), PAGE_SIZE)
    page_number = query.offset // PAGE_SIZE + 1
    page = paginator.get_page(page_number)
    facet_links: list[dict[str, Any]] = []
    for facet in results.facets:
        chosen = query.filters.get(facet.name, [])
        values = []
        for value in facet.values:
            if facet.name == "wz":
                toggled = [value.value]
            elif value.selected:
                toggled = [v for v in chosen if v != value.value]
            else:
                toggled = [*chosen, value.value]
            values.append({"value": value, "url": _url_with(request, {facet.name: toggled})})
        trail = [
            {"value": crumb, "url": _url_with(request, {"wz": [crumb.value]})}
            for crumb in facet.trail
        ]
        clear = _url_with(request, {facet.name: []}) if chosen else ""
        facet_links.append({"facet": facet, "values": values, "trail": trail, "clear": clear})
    context = {
        "form": form,
        "query": query,
        "results": results,
        "facets": facet_links,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        if results.total
        else [],
        "page_params": _params_without(request, "page"),
        "relaxations": [
            {"relaxation": r, "url": _url_with(request, r.params)} for r in results.relaxations
        ],
        "radius_choices": RADIUS_CHOICES,
        "sorts": [(s, SORT_LABELS[s]) for s in SORTS],
        "export_params": _params_without(request, "page"),
        "map_config": {
            "clusters": reverse("search:map"),
            "boundaries": reverse("search:boundaries"),
            "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
            "boundary_attribution": BOUNDARY_ATTRIBUTION,
        },
        "has_filters": bool(query.filters or query.center),
    }
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "search/_results.html" if partial else "search/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def suggestions(request: HttpRequest) -> HttpResponse:
    """Autocomplete: an htmx partial (a list of links), or JSON for other callers."""
    text = request.GET.get("q", "")
    found = services.suggest(text)
    if request.htmx or request.GET.get("format") == "html":  # type: ignore[attr-defined]
        return render(request, "search/_suggestions.html", {"suggestions": found, "text": text})
    return JsonResponse(
        {"suggestions": [{"label": s.label, "url": s.url, "kind": s.kind} for s in found]}
    )


def map_clusters(request: HttpRequest) -> JsonResponse:
    """GeoJSON for one map viewport: single organisations or precomputed clusters."""
    form = SearchForm(request.GET)
    query = form.to_query(limit=0)
    if query.bbox is None:
        query.bbox = BBox(-90, -180, 90, 180)
    try:
        zoom = max(0, min(MAX_ZOOM, int(request.GET.get("zoom", "8"))))
    except ValueError:
        return JsonResponse({"error": _("zoom must be a whole number from 0 to 18")}, status=400)
    clusters, total = services.map_clusters(query, zoom)
    single = [c.id for c in clusters if c.id is not None]
    names = services.names_and_urls(single) if single else {}
    features = []
    for cluster in clusters:
        properties: dict[str, Any] = {"count": cluster.count}
        if cluster.id is not None:
            if cluster.id not in names:
                # Deleted or unpublished since the index last heard of it: no marker,
                # just as the result list leaves it out.
                continue
            name, url = names[cluster.id]
            properties.update(id=cluster.id, name=name, url=url)
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(cluster.lon, 5), round(cluster.lat, 5)],
                },
                "properties": properties,
            }
        )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "total": total,
            "clustered": any(c.id is None for c in clusters),
            "messages": form.messages,
        }
    )


def boundaries(request: HttpRequest) -> JsonResponse:
    """District boundaries of the portal's state (drawn even when no tiles are reachable)."""
    from geo.models import District

    districts = District.objects.current().in_state(settings.PORTAL_STATE_AGS)
    features = [
        {
            "type": "Feature",
            "geometry": d.geometry,
            "properties": {"ags": d.ags, "name": d.name},
        }
        for d in districts
        if d.geometry
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=86400"
    return response


EXPORT_COLUMNS = (
    "id",
    "name",
    "kind",
    "website",
    "street",
    "postal_code",
    "place",
    "district",
    "wz",
    "latitude",
    "longitude",
    "url",
)


def _export_rows(request: HttpRequest) -> tuple[list[Any], Any]:
    form = SearchForm(request.GET)
    query = form.to_query(limit=PAGE_SIZE)
    ids = services.search_ids(query, EXPORT_LIMIT)
    return ids, query


def _rows(ids: list[int], request: HttpRequest) -> Any:
    for start in range(0, len(ids), 1000):
        for org in services.organisations_for(ids[start : start + 1000]):
            site = next(iter(org.primary_site_list), None)  # type: ignore[attr-defined]
            yield {
                "id": org.pk,
                "name": org.name,
                "kind": org.kind,
                "website": org.website,
                "street": site.street if site else "",
                "postal_code": site.postal_code if site else "",
                "place": site.place if site else "",
                "district": site.district.name if site and site.district else "",
                "wz": org.primary_wz.code if org.primary_wz else "",
                "latitude": site.latitude if site else None,
                "longitude": site.longitude if site else None,
                "url": request.build_absolute_uri(org.get_absolute_url()),
            }


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    ids, _query = _export_rows(request)
    writer = csv.DictWriter(_Echo(), fieldnames=EXPORT_COLUMNS)  # type: ignore[arg-type]

    def stream() -> Any:
        yield "\ufeff" + writer.writeheader()
        for row in _rows(ids, request):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="suche.csv"'
    return response


def export_geojson(request: HttpRequest) -> StreamingHttpResponse:
    ids, _query = _export_rows(request)

    def stream() -> Any:
        yield '{"type": "FeatureCollection", "features": ['
        first = True
        for row in _rows(ids, request):
            if row["latitude"] is None or row["longitude"] is None:
                continue
            lat, lon = row.pop("latitude"), row.pop("longitude")
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": row,
            }
            yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
            first = False
        yield "]}"

    response = StreamingHttpResponse(stream(), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="suche.geojson"'
    return response
