"""Keep the programmes' search documents in step with every save and delete (the back
office, the demo generator, the shell): the programme itself, its calls and its growth
fields. A bulk write calls ``services.report`` itself."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Call, Programme
from .services import report


@receiver(post_save, sender=Programme, dispatch_uid="funding-programme-saved")
@receiver(post_delete, sender=Programme, dispatch_uid="funding-programme-deleted")
def _programme_written(sender: Any, instance: Programme, **kwargs: Any) -> None:
    report([instance.pk])


@receiver(post_save, sender=Call, dispatch_uid="funding-call-saved")
@receiver(post_delete, sender=Call, dispatch_uid="funding-call-deleted")
def _call_written(sender: Any, instance: Call, **kwargs: Any) -> None:
    report([instance.programme_id])


@receiver(m2m_changed, sender=Programme.growth_fields.through, dispatch_uid="funding-growth-fields")
def _growth_fields_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Programme):
        report([instance.pk])
    else:  # changed from the growth field's side
        report(kwargs.get("pk_set") or [])
