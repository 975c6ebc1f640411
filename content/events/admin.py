"""Back office: the agency's staff keep every event (the agency's and the networks'),
their documents and registrations, with history. Saving goes through the events'
services, so a cancellation mails everyone registered and more places move people up
from the waiting list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .choices import EventStatus
from .forms import EventDocumentForm
from .models import Event, EventDocument, Registration
from .signals import report


class EventDocumentInline(admin.TabularInline[EventDocument, Event]):
    model = EventDocument
    form = EventDocumentForm
    extra = 0


class RegistrationInline(admin.TabularInline[Registration, Event]):
    model = Registration
    extra = 0
    fields = ("name", "email", "organisation", "status", "attended", "created")
    readonly_fields = ("created",)
    show_change_link = True


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ("title", "start", "format", "network", "status", "capacity", "source")
    list_filter = ("status", "format", "is_free", "source", "growth_fields")
    search_fields = ("title", "summary", "description", "venue_name", "venue_place")
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("network",)
    filter_horizontal = ("growth_fields",)
    readonly_fields = ("source", "district", "public_page")
    inlines = (EventDocumentInline, RegistrationInline)
    actions = ("cancel_events",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "description", "status", "source")}),
        (
            _("When and where"),
            {
                "fields": (
                    "start",
                    "end",
                    "format",
                    "venue_name",
                    "venue_street",
                    "venue_postal_code",
                    "venue_place",
                    "district",
                    "online_url",
                )
            },
        ),
        (_("Organiser and topics"), {"fields": ("network", "growth_fields")}),
        (_("Registration"), {"fields": ("is_free", "price", "capacity", "registration_deadline")}),
        (None, {"fields": ("public_page",)}),
    )

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        services.resolve_place(obj)
        self._previous = Event.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        previous = getattr(self, "_previous", None)
        if previous is not None:
            services.after_change(previous, form.instance)
        report([form.instance.pk])

    @admin.action(description=_("Cancel the selected events and tell those registered"))
    def cancel_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        count = 0
        for event in queryset.exclude(status=EventStatus.CANCELLED):
            services.cancel_event(event)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("public page"))
    def public_page(self, event: Event) -> str:
        if event.pk is None:
            return "–"
        return format_html('<a href="{0}">{0}</a>', event.get_absolute_url())


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ("name", "email", "event", "status", "attended", "created")
    list_filter = ("status", "attended")
    search_fields = ("name", "email", "organisation", "event__title")
    raw_id_fields = ("event",)
    readonly_fields = ("consented_at", "moved_up_at", "cancelled_at", "reminded_at")
