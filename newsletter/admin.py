"""The newsletter in the back office: topics, subscribers, issues with items filled
from the sources, preview, test send, sending and figures."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import services
from .choices import IssueStatus
from .forms import TestSendForm
from .models import Bounce, IssueItem, NewsletterIssue, Subscriber, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "position", "active")
    list_editable = ("position", "active")
    search_fields = ("name",)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "status", "created", "confirmed_at", "unsubscribed_at", "soft_bounces")
    list_filter = ("status", "topics")
    search_fields = ("email",)
    readonly_fields = (
        "email",
        "status",
        "user",
        "language",
        "created",
        "confirm_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "unsubscribed_issue",
        "soft_bounces",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the person subscribes (double opt-in)


@admin.register(Bounce)
class BounceAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "issue", "created")
    list_filter = ("kind",)
    search_fields = ("email",)
    readonly_fields = ("email", "kind", "issue", "detail", "created")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class IssueItemInline(admin.StackedInline):
    model = IssueItem
    extra = 0
    fields = ("position", "title", "summary", "url", "date", "source")
    readonly_fields = ("source",)


def _body(html: str) -> str:
    """The inside of the HTML part's body, to show it within the back office's page."""
    match = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    return match.group(1) if match else html


FIGURE_LABELS = (
    ("recipients", _("recipients")),
    ("sent", _("sent")),
    ("waiting", _("waiting")),
    ("failed", _("failed")),
    ("suppressed", _("suppressed")),
    ("unknown", _("outcome unknown")),
    ("bounced", _("bounced")),
    ("complaints", _("complaints")),
    ("unsubscribed", _("unsubscribed")),
)


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ("subject", "status", "created", "send_started", "sent_count", "unsubscribed")
    list_filter = ("status",)
    search_fields = ("subject",)
    filter_horizontal = ("topics",)
    inlines = [IssueItemInline]
    readonly_fields = ("status", "send_started", "composed_at", "figures")
    fields = ("subject", "intro", "topics", "status", "send_started", "composed_at", "figures")
    change_form_template = "admin/newsletter/newsletterissue/change_form.html"
    actions = ["fill_action"]

    def save_model(
        self, request: HttpRequest, obj: NewsletterIssue, form: Any, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != IssueStatus.DRAFT:
            return False  # what was sent stays as it was sent
        return super().has_change_permission(request, obj)

    @admin.display(description=_("figures"))
    def figures(self, obj: NewsletterIssue) -> str:
        if obj.pk is None:
            return "–"
        numbers = services.figures(obj)
        return format_html(
            "<dl class='newsletter-figures'>{}</dl>",
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                ((label, getattr(numbers, name)) for name, label in FIGURE_LABELS),
            ),
        )

    @admin.display(description=_("sent"))
    def sent_count(self, obj: NewsletterIssue) -> int:
        return services.figures(obj).sent

    @admin.display(description=_("unsubscribed"))
    def unsubscribed(self, obj: NewsletterIssue) -> int:
        return obj.unsubscribes.count()

    @admin.action(description=_("Fill from recent items"), permissions=["change"])
    def fill_action(self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]) -> None:
        added = sum(
            services.fill_from_sources(issue) for issue in queryset.filter(status=IssueStatus.DRAFT)
        )
        self.message_user(request, _("%(n)d item(s) added.") % {"n": added}, messages.SUCCESS)

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:pk>/fill/",
                self.admin_site.admin_view(self.fill_view),
                name="newsletter_issue_fill",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletter_issue_preview",
            ),
            path(
                "<int:pk>/preview/html/",
                self.admin_site.admin_view(self.preview_html_view),
                name="newsletter_issue_preview_html",
            ),
            path(
                "<int:pk>/test/",
                self.admin_site.admin_view(self.test_view),
                name="newsletter_issue_test",
            ),
            path(
                "<int:pk>/send/",
                self.admin_site.admin_view(self.send_view),
                name="newsletter_issue_send",
            ),
        ]
        return own + super().get_urls()

    def _issue(self, request: HttpRequest, pk: int, change: bool = False) -> NewsletterIssue:
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        allowed = (
            self.has_change_permission(request, issue)
            if change
            else self.has_view_permission(request, issue)
        )
        if not allowed:
            raise PermissionDenied
        return issue

    def _back(self, issue: NewsletterIssue) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
        )

    def fill_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._fill)(request, pk)

    def _fill(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk, change=True)
        added = services.fill_from_sources(issue)
        self.message_user(request, _("%(n)d item(s) added.") % {"n": added}, messages.SUCCESS)
        return self._back(issue)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk)
        preview = services.preview(issue)
        return TemplateResponse(
            request,
            "admin/newsletter/newsletterissue/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": issue,
                "title": _("Preview: %(subject)s") % {"subject": issue.subject},
                "preview": preview,
                "preview_body": _body(preview["html"]),
            },
        )

    def preview_html_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk)
        return HttpResponse(services.preview(issue)["html"])

    def test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk)
        form = TestSendForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.send_test(issue, form.cleaned_data["address"])
            self.message_user(
                request,
                _("A test was sent to %(address)s.") % {"address": form.cleaned_data["address"]},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:newsletter_issue_preview", args=[issue.pk]))
        return TemplateResponse(
            request,
            "admin/newsletter/newsletterissue/test.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": issue,
                "title": _("Send a test of %(subject)s") % {"subject": issue.subject},
                "form": form,
            },
        )

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        issue = self._issue(request, pk, change=True)
        if request.method == "POST":
            if services.start_sending(issue):
                self.message_user(
                    request,
                    _("The issue is being sent to %(n)d subscriber(s).")
                    % {"n": services.recipients(issue).count()},
                    messages.SUCCESS,
                )
            return self._back(issue)
        return TemplateResponse(
            request,
            "admin/newsletter/newsletterissue/send.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": issue,
                "title": _("Send %(subject)s") % {"subject": issue.subject},
                "count": services.recipients(issue).count(),
            },
        )
