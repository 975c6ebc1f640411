"""Back office of the requests and offers: every posting with search and filters, the
review queue as a filter with approve and reject actions; saves and bulk actions keep
the search index in step (signals and ``services.bulk_set_status``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import DigestSubscription, Posting, PostingMatch, PostingStatus
from .postings import services


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin[Posting]):
    list_display = (
        "title",
        "kind",
        "category",
        "organisation",
        "status",
        "urgency",
        "expires_on",
        "created",
    )
    list_filter = ("status", "kind", "category", "urgency", "source")
    search_fields = ("title", "description", "organisation__name")
    raw_id_fields = ("organisation", "district", "created_by", "reviewed_by")
    autocomplete_fields = ()
    filter_horizontal = ("wz_codes",)
    readonly_fields = ("published_at", "closed_at", "reminded_at", "created", "modified")
    date_hierarchy = "created"
    actions = ("approve", "reject", "close")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Posting]:
        return super().get_queryset(request).select_related("organisation")

    @admin.action(description=_("Publish the selected postings waiting for review"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Posting]) -> None:
        self._review(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected postings waiting for review"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Posting]) -> None:
        self._review(request, queryset, approve=False)

    def _review(self, request: HttpRequest, queryset: QuerySet[Posting], approve: bool) -> None:
        done = 0
        for posting in queryset.filter(status=PostingStatus.PENDING):
            services.review_posting(request.user, posting, approve=approve)
            done += 1
        self.message_user(
            request,
            _("%(n)d postings decided; the posters are told by mail.") % {"n": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Close the selected postings"))
    def close(self, request: HttpRequest, queryset: QuerySet[Posting]) -> None:
        count = services.bulk_set_status(
            queryset.values_list("pk", flat=True), PostingStatus.CLOSED
        )
        self.message_user(request, _("%(n)d postings closed.") % {"n": count}, messages.SUCCESS)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Posting]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        services._reindex(ids)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services._reindex([form.instance.pk])  # the WZ codes are saved after the posting


@admin.register(PostingMatch)
class PostingMatchAdmin(admin.ModelAdmin[PostingMatch]):
    list_display = ("posting", "organisation", "other", "score", "created")
    raw_id_fields = ("posting", "organisation", "other")


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(admin.ModelAdmin[DigestSubscription]):
    list_display = ("organisation", "frequency", "last_sent_at")
    list_filter = ("frequency",)
    raw_id_fields = ("organisation", "created_by")
