"""Back office of the news: articles (with a preview of the sanitised text, history and
the publish / unpublish actions) and categories."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Article, NewsCategory


@admin.register(NewsCategory)
class NewsCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ("title", "publish_at", "published", "status", "author", "source")
    list_filter = ("published", "categories", "growth_fields", "source", "publish_at")
    date_hierarchy = "publish_at"
    search_fields = ("title", "teaser", "body", "author")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("categories", "growth_fields", "networks")
    readonly_fields = ("source", "status", "body_preview", "public_page")
    actions = ("publish", "unpublish")
    fieldsets = (
        (None, {"fields": ("title", "slug", "teaser", "body", "body_preview")}),
        (_("Assignment"), {"fields": ("categories", "growth_fields", "networks")}),
        (_("Image"), {"fields": ("image", "image_alt", "image_credit")}),
        (
            _("Publication"),
            {"fields": ("author", "publish_at", "published", "status", "source", "public_page")},
        ),
    )

    @admin.display(description=_("status"))
    def status(self, article: Article) -> str:
        if not article.published:
            return str(_("draft"))
        if article.is_scheduled:
            return str(_("scheduled"))
        return str(_("public"))

    @admin.display(description=_("preview of the text as published"))
    def body_preview(self, article: Article) -> SafeString | str:
        if not article.body:
            return "–"
        # The body was sanitised when it was saved; what is shown is what visitors see.
        return format_html('<div class="news-preview">{}</div>', mark_safe(article.body))

    @admin.display(description=_("public page"))
    def public_page(self, article: Article) -> str:
        if article.pk is None:
            return "–"
        return format_html('<a href="{0}">{0}</a>', article.get_absolute_url())

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = services.set_published(queryset.values_list("pk", flat=True), True)
        self.message_user(
            request,
            ngettext(
                "%(count)d article published (a scheduled one appears at its time).",
                "%(count)d articles published (scheduled ones appear at their time).",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected articles"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = services.set_published(queryset.values_list("pk", flat=True), False)
        self.message_user(
            request,
            ngettext("%(count)d article unpublished.", "%(count)d articles unpublished.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if not obj.author and request.user.is_authenticated:
            obj.author = request.user.get_full_name() or ""
        super().save_model(request, obj, form, change)
