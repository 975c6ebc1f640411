"""What happens to news articles: the visitor's list with its filters, publishing and
unpublishing in bulk, scheduled publishing, and the latest news of a growth field or a
network (the panels on their pages). Views, the back office, commands and tests call
these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from classification.models import GrowthField
from core import pagecache
from directory.models import Organisation

from .models import Article, NewsCategory

SEARCH_TYPE = "news"


def report(ids: Iterable[int | None]) -> None:
    """Tell the search which articles changed; it updates them after the commit."""
    from search import registry

    found = sorted({int(pk) for pk in ids if pk is not None})
    if found:
        registry.changed(SEARCH_TYPE, found)


def list_queryset(user: Any) -> Any:
    """Articles as ``user`` may see them, newest first, with what the list shows."""
    return (
        Article.objects.for_user(user)
        .prefetch_related(
            Prefetch("categories", queryset=NewsCategory.objects.order_by("order", "name")),
            Prefetch("growth_fields", queryset=GrowthField.objects.order_by("name")),
        )
        .order_by("-publish_at", "-pk")
    )


def detail_queryset(user: Any) -> Any:
    return Article.objects.for_user(user).prefetch_related(
        Prefetch("categories", queryset=NewsCategory.objects.order_by("order", "name")),
        Prefetch("growth_fields", queryset=GrowthField.objects.order_by("name")),
        Prefetch("networks", queryset=Organisation.objects.published().order_by("name")),
    )


def set_published(ids: Iterable[int], published: bool) -> int:
    """Publish or unpublish articles in one transaction (the back office's actions), each
    saved with its history; the search learns of each after the commit. A published
    article whose time has not come stays invisible until then."""
    with transaction.atomic():
        articles = list(Article.objects.select_for_update().filter(pk__in=list(ids)))
        for article in articles:  # each save reports itself and queues a scheduled one
            article.published = published
            article.save(update_fields=["published"])
    return len(articles)


def publish_due(now: datetime.datetime | None = None) -> list[int]:
    """Report to the search every published article whose time has come since the last
    run (each once: ``went_live_at`` remembers it). Safe to run at any time and twice."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Article.objects.select_for_update()
            .filter(published=True, publish_at__lte=now, went_live_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if due:
            Article.objects.filter(pk__in=due).update(went_live_at=now)
            report(due)
            pagecache.written("content")  # a bulk update sends no signal
    return due


def schedule_due(articles: Iterable[Article]) -> None:
    """Where the task backend can defer a task, ask it to run ``publish_scheduled`` at
    each scheduled article's time (the timer running the command every minute is the
    fallback that needs no such backend)."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return
    from .tasks import publish_scheduled

    for when in sorted({a.publish_at for a in articles if a.publish_at > timezone.now()}):
        transaction.on_commit(
            lambda when=when: publish_scheduled.using(run_after=when).enqueue()  # type: ignore[misc]
        )


def latest_for_field(field: GrowthField, limit: int = 3) -> list[Article]:
    return list(
        Article.objects.visible().filter(growth_fields=field).order_by("-publish_at")[:limit]
    )


def latest_for_network(network: Organisation, limit: int = 3) -> list[Article]:
    return list(Article.objects.visible().filter(networks=network).order_by("-publish_at")[:limit])
