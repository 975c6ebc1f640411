"""RSS 2.0 and Atom feeds of the news: all articles, per category and per growth field
(Django's syndication framework). Only what every visitor may see, newest first."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from classification.models import GrowthField

from .models import Article, NewsCategory

FEED_SIZE = 30


class NewsFeed(Feed):
    """All news (RSS 2.0)."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return None

    def title(self, obj: Any = None) -> str:
        return _("News of the cluster portal")

    def description(self, obj: Any = None) -> str:
        return _("News of the cluster management, its networks and growth fields.")

    def link(self, obj: Any = None) -> str:
        return reverse("content:news-list")

    def articles(self, obj: Any) -> Any:
        return Article.objects.visible()

    def items(self, obj: Any = None) -> list[Article]:
        return list(
            self.articles(obj)
            .prefetch_related("categories")
            .order_by("-publish_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return escape(item.teaser)  # feed readers read descriptions as HTML

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article) -> datetime.datetime:
        return item.publish_at

    def item_updateddate(self, item: Article) -> datetime.datetime:
        return max(item.modified, item.publish_at)

    def item_author_name(self, item: Article) -> str | None:
        return item.author or None

    def item_categories(self, item: Article) -> list[str]:
        return [category.name for category in item.categories.all()]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Any = None) -> str:
        return self.description(obj)


class _CategoryMixin:
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> NewsCategory:
        return get_object_or_404(NewsCategory, slug=kwargs["slug"])

    def title(self, obj: NewsCategory) -> str:
        return _("News: %(name)s") % {"name": obj.name}

    def link(self, obj: NewsCategory) -> str:
        return reverse("content:news-list") + f"?category={obj.slug}"

    def articles(self, obj: NewsCategory) -> Any:
        return Article.objects.visible().filter(categories=obj)


class _GrowthMixin:
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> GrowthField:
        return get_object_or_404(GrowthField, slug=kwargs["slug"])

    def title(self, obj: GrowthField) -> str:
        return _("News: %(name)s") % {"name": obj.name}

    def link(self, obj: GrowthField) -> str:
        return reverse("content:news-list") + f"?growth={obj.slug}"

    def articles(self, obj: GrowthField) -> Any:
        return Article.objects.visible().filter(growth_fields=obj)


class CategoryFeed(_CategoryMixin, NewsFeed):  # type: ignore[misc]
    pass


class CategoryAtomFeed(_CategoryMixin, NewsAtomFeed):  # type: ignore[misc]
    pass


class GrowthFeed(_GrowthMixin, NewsFeed):  # type: ignore[misc]
    pass


class GrowthAtomFeed(_GrowthMixin, NewsAtomFeed):  # type: ignore[misc]
    pass
