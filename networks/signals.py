"""Keep the networks' search documents in step with every write that changes them: the
profile (admin, the managers' form), working groups, projects and quality labels, the
organisation (name, status, kind, growth fields), its main site (district, place) and
the directory's bulk writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from classification.models import GrowthField
from directory.models import Organisation, Site
from directory.signals import bulk_organisations_changed

from .models import (
    GrowthFieldPage,
    NetworkProfile,
    NetworkProject,
    QualityLabel,
    Study,
    WorkingGroup,
)
from .search import network_ids


def report(ids: Iterable[int]) -> None:
    """Tell the search which networks changed; it updates them after the commit."""
    from search import registry

    found = sorted({int(pk) for pk in ids if pk is not None})
    if found:
        registry.changed("network", found)


@receiver(post_save, sender=NetworkProfile, dispatch_uid="networks-profile-saved")
@receiver(post_delete, sender=NetworkProfile, dispatch_uid="networks-profile-deleted")
def _profile_written(sender: Any, instance: NetworkProfile, **kwargs: Any) -> None:
    report([instance.organisation_id])


@receiver(post_save, sender=WorkingGroup, dispatch_uid="networks-group-saved")
@receiver(post_delete, sender=WorkingGroup, dispatch_uid="networks-group-deleted")
@receiver(post_save, sender=NetworkProject, dispatch_uid="networks-project-saved")
@receiver(post_delete, sender=NetworkProject, dispatch_uid="networks-project-deleted")
@receiver(post_save, sender=QualityLabel, dispatch_uid="networks-label-saved")
@receiver(post_delete, sender=QualityLabel, dispatch_uid="networks-label-deleted")
def _record_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Working groups and projects are part of the network's text, labels its facet.
    report([instance.network_id])


@receiver(post_save, sender=Organisation, dispatch_uid="networks-organisation-saved")
@receiver(post_delete, sender=Organisation, dispatch_uid="networks-organisation-deleted")
def _organisation_written(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    # A network turned into another kind is not reported (that would cost every save a
    # query): the search leaves it off its pages, and the drift check removes it.
    if instance.is_network:
        report([instance.pk])


@receiver(post_save, sender=Site, dispatch_uid="networks-site-saved")
@receiver(post_delete, sender=Site, dispatch_uid="networks-site-deleted")
def _site_written(sender: Any, instance: Site, **kwargs: Any) -> None:
    report(network_ids([instance.organisation_id]))


@receiver(m2m_changed, sender=Organisation.growth_fields.through, dispatch_uid="networks-growth")
def _growth_fields_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    # Only the organisation's side: the history of the growth fields records only that one.
    if isinstance(instance, Organisation) and action.startswith("post_") and instance.is_network:
        report([instance.pk])


@receiver(bulk_organisations_changed, dispatch_uid="networks-organisations-bulk")
def _organisations_bulk(sender: Any, ids: set[int], **kwargs: Any) -> None:
    report(network_ids(ids))


@receiver(post_save, sender=Study, dispatch_uid="networks-study-saved")
@receiver(post_delete, sender=Study, dispatch_uid="networks-study-deleted")
def _study_written(sender: Any, instance: Study, **kwargs: Any) -> None:
    from search import registry

    registry.changed("study", [instance.pk])


@receiver(m2m_changed, sender=Study.growth_fields.through, dispatch_uid="networks-study-fields")
def _study_fields_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if isinstance(instance, Study) and action.startswith("post_"):
        from search import registry

        registry.changed("study", [instance.pk])


@receiver(post_save, sender=GrowthFieldPage, dispatch_uid="networks-field-page-saved")
@receiver(post_delete, sender=GrowthFieldPage, dispatch_uid="networks-field-page-deleted")
def _field_page_written(sender: Any, instance: GrowthFieldPage, **kwargs: Any) -> None:
    from search import registry

    registry.changed("growthfield", [instance.growth_field_id])


@receiver(post_save, sender=GrowthField, dispatch_uid="networks-field-saved")
@receiver(post_delete, sender=GrowthField, dispatch_uid="networks-field-deleted")
def _field_written(sender: Any, instance: GrowthField, **kwargs: Any) -> None:
    from search import registry

    registry.changed("growthfield", [instance.pk])
