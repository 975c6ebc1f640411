"""Back office: topics, experts, teams and routing rules (administrators). The cases
themselves are worked in the inbox (/intern/anfragen/), not here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Expert, InquiryTopic, RoutingRule, Team


@admin.register(InquiryTopic)
class InquiryTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Expert)
class ExpertAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "email", "team", "contact_visibility", "active"]
    list_filter = ["active", "team", "contact_visibility", "topics"]
    search_fields = ["name", "email", "role", "responsibility"]
    filter_horizontal = ["topics", "growth_fields", "districts"]
    raw_id_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["name", "role", "email", "phone", "user", "team", "active"]}),
        (
            _("Team page"),
            {
                "fields": ["responsibility", "contact_visibility"],
                "description": _(
                    "The public team page of the cluster management (/clustermanagement/team/) "
                    "shows every active expert's name, role and responsibility."
                ),
            },
        ),
        (_("Routing"), {"fields": ["topics", "growth_fields", "districts"]}),
        (None, {"fields": ["source"]}),
    ]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lead", "email"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "priority", "fallback", "active"]
    list_filter = ["active", "fallback", "topic"]
    autocomplete_fields = ["district"]
    fieldsets = [
        (None, {"fields": ["priority", "active", "fallback"]}),
        (_("Conditions"), {"fields": ["topic", "growth_field", "wz_prefix", "district"]}),
        (_("Target"), {"fields": ["expert", "team"]}),
    ]
