"""The search page, its htmx partials, autocomplete, the map's clusters and the exports.

Views parse the URL through ``SearchForm`` and call ``search.services``; they never
talk to an engine.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Column, export_response
from directory.choices import OrganisationKind
from directory.services import BOUNDARY_ATTRIBUTION

from . import content_views, pages, registry, services
from .content import ORGANISATION
from .forms import MAX_PAGE, PAGE_SIZE, RADIUS_CHOICES, SORT_LABELS, SearchForm
from .partial import ANY_WORDS_PARAM, ANY_WORDS_VALUE, UsedSpelling
from .query import SORTS, BBox, SearchQuery

EXPORT_LIMIT = 50_000
EXPORT_FILENAME = "suche"
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


def refused_results(form: SearchForm, query: SearchQuery) -> services.SearchResults:
    """No results for a search with a refused value, and the search without it, counted."""
    counted = services.search(replace(query, offset=0, limit=0, facets=False), relax=False)
    relaxations = []
    if counted.total:
        names = dict.fromkeys(
            str(form.fields[name].label) for name in form.refused if name in form.fields
        )
        label = _("without what was not understood (%(fields)s)") % {"fields": ", ".join(names)}
        relaxations.append(services.Relaxation(label, form.refused, counted.total))
    return services.SearchResults(
        query=query,
        plan=counted.plan,
        items=[],
        total=0,
        facets=[],
        relaxations=relaxations,
        milliseconds=counted.milliseconds,
    )


def _need_url(text: str) -> str:
    """The need page (the matching) for this search's words."""
    base = reverse("sourcing:need")
    return f"{base}?{urlencode({'q': text})}" if text else base


def _replaced(text: str, spelling: UsedSpelling) -> str:
    """The search text with a corrected word replaced by the first word found for it."""
    if not spelling.used:
        return text
    return re.sub(
        rf"(?<!\w){re.escape(spelling.word)}(?!\w)", lambda _m: spelling.used[0], text, count=1
    )


def _with_any_words(request: HttpRequest, query: SearchQuery) -> SearchQuery:
    """The page's query with ``?words=any`` (the organisations with some of the words);
    the API has no such parameter and answers what has every word."""
    if request.GET.get(ANY_WORDS_PARAM) == ANY_WORDS_VALUE and query.text:
        query.any_word = True
    return query


@pages.kept
def search_page(request: HttpRequest) -> HttpResponse:
    """The organisations for the words, and what else they find (``content_views``);
    ``?type=<name>`` lists the hits of one other type."""
    type_name = request.GET.get("type", "")
    unknown_type = False
    if type_name and type_name != ORGANISATION:
        try:
            doc_type = registry.get(type_name)
        except LookupError:
            unknown_type = True
        else:
            if not doc_type.specialised:
                return content_views.content_page(request, doc_type)
    form = SearchForm(request.GET)
    if unknown_type:
        form.messages.append(
            _("There is no kind of content “%(type)s”; showing organisations.")
            % {"type": type_name[:40]}
        )
    query = _with_any_words(request, form.to_query(PAGE_SIZE))
    results = refused_results(form, query) if form.refuses else services.search(query)
    paginator = Paginator(range(min(results.total, PAGE_SIZE * MAX_PAGE)), PAGE_SIZE)
    page_number = query.offset // PAGE_SIZE + 1
    page = paginator.get_page(page_number)
    missing_page = None
    if results.total and page_number > paginator.num_pages:
        # Past the end: say so and lead to the last page, never "page 10 of 10, no match".
        missing_page = {
            "number": getattr(form, "requested_page", None) or page_number,
            "last": paginator.num_pages,
            "url": f"?{_params_without(request, 'page')}&page={paginator.num_pages}",
        }
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
        "missing_page": missing_page,
        "need_url": _need_url(query.text),
        "any_words_url": _url_with(request, {ANY_WORDS_PARAM: [ANY_WORDS_VALUE]}),
        "any_words": query.any_word,
        "every_word_url": _url_with(request, {ANY_WORDS_PARAM: []}),
        "corrections": [
            {"spelling": c, "url": _url_with(request, {"q": [_replaced(query.text, c)]})}
            for c in results.corrections
        ],
        "groups": content_views.groups_for(request, query.text) if query.offset == 0 else [],
    }
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "search/_results.html" if partial else "search/search.html"
    # htmx swaps no error answers: its partial says the same with a 200.
    status = 404 if missing_page and not partial else 200
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def suggestions(request: HttpRequest) -> HttpResponse:
    """Autocomplete: an htmx partial (a list of links), or JSON for other callers."""
    text = request.GET.get("q", "")
    found = services.suggest(text, user=request.user)
    if request.htmx or request.GET.get("format") == "html":  # type: ignore[attr-defined]
        return render(request, "search/_suggestions.html", {"suggestions": found, "text": text})
    return JsonResponse(
        {
            "suggestions": [
                {"label": s.label, "url": s.url, "kind": s.kind, "kind_label": s.kind_label}
                for s in found
            ]
        }
    )


@pages.kept_for_everyone
def map_clusters(request: HttpRequest) -> JsonResponse:
    """GeoJSON for one map viewport: single organisations or precomputed clusters."""
    form = SearchForm(request.GET)
    query = _with_any_words(request, form.to_query(limit=0))
    if query.bbox is None:
        query.bbox = BBox(-90, -180, 90, 180)
    raw_zoom = request.GET.get("zoom", "8")
    if not re.fullmatch(r"-?[0-9]{1,3}", raw_zoom):
        return JsonResponse({"error": _("zoom must be a whole number from 0 to 18")}, status=400)
    zoom = max(0, min(MAX_ZOOM, int(raw_zoom)))
    if form.refuses:
        # A refused value must not put every organisation on the map.
        return JsonResponse(
            {
                "type": "FeatureCollection",
                "features": [],
                "total": 0,
                "clustered": False,
                "messages": form.messages,
            }
        )
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


# The public exports' columns: what the result list shows, never a contact person
# (harvesting); staff export contacts from the back office (directory.exporting).
EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("id", gettext_lazy("Portal ID")),
    Column("name", gettext_lazy("Name")),
    Column("kind", gettext_lazy("Kind")),
    Column("website", gettext_lazy("Website")),
    Column("street", gettext_lazy("Street")),
    Column("postal_code", gettext_lazy("Postal code")),
    Column("place", gettext_lazy("Place")),
    Column("district", gettext_lazy("District")),
    Column("wz", gettext_lazy("WZ 2008 code")),
    Column("latitude", gettext_lazy("Latitude")),
    Column("longitude", gettext_lazy("Longitude")),
    Column("url", gettext_lazy("Profile")),
)


def _export_ids(request: HttpRequest) -> tuple[list[int], SearchForm]:
    form = SearchForm(request.GET)
    query = _with_any_words(request, form.to_query(limit=PAGE_SIZE))
    if form.refuses:
        return [], form
    return services.search_ids(query, EXPORT_LIMIT), form


def _refused_export(request: HttpRequest, form: SearchForm) -> HttpResponse:
    """A refused value exports nothing (never the whole directory): the page says why."""
    return render(
        request,
        "search/export_refused.html",
        {
            "problems": form.messages,
            "search_url": f"{reverse('search:search')}?{request.GET.urlencode()}",
        },
        status=400,
    )


def _rows(ids: list[int], request: HttpRequest, labels: bool = False) -> Any:
    """Export rows of ``ids``: with ``labels`` the kind as people read it (spreadsheets),
    else its code (GeoJSON for programs)."""
    kinds = dict(OrganisationKind.choices) if labels else {}
    for start in range(0, len(ids), 1000):
        for org in services.organisations_for(ids[start : start + 1000]):
            site = next(iter(org.primary_site_list), None)  # type: ignore[attr-defined]
            yield {
                "id": org.pk,
                "name": org.name,
                "kind": str(kinds.get(org.kind, org.kind)),
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


def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """CSV as German Excel opens it: UTF-8 with BOM, ``;``, titles in the page's language,
    formulas guarded (``core.exports``)."""
    ids, form = _export_ids(request)
    if form.refuses:
        return _refused_export(request, form)
    return export_response(
        _rows(ids, request, labels=True), EXPORT_COLUMNS, "csv", EXPORT_FILENAME, stream=True
    )


def export_xlsx(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    ids, form = _export_ids(request)
    if form.refuses:
        return _refused_export(request, form)
    return export_response(
        _rows(ids, request, labels=True), EXPORT_COLUMNS, "xlsx", EXPORT_FILENAME
    )


def export_geojson(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    ids, form = _export_ids(request)
    if form.refuses:
        return _refused_export(request, form)

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
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}.geojson"'
    return response
