"""Networks and clusters in the main search: the ``network`` document type.

Every published network or cluster is indexable, with or without a profile row; its
document holds the texts a visitor searches a network by (name, mission, goals, focus
topics, services, its working groups and projects) and its current quality labels as a
facet (an ended label leaves it on the day: ``networks.labels``). Members are not part
of it: they are found as organisations.
Every write path reports its changes (``networks.signals``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from directory.choices import NETWORK_KINDS
from directory.models import Organisation, Site
from search.registry import ContentDocument, DocumentType, Facet

from .activities import current_label_keys
from .choices import LabelLevel, LabelScheme
from .models import NetworkProject, Study, WorkingGroup
from .services import network_queryset, profile_of
from .studies import INDEXED_TEXT_CHARS


def _growth_label(value: str) -> str:
    field = GrowthField.objects.filter(slug=value).first()
    return field.name if field else value


def _district_label(value: str) -> str:
    from geo.models import District

    district = District.objects.filter(ags=value).first()
    return district.name if district else value


def _label_label(value: str) -> str:
    scheme, _sep, level = value.partition("-") if value.startswith("ecei") else (value, "", "")
    try:
        name = str(LabelScheme(scheme).label)
    except ValueError:
        return value
    return f"{name}: {LabelLevel(level).label}" if level else name


def _networks(ids: Sequence[int]) -> Any:
    return (
        network_queryset()
        .filter(pk__in=list(ids))
        .prefetch_related(
            "quality_labels",
            Prefetch(
                "working_groups", queryset=WorkingGroup.objects.only("network", "name", "topic")
            ),
            Prefetch(
                "network_projects",
                queryset=NetworkProject.objects.only("network", "title", "summary"),
            ),
            Prefetch("growth_fields", queryset=GrowthField.objects.order_by("slug")),
            Prefetch(
                "sites",
                queryset=Site.objects.filter(is_primary=True).select_related("district"),
                to_attr="primary_site_list",
            ),
        )
    )


class NetworkType(DocumentType):
    name = "network"
    label = _("Networks and clusters")
    hit_template = "networks/_hit.html"
    order = 5
    facets = (
        Facet("growth", _("Growth field"), _growth_label),
        Facet("district", _("District"), _district_label),
        Facet("label", _("Quality label"), _label_label),
    )

    def indexable_ids(self) -> Iterable[int]:
        return network_queryset().values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        documents = []
        for network in _networks(ids):
            profile = profile_of(network)
            site = network.primary_site_list[0] if network.primary_site_list else None
            text = "\n".join(
                part
                for part in (
                    network.short_description,
                    profile.mission,
                    profile.goals,
                    profile.focus_topics,
                    profile.services,
                    *(f"{g.name} {g.topic}" for g in network.working_groups.all()),
                    *(f"{p.title} {p.summary}" for p in network.network_projects.all()),
                )
                if part
            )
            documents.append(
                ContentDocument(
                    type=self.name,
                    id=network.pk,
                    title=network.name,
                    text=text,
                    keywords={
                        "growth": [field.slug for field in network.growth_fields.all()],
                        "district": [site.district.ags] if site and site.district else [],
                        "label": current_label_keys(network.quality_labels.all()),
                    },
                    lat=site.latitude if site else None,
                    lon=site.longitude if site else None,
                )
            )
        return documents

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        # What a hit shows (networks/_hit.html): name, kind, place and short description;
        # not the labels, groups, projects and fields the index's text is made of.
        networks = (
            network_queryset()
            .filter(pk__in=list(ids))
            .prefetch_related(
                Prefetch(
                    "sites",
                    queryset=Site.objects.filter(is_primary=True),
                    to_attr="primary_site_list",
                )
            )
        )
        return {network.pk: network for network in networks}

    def url(self, obj: Any) -> str:
        return reverse("networks:detail", kwargs={"slug": obj.slug})

    def title(self, obj: Any) -> str:
        return str(obj.name)


def network_ids(ids: Iterable[int]) -> list[int]:
    """Those of ``ids`` that are networks or clusters now (a few hundred at most)."""
    wanted = set(ids)
    if not wanted:
        return []
    networks = Organisation.objects.filter(kind__in=NETWORK_KINDS)
    return sorted(wanted.intersection(networks.values_list("pk", flat=True)))


def _field_label(value: str) -> str:
    return _growth_label(value)


class StudyType(DocumentType):
    """Published studies, found by their title, summary and the text of their PDF."""

    name = "study"
    label = _("Studies")
    hit_template = "networks/fields/_study_hit.html"
    order = 40
    facets = (Facet("growth", _("Growth field"), _field_label), Facet("year", _("Year")))

    def indexable_ids(self) -> Iterable[int]:
        return Study.objects.filter(published=True).values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        studies = Study.objects.filter(pk__in=list(ids), published=True).prefetch_related(
            Prefetch("growth_fields", queryset=GrowthField.objects.only("slug"))
        )
        return [
            ContentDocument(
                type=self.name,
                id=study.pk,
                title=study.title,
                text="\n".join(
                    part
                    for part in (study.publisher, study.summary, study.text[:INDEXED_TEXT_CHARS])
                    if part
                ),
                keywords={
                    "growth": [f.slug for f in study.growth_fields.all()],
                    "year": [str(study.year)] if study.year else [],
                },
            )
            for study in studies
        ]

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        return {s.pk: s for s in Study.objects.filter(pk__in=list(ids), published=True)}

    def url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def title(self, obj: Any) -> str:
        return str(obj.title)


class GrowthFieldType(DocumentType):
    """The growth-field pages (every field without an unpublished page)."""

    name = "growthfield"
    label = _("Growth fields and sectors")
    order = 6

    def _fields(self) -> Any:
        return GrowthField.objects.exclude(page__published=False)

    def indexable_ids(self) -> Iterable[int]:
        return self._fields().values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        fields = self._fields().filter(pk__in=list(ids)).select_related("page")
        documents = []
        for growth in fields:
            page = getattr(growth, "page", None)
            parts = (growth.name_en, growth.description, page and page.summary, page and page.body)
            documents.append(
                ContentDocument(
                    type=self.name,
                    id=growth.pk,
                    title=growth.name,
                    text="\n".join(part for part in parts if part),
                )
            )
        return documents

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        return {f.pk: f for f in self._fields().filter(pk__in=list(ids))}

    def url(self, obj: Any) -> str:
        return reverse("networks:growth-field", kwargs={"slug": obj.slug})

    def title(self, obj: Any) -> str:
        return str(obj.display_name)
