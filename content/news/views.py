"""The news pages: the list with its filters (``/aktuelles/``), an article and its image."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from core import pagecache
from directory.services import is_staff

from ..pages import kept, next_publication
from . import services
from .forms import NewsFilterSet
from .models import Article

PAGE_SIZE = 10


def _feeds(values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The feeds offered for the list as filtered: (title, type, address)."""
    if "category" in values:
        slug, name = values["category"].slug, values["category"].name
        rss = reverse("content:news-feed-category", args=[slug])
        atom = reverse("content:news-atom-category", args=[slug])
    elif "growth" in values:
        slug, name = values["growth"].slug, values["growth"].name
        rss = reverse("content:news-feed-growth", args=[slug])
        atom = reverse("content:news-atom-growth", args=[slug])
    else:
        name = ""
        rss, atom = reverse("content:news-feed"), reverse("content:news-atom")
    title = _("News") + (f": {name}" if name else "")
    return [
        (f"{title} (RSS)", "application/rss+xml", rss),
        (f"{title} (Atom)", "application/atom+xml", atom),
    ]


@kept
def news_list(request: HttpRequest) -> HttpResponse:
    pagecache.keep_until(request, next_publication())  # a scheduled article goes live
    filterset = NewsFilterSet(request.GET, services.list_queryset(request.user))
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    articles = list(page.object_list)
    context = {
        "filter_form": filterset.form,
        "is_filtered": filterset.is_filtered,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "articles": articles,
        "has_generated": any(article.is_generated for article in articles),
        "feeds": _feeds(filterset.values),
        "is_staff": is_staff(request.user),
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx and htmx.target == "results" and not htmx.history_restore_request)
    template = "content/news/_results.html" if partial else "content/news/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _article(request: HttpRequest, slug: str) -> Article:
    article = services.detail_queryset(request.user).filter(slug=slug).first()
    if article is None:
        raise Http404(_("No news article is published under this address."))
    return article


def _json_ld(request: HttpRequest, article: Article) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.teaser,
        "datePublished": article.publish_at.isoformat(),
        "dateModified": max(article.modified, article.publish_at).isoformat(),
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "inLanguage": "de",
        "publisher": {"@type": "Organization", "name": settings.PORTAL_NAME},
    }
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.image:
        image: dict[str, Any] = {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(article.image_url()),
            "caption": article.image_alt,
        }
        if article.image_credit:
            image["creditText"] = article.image_credit
        data["image"] = image
    sections = [c.name for c in article.categories.all()]
    if sections:
        data["articleSection"] = sections
    about = [f.name for f in article.growth_fields.all()]
    if about:
        data["keywords"] = about
    return data


@kept
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pagecache.keep_until(request, next_publication())
    article = _article(request, slug)
    context = {
        "article": article,
        "categories": list(article.categories.all()),
        "growth_fields": list(article.growth_fields.all()),
        "networks": list(article.networks.all()),
        "json_ld": _json_ld(request, article),
        "is_staff": is_staff(request.user),
        "feeds": _feeds({}),
    }
    return render(request, "content/news/detail.html", context)


def news_image(request: HttpRequest, slug: str) -> FileResponse:
    article = _article(request, slug)
    if not article.image:
        raise Http404(_("This article has no image."))
    try:
        handle = article.image.open("rb")
    except OSError:
        raise Http404(_("This article has no image.")) from None
    content_type = (
        "image/png" if (article.image.name or "").lower().endswith(".png") else "image/jpeg"
    )
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if not article.is_live():
        response["Cache-Control"] = "private, no-store"
    return response
