"""The audit log in the back office: read-only, filtered by user, action and date."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = (
        "created",
        "actor_name",
        "action",
        "content_type",
        "object_repr",
        "summary",
        "ip",
    )
    list_filter = ("action", "created", "content_type", ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("object_repr", "object_id", "actor_name", "summary", "request_id")
    date_hierarchy = "created"
    list_select_related = ("content_type",)
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
