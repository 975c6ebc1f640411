"""Back-office views of the classifications and vocabularies.

WZ codes are official data and come from the importer (``manage.py import_wz``); the
admin is for looking things up and for the autocomplete widgets of other admins.
Changes made here are overwritten by the next import.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .choices import WzVersion
from .models import CertificationStandard, GrowthField, Technology, WzCode, WzCorrespondence


def _change_link(code: WzCode) -> tuple[str, str]:
    return (reverse("admin:classification_wzcode_change", args=[code.pk]), str(code))


def _link_list(links: list[tuple[str, str]]) -> SafeString:
    if not links:
        return format_html("{}", "–")
    return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links))


class WzCorrespondenceInline(admin.TabularInline):
    """Links of a WZ 2025 item, shown read-only: they are official and re-imported."""

    model = WzCorrespondence
    fk_name = "wz2025"
    fields = ["wz2008", "is_partial"]
    readonly_fields = ["wz2008", "is_partial"]
    extra = 0
    can_delete = False
    verbose_name = _("WZ 2008 correspondence")
    verbose_name_plural = _("WZ 2008 correspondences")

    def has_add_permission(self, request: HttpRequest, obj: WzCode | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[WzCorrespondence]:
        return super().get_queryset(request).select_related("wz2008")


@admin.register(WzCode)
class WzCodeAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "level", "title"]
    list_display_links = ["code", "title"]
    list_filter = ["version", "level", "section"]
    # "^code" so that typing "20.2" in an autocomplete lists 20.2x first and only;
    # the notes are searched because staff look for activities, not titles. Excludes
    # are left out on purpose: a hit there means the item does NOT cover the term.
    search_fields = [
        "^code",
        "title",
        "title_long",
        "explanatory_title",
        "title_en",
        "includes",
        "also_includes",
        "remarks",
    ]
    ordering = ["version", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["children_list", "wz2025_sources"]
    fieldsets = [
        (None, {"fields": ["version", "code", "level", "section", "parent"]}),
        (
            _("Titles"),
            {
                "fields": [
                    "title",
                    "title_long",
                    "title_mid",
                    "title_short",
                    "explanatory_title",
                    "title_en",
                ]
            },
        ),
        (_("Notes"), {"fields": ["remarks", "includes", "also_includes", "excludes"]}),
        (_("Hierarchy and correspondence"), {"fields": ["children_list", "wz2025_sources"]}),
    ]
    show_full_result_count = False

    def get_inlines(self, request: HttpRequest, obj: WzCode | None) -> list[type]:
        if obj is not None and obj.version == WzVersion.WZ2025:
            return [WzCorrespondenceInline]
        return []

    @admin.display(description=_("sub-items"))
    def children_list(self, obj: WzCode) -> SafeString:
        if obj.pk is None:
            return _link_list([])
        return _link_list([_change_link(child) for child in obj.children.order_by("code")])

    @admin.display(description=_("WZ 2025 items drawing on this code"))
    def wz2025_sources(self, obj: WzCode) -> SafeString:
        if obj.pk is None or obj.version != WzVersion.WZ2008:
            return format_html("{}", "–")
        links = obj.from_wz2025.select_related("wz2025").order_by("wz2025__code")
        return _link_list(
            [
                (
                    _change_link(link.wz2025)[0],
                    f"{link.wz2025}{' (ex)' if link.is_partial else ''}",
                )
                for link in links
            ]
        )


@admin.register(WzCorrespondence)
class WzCorrespondenceAdmin(admin.ModelAdmin):
    list_display = ["wz2025", "wz2008", "is_partial"]
    list_filter = ["is_partial"]
    search_fields = ["^wz2025__code", "^wz2008__code", "wz2025__title", "wz2008__title"]
    autocomplete_fields = ["wz2025", "wz2008"]
    list_select_related = ["wz2025", "wz2008"]
    ordering = ["wz2025__code", "wz2008__code"]


class VocabularyAdmin(admin.ModelAdmin):
    """Shared set-up: the slug follows the German name until someone edits it."""

    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]


@admin.register(Technology)
class TechnologyAdmin(VocabularyAdmin):
    list_display = ["name", "name_en", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_en", "synonyms", "description"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    fields = ["name", "name_en", "slug", "parent", "synonyms", "description"]


@admin.register(GrowthField)
class GrowthFieldAdmin(VocabularyAdmin):
    fields = ["name", "name_en", "slug", "description"]


@admin.register(CertificationStandard)
class CertificationStandardAdmin(VocabularyAdmin):
    fields = ["name", "name_en", "slug", "description"]
