"""Keep the news articles' search documents in step with every save, delete and change
of categories, growth fields or networks (the back office, the shell); bulk writes call
``services.report`` themselves. A category or growth field renamed changes the facet
labels only, which are read at display time."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from classification.models import GrowthField
from directory.models import Organisation

from . import services
from .models import Article, NewsCategory


@receiver(post_save, sender=Article, dispatch_uid="news-article-saved")
def _article_saved(sender: Any, instance: Article, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    services.report([instance.pk])
    if instance.is_scheduled:
        services.schedule_due([instance])


@receiver(post_delete, sender=Article, dispatch_uid="news-article-deleted")
def _article_deleted(sender: Any, instance: Article, **kwargs: Any) -> None:
    services.report([instance.pk])


def _relation_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            services.report([instance.pk])
    elif action in ("post_add", "post_remove"):
        services.report(pk_set or ())
    elif action == "pre_clear":  # from the other side: every article it is on now
        services.report(_articles_of(instance))


def _articles_of(instance: Any) -> list[int]:
    return list(
        Article.objects.filter(_RELATED[type(instance)](instance)).values_list("pk", flat=True)
    )


_RELATED: dict[type, Any] = {
    NewsCategory: lambda obj: Q(categories=obj),
    GrowthField: lambda obj: Q(growth_fields=obj),
    Organisation: lambda obj: Q(networks=obj),
}

for _through in (
    Article.categories.through,
    Article.growth_fields.through,
    Article.networks.through,
):
    m2m_changed.connect(
        _relation_changed, sender=_through, dispatch_uid=f"news-{_through.__name__}"
    )


def _related_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A category, growth field or network deleted leaves its articles without it
    (its rows go without an m2m signal)."""
    services.report(_articles_of(instance))


for _model in _RELATED:
    pre_delete.connect(
        _related_deleted, sender=_model, dispatch_uid=f"news-{_model.__name__}-deleted"
    )
