"""Keep the postings' search documents in step with writes that go through the models
(the admin's save and delete, a cascade from a deleted organisation) and with the
organisation they belong to (hidden, archived, deleted: its postings leave the index)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from directory.models import Organisation
from directory.signals import bulk_organisations_changed

from .models import Posting
from .postings import services


@receiver(post_save, sender=Posting, dispatch_uid="sourcing-posting-saved")
def _posting_saved(sender: Any, instance: Posting, **kwargs: Any) -> None:
    services._reindex([instance.pk])


@receiver(post_delete, sender=Posting, dispatch_uid="sourcing-posting-deleted")
def _posting_deleted(sender: Any, instance: Posting, **kwargs: Any) -> None:
    services._reindex([instance.pk])


@receiver(post_save, sender=Organisation, dispatch_uid="sourcing-organisation-saved")
def _organisation_saved(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    if not kwargs.get("created"):
        services.organisations_withdrawn([instance.pk])


@receiver(bulk_organisations_changed, dispatch_uid="sourcing-organisations-bulk")
def _organisations_bulk(sender: Any, ids: set[int], **kwargs: Any) -> None:
    services.organisations_withdrawn(ids)
