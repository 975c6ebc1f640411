"""The outbox in the back office: what left, what failed, what needs a decision."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Conversation,
    Message,
    Participant,
    PartyBlock,
    PartyPolicy,
    RelayedMessage,
    Suppression,
)


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


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    can_delete = False
    fields = ("side", "key", "name", "address", "user", "list_name")
    readonly_fields = fields


class RelayedMessageInline(admin.TabularInline):
    model = RelayedMessage
    extra = 0
    can_delete = False
    fields = ("author", "created", "body")
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Staff see conversations only here, with the model's view permission."""

    list_display = ("subject", "about", "created", "message_count", "first_reply_at")
    search_fields = ("subject", "about")
    date_hierarchy = "created"
    readonly_fields = (
        "about",
        "about_title",
        "about_url",
        "subject",
        "created",
        "last_message_at",
        "first_reply_at",
        "message_count",
        "revealed_at",
    )
    inlines = [ParticipantInline, RelayedMessageInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PartyPolicy)
class PartyPolicyAdmin(admin.ModelAdmin):
    list_display = ("key", "policy", "modified")
    search_fields = ("key",)


@admin.register(PartyBlock)
class PartyBlockAdmin(admin.ModelAdmin):
    list_display = ("party", "label", "created")
    search_fields = ("party", "label")
