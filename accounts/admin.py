"""The back office's name, and the queues of claims and the account records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Claim, ConsentRecord, OrganisationEditor, PrivacyPolicy

admin.site.site_header = format_lazy("{} – {}", settings.PORTAL_NAME, _("Back office"))
admin.site.site_title = admin.site.site_header
admin.site.index_title = _("Back office")


# --- Review queues and account records ---------------------------------------------------


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("organisation", "user", "method", "status", "created", "decided_by")
    list_filter = ("status", "method")
    search_fields = ("organisation__name", "user__email", "email")
    readonly_fields = (
        "user",
        "organisation",
        "method",
        "status",
        "email",
        "message",
        "created",
        "decided_at",
        "decided_by",
    )
    fields = (*readonly_fields, "decision_note")
    actions = ["accept", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        description=_("Accept: make the user the profile's editor"), permissions=["change"]
    )
    def accept(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._decide(request, queryset, accept=False)

    def _decide(self, request: HttpRequest, queryset: QuerySet[Claim], accept: bool) -> None:
        done = 0
        for claim in queryset.select_related("user", "organisation"):
            try:
                services.decide_claim(request, claim, request.user, accept, claim.decision_note)  # type: ignore[arg-type]
            except services.AccountError as error:
                self.message_user(request, f"{claim}: {error}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(n)d claim(s) decided.") % {"n": done}, messages.SUCCESS)


@admin.register(OrganisationEditor)
class OrganisationEditorAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "user", "via", "created")
    list_filter = ("via",)
    search_fields = ("organisation__name", "user__email")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("user",)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ("user", "purpose", "granted", "text_version", "source", "created")
    list_filter = ("purpose", "granted", "text_version")
    search_fields = ("user__email",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # evidence: records are never changed


@admin.register(PrivacyPolicy)
class PrivacyPolicyAdmin(admin.ModelAdmin):
    """Versions of the privacy policy. A published version is not changed: a new one is
    added (consents refer to the version they were given to)."""

    list_display = ("version", "title", "published", "author")
    fields = ("title", "body", "published")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        if obj is not None and obj.published <= timezone.now():  # type: ignore[attr-defined]
            return False
        return super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        latest = PrivacyPolicy.objects.order_by("-version").first()
        if latest is None:
            return {}
        return {"title": latest.title, "body": latest.body}

    def save_model(self, request: HttpRequest, obj: PrivacyPolicy, form: Any, change: bool) -> None:
        if not change:
            obj.author = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


# --- Waiting items beside their queue ----------------------------------------------------

_app_list = admin.site.get_app_list


def _app_list_with_waiting(request: HttpRequest, app_label: str | None = None) -> list[Any]:
    """The back office's start page (and an app's page) names the queues with what waits
    in them, e.g. "Claims (3)", for the staff who may open them. Other pages, whose side
    bar lists the same models, are spared the counting queries."""
    apps = _app_list(request, app_label)
    match = getattr(request, "resolver_match", None)
    if getattr(match, "url_name", None) not in ("index", "app_list"):
        return apps
    counts = getattr(request, "_waiting_counts", None)
    if counts is None:
        from .notifications import waiting_counts

        counts = waiting_counts() if getattr(request.user, "is_staff", False) else {}
        request._waiting_counts = counts  # type: ignore[attr-defined]
    for app in apps:
        for model in app["models"]:
            waiting = counts.get(model["model"]._meta.label_lower)
            if waiting:
                model["name"] = f"{model['name']} ({waiting})"
    return apps


admin.site.get_app_list = _app_list_with_waiting  # type: ignore[method-assign]
