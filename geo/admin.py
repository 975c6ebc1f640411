"""Back office for the reference geography.

The rows come from the official files (``manage.py import_geo``); the admin is for
looking things up and for the occasional correction. Boundaries are large, so list
views never load them and change forms show them read-only and shortened.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import District, Municipality, PostalCode, State

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

GEOMETRY_PREVIEW_CHARS = 1500


def _count_positions(geometry: dict[str, Any]) -> int:
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if geometry.get("type") == "Polygon" else coordinates
    return sum(len(ring) for polygon in polygons for ring in polygon)


class GeometryPreviewMixin:
    """A read-only, shortened view of the ``geometry`` JSON field."""

    @admin.display(description=_("boundary (GeoJSON)"))
    def geometry_preview(self, obj: State | District) -> str:
        geometry = obj.geometry
        if not geometry:
            return gettext("no boundary stored")
        text = json.dumps(geometry, separators=(",", ":"))
        summary = gettext("%(type)s, %(positions)d positions, %(size)d KB") % {
            "type": geometry.get("type", "?"),
            "positions": _count_positions(geometry),
            "size": max(1, round(len(text) / 1024)),
        }
        if len(text) > GEOMETRY_PREVIEW_CHARS:
            text = text[:GEOMETRY_PREVIEW_CHARS] + " …"
        return format_html(
            '<p>{}</p><pre style="{}">{}</pre>',
            summary,
            "white-space: pre-wrap; max-height: 12em; overflow: auto",
            text,
        )


class NameOnlyRelatedFilter(admin.RelatedFieldListFilter):
    """A related-object filter that loads only names, not the boundaries."""

    def field_choices(
        self, field: Any, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, str | _StrPromise]]:
        ordering = self.field_admin_ordering(field, request, model_admin) or ("name",)
        queryset = field.related_model._default_manager.only("pk", "name").order_by(*ordering)
        return [(str(obj.pk), str(obj)) for obj in queryset]


@admin.register(State)
class StateAdmin(GeometryPreviewMixin, admin.ModelAdmin):
    list_display = ("ags", "name")
    search_fields = ("name", "ags")
    fields = ("ags", "name", "geometry_preview")
    readonly_fields = ("geometry_preview",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[State]:
        # The change form loads the boundary on demand (one more query); lists never do.
        return super().get_queryset(request).defer("geometry")


@admin.register(District)
class DistrictAdmin(GeometryPreviewMixin, admin.ModelAdmin):
    list_display = ("ags", "name", "kind", "state", "population", "area_km2", "merged_into")
    list_select_related = ("state", "merged_into")
    list_filter = (
        ("state", NameOnlyRelatedFilter),
        ("merged_into", admin.EmptyFieldListFilter),
        "kind",
    )
    search_fields = ("name", "ags")
    ordering = ("ags",)
    autocomplete_fields = ("state", "merged_into")
    fields = (
        ("ags", "name"),
        ("kind", "state"),
        "nuts3",
        ("population", "area_km2", "population_date"),
        ("merged_into", "merged_on"),
        "geometry_preview",
    )
    readonly_fields = ("geometry_preview",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[District]:
        return super().get_queryset(request).defer("geometry", "merged_into__geometry")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[District], search_term: str
    ) -> tuple[QuerySet[District], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Autocomplete for other models (a site's district): dissolved districts only confuse.
        if request.path.endswith("/autocomplete/") and request.GET.get("model_name") != "district":
            queryset = queryset.filter(merged_into__isnull=True)
        return queryset, may_have_duplicates


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("ags", "name", "kind", "district", "latitude", "longitude")
    list_select_related = ("district",)
    list_filter = (("district__state", NameOnlyRelatedFilter), "kind")
    search_fields = ("name", "ags")
    ordering = ("ags",)
    autocomplete_fields = ("district",)
    readonly_fields = ("name_folded",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Municipality]:
        return super().get_queryset(request).defer("district__geometry")


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "place", "district", "state", "is_large_customer")
    list_select_related = ("district", "state")
    list_filter = ("is_large_customer", ("state", NameOnlyRelatedFilter))
    search_fields = ("code", "place")
    autocomplete_fields = ("state", "district")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PostalCode]:
        return super().get_queryset(request).defer("district__geometry", "state__geometry")
