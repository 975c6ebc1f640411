"""Keep the pages' search documents in step with every save and delete (the back office,
the demo generator, the shell); a bulk write calls ``report`` itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Page, SitePage


def report(ids: Iterable[int]) -> None:
    """Tell the search which pages changed; it updates them after the commit."""
    from search import registry

    found = sorted({int(pk) for pk in ids if pk is not None})
    if found:
        registry.changed("page", found)


@receiver(post_save, sender=Page, dispatch_uid="content-page-saved")
@receiver(post_delete, sender=Page, dispatch_uid="content-page-deleted")
def _page_written(sender: Any, instance: Page, **kwargs: Any) -> None:
    report([instance.pk])


@receiver(post_save, sender=SitePage, dispatch_uid="content-site-page-saved")
@receiver(post_delete, sender=SitePage, dispatch_uid="content-site-page-deleted")
def _site_page_written(sender: Any, instance: SitePage, **kwargs: Any) -> None:
    from search import registry

    registry.changed("sitepage", [instance.pk])
