"""Keep the index current: a change to an organisation or anything shown in its document
queues one index update per transaction, after the commit."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from classification.models import GrowthField, Technology
from core.transactions import batch_of_transaction
from directory.models import (
    Certification,
    ContactPerson,
    Membership,
    Offering,
    Organisation,
    Site,
    Tag,
)
from directory.signals import bulk_organisations_changed
from geo.models import District

log = logging.getLogger(__name__)

RELATED = (Site, Offering, Certification, Membership, ContactPerson)


class _Pending:
    """Ids collected in one transaction; flushed as one task when it commits."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.flushed = False

    def flush(self) -> None:
        self.flushed = True
        if not self.ids:
            return
        from .tasks import update_index

        try:
            update_index.enqueue(sorted(self.ids))
        except Exception:  # the save stands; a rebuild repairs the index
            log.exception(
                "Could not queue a search index update for %d organisations", len(self.ids)
            )


def queue(ids: set[int]) -> None:
    """Index ``ids`` once the current transaction commits (at once outside one).

    One task per transaction, however many rows it touched: an import of a thousand
    organisations queues one update of a thousand, not a thousand updates.
    """
    if not getattr(settings, "SEARCH_AUTO_UPDATE", True):
        return
    pending = batch_of_transaction("search_pending", _Pending)
    if pending is None:
        now = _Pending()
        now.ids.update(ids)
        now.flush()
        return
    pending.ids.update(ids)


def _organisation_saved(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    queue({instance.pk})


def _related_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    ids = {instance.organisation_id}
    if isinstance(instance, Membership):
        ids.add(instance.network_id)
    queue(ids)


def _m2m_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Organisation):
        queue({instance.pk})
    elif pk_set:
        queue(set(pk_set))


post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="search-org-save")
post_delete.connect(_organisation_saved, sender=Organisation, dispatch_uid="search-org-delete")
for model in RELATED:
    post_save.connect(_related_saved, sender=model, dispatch_uid=f"search-{model.__name__}-save")
    post_delete.connect(
        _related_saved, sender=model, dispatch_uid=f"search-{model.__name__}-delete"
    )
for through in (
    Organisation.secondary_wz.through,
    Organisation.technologies.through,
    Organisation.tags.through,
    Organisation.growth_fields.through,
):
    m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"search-m2m-{through.__name__}")


def _bulk_changed(sender: Any, ids: set[int], **kwargs: Any) -> None:
    queue(set(ids))


bulk_organisations_changed.connect(_bulk_changed, dispatch_uid="search-bulk-organisations")


# --- What a document shows by name ------------------------------------------------------
# A tag, technology or district renamed changes the document of every organisation that
# carries it; one deleted leaves them without model or m2m signals (the link rows go by
# cascade, a site's district by SET NULL). Either way those organisations are indexed
# again. Growth fields are in the documents by id: only their deletion matters.

_NAMED: dict[type, tuple[str, ...]] = {
    Tag: ("name",),
    Technology: ("name", "name_en"),
    District: ("name", "ags"),
    GrowthField: (),
}


def _carriers(instance: Any) -> set[int]:
    """The organisations whose documents show ``instance``."""
    if isinstance(instance, District):
        sites = Site.objects.filter(district_id=instance.pk)
        return set(sites.values_list("organisation_id", flat=True))
    through = {
        Tag: Organisation.tags.through,
        Technology: Organisation.technologies.through,
        GrowthField: Organisation.growth_fields.through,
    }[type(instance)]
    column = f"{type(instance).__name__.lower()}_id"
    rows = through._default_manager.filter(**{column: instance.pk})
    return set(rows.values_list("organisation_id", flat=True))


def _named_saving(sender: Any, instance: Any, **kwargs: Any) -> None:
    fields = _NAMED[sender]
    before = sender.objects.filter(pk=instance.pk).values(*fields).first() if fields else None
    renamed = before is not None and any(before[f] != getattr(instance, f) for f in fields)
    instance._search_renamed = renamed


def _named_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(instance, "_search_renamed", False):
        queue(_carriers(instance))


def _named_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    queue(_carriers(instance))  # read before the cascade; indexed after the commit


for named in _NAMED:
    uid = f"search-named-{named.__name__}"
    pre_save.connect(_named_saving, sender=named, dispatch_uid=f"{uid}-saving")
    post_save.connect(_named_saved, sender=named, dispatch_uid=f"{uid}-saved")
    pre_delete.connect(_named_deleting, sender=named, dispatch_uid=f"{uid}-deleting")
