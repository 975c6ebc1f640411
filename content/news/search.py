"""News articles in the main search: the ``news`` document type, with the category,
growth field and network as facets.

Only articles every visitor may see are indexable: published and due. A scheduled
article enters the index when ``publish_scheduled`` reports it at its time (services),
not before; every other write path reports its changes (``content.news.signals``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from directory.models import Organisation
from search.registry import ContentDocument, DocumentType, Facet

from .models import Article, NewsCategory
from .sanitising import plain_text


def _category_label(value: str) -> str:
    category = NewsCategory.objects.filter(slug=value).first()
    return category.name if category else value


def _growth_label(value: str) -> str:
    field = GrowthField.objects.filter(slug=value).first()
    return field.name if field else value


def _network_label(value: str) -> str:
    network = Organisation.objects.filter(slug=value).first()
    return network.name if network else value


def _articles(ids: Sequence[int]) -> Any:
    return (
        Article.objects.visible()
        .filter(pk__in=list(ids))
        .prefetch_related(
            Prefetch("categories", queryset=NewsCategory.objects.only("slug", "name")),
            Prefetch("growth_fields", queryset=GrowthField.objects.only("slug", "name")),
            Prefetch("networks", queryset=Organisation.objects.only("slug", "name")),
        )
    )


class NewsType(DocumentType):
    name = "news"
    label = _("News")
    hit_template = "content/news/_hit.html"
    order = 40
    facets = (
        Facet("category", _("Category"), _category_label),
        Facet("growth", _("Growth field"), _growth_label),
        Facet("network", _("Network"), _network_label),
    )

    def indexable_ids(self) -> Iterable[int]:
        return Article.objects.visible().values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        return [
            ContentDocument(
                type=self.name,
                id=article.pk,
                title=article.title,
                text="\n".join(part for part in (article.teaser, plain_text(article.body)) if part),
                keywords={
                    "category": sorted(c.slug for c in article.categories.all()),
                    "growth": sorted(f.slug for f in article.growth_fields.all()),
                    "network": sorted(n.slug for n in article.networks.all()),
                },
                date=article.publish_at,
            )
            for article in _articles(ids)
        ]

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        return {article.pk: article for article in _articles(ids)}

    def url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def title(self, obj: Any) -> str:
        return str(obj.title)
