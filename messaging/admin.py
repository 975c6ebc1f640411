"""The outbox in the back office: what left, what failed, what needs a decision."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Message, Suppression


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("to", "subject", "category", "status", "attempts", "created", "sent_at")
    list_filter = ("status", "category")
    search_fields = ("to", "subject", "key")
    date_hierarchy = "created"
    readonly_fields = (
        "key",
        "to",
        "subject",
        "category",
        "status",
        "attempts",
        "next_attempt",
        "last_error",
        "created",
        "modified",
        "sent_at",
        "body_text",
    )
    exclude = ("body_html",)
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        description=_("Send again (only emails whose outcome is unknown or that failed)"),
        permissions=["change"],
    )
    def resend(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = services.resend(queryset)
        self.message_user(
            request, _("%(n)d email(s) queued again.") % {"n": count}, messages.SUCCESS
        )


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("address", "list_name", "reason", "created")
    list_filter = ("reason", "list_name")
    search_fields = ("address",)
