"""Back office: the cluster management's pages and supporters, with their history. The
team is edited where it lives, in the experts and teams of the inquiries."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Page, SitePage, Supporter


@admin.register(Page)
class PageAdmin(SimpleHistoryAdmin):
    list_display = ("title", "section", "order", "published", "source", "modified")
    list_editable = ("order", "published")
    list_filter = ("section", "published", "source")
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("source", "public_page")
    fields = (
        "title",
        "slug",
        "section",
        "summary",
        "body",
        "order",
        "published",
        "source",
        "public_page",
    )

    @admin.display(description=_("public page"))
    def public_page(self, page: Page) -> str:
        if page.pk is None:
            return "–"
        return format_html('<a href="{0}">{0}</a>', page.get_absolute_url())


@admin.register(Supporter)
class SupporterAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "order", "url", "source")
    list_editable = ("order",)
    list_filter = ("kind", "source")
    search_fields = ("name", "description")
    readonly_fields = ("source",)
    fields = ("name", "kind", "url", "description", "order", "source")


@admin.register(SitePage)
class SitePageAdmin(SimpleHistoryAdmin):
    """The imprint and the accessibility statement (one of each)."""

    list_display = ("title", "kind", "reviewed_on", "source", "modified")
    readonly_fields = ("source", "public_page")
    fields = ("kind", "title", "body", "reviewed_on", "source", "public_page")

    @admin.display(description=_("public page"))
    def public_page(self, page: SitePage) -> str:
        if page.pk is None:
            return "–"
        return format_html('<a href="{0}">{0}</a>', page.get_absolute_url())


from .events import admin as events_admin  # noqa: E402,F401  (registers the events)
from .funding import admin as funding_admin  # noqa: E402,F401  (registers the programmes)
from .news import admin as news_admin  # noqa: E402,F401  (registers the news)
