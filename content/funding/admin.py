"""Back office: funding programmes with their calls and history, the "checked today"
action, and a flag on programmes not checked for ``FUNDING_CHECK_DAYS``."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Call, Follow, Programme


class CallInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Call
    extra = 1
    fields = ("title", "opens", "closes")


class CheckDueFilter(admin.SimpleListFilter):
    title = _("check")
    parameter_name = "check"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("due", _("due for a check"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "due":
            limit = timezone.localdate() - datetime.timedelta(days=settings.FUNDING_CHECK_DAYS)
            return queryset.filter(Q(last_checked__isnull=True) | Q(last_checked__lt=limit))
        return queryset


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "provider",
        "level",
        "funding_type",
        "status",
        "checked",
        "source",
    )
    list_filter = ("status", "level", "funding_type", CheckDueFilter, "source", "growth_fields")
    search_fields = ("name", "provider", "summary", "conditions")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("growth_fields", "districts")
    readonly_fields = ("source", "public_page")
    inlines = [CallInline]
    actions = ["mark_checked_today"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "provider", "status", "public_page", "source")}),
        (
            _("Who and where"),
            {"fields": ("level", "state", "districts", "target_groups", "company_sizes")},
        ),
        (_("What"), {"fields": ("topics", "growth_fields", "wz_sections", "funding_type")}),
        (
            _("How much and when"),
            {"fields": ("max_amount", "funding_rate", "continuous", "url", "last_checked")},
        ),
        (_("Texts"), {"fields": ("summary", "conditions")}),
    )

    @admin.display(description=_("last checked"), ordering="last_checked")
    def checked(self, programme: Programme) -> str:
        shown = programme.last_checked.isoformat() if programme.last_checked else "–"
        if programme.is_stale():
            return format_html("{} <strong>{}</strong>", shown, _("due for a check"))
        return shown

    @admin.display(description=_("public page"))
    def public_page(self, programme: Programme) -> str:
        if programme.pk is None:
            return "–"
        return format_html('<a href="{0}">{0}</a>', programme.get_absolute_url())

    @admin.action(description=_("Mark selected programmes as checked today"))
    def mark_checked_today(self, request: HttpRequest, queryset: QuerySet[Programme]) -> None:
        count = services.mark_checked(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d programme marked as checked today.",
                "%(count)d programmes marked as checked today.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who follows what: administrators only (personal data)."""

    list_display = ("programme", "user", "created")
    list_select_related = ("programme", "user")
    search_fields = ("programme__name",)
    readonly_fields = ("user", "programme", "created")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
