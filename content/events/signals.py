"""Keep the events' search documents in step with every save and delete (admin, the
organisers' forms, the shell); bulk writes (the demo) call ``report`` themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Event


def report(ids: Iterable[int]) -> None:
    from search import registry

    found = sorted({int(pk) for pk in ids if pk is not None})
    if found:
        registry.changed("event", found)


@receiver(post_save, sender=Event, dispatch_uid="content-event-saved")
@receiver(post_delete, sender=Event, dispatch_uid="content-event-deleted")
def _event_written(sender: Any, instance: Event, **kwargs: Any) -> None:
    report([instance.pk])


@receiver(m2m_changed, sender=Event.growth_fields.through, dispatch_uid="content-event-fields")
def _event_fields_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Event):
        report([instance.pk])
