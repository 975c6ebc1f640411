"""What the growth-field pages gather: for each field of the regional strategy and each
sector, its networks, organisations, projects, roadmap, studies and whom to ask.

Everything is counted or listed from the data on each request; only published
organisations, published studies and active experts appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from classification.models import GrowthField
from directory.choices import NETWORK_KINDS, PublicationStatus
from directory.models import Organisation

from .choices import FieldKind
from .models import GrowthFieldPage, NetworkProject, RoadmapItem, Study
from .services import with_member_counts


@dataclass
class FieldCard:
    """A growth field as the overview shows it."""

    field: GrowthField
    page: GrowthFieldPage | None
    networks: int
    organisations: int | None  # None: the search could not tell
    studies: int
    milestones: int

    @property
    def kind(self) -> str:
        return self.page.kind if self.page else FieldKind.STRATEGY

    @property
    def summary(self) -> str:
        return (
            self.page.summary if self.page and self.page.summary else ""
        ) or self.field.description


def visible_fields(user: Any = None) -> QuerySet[GrowthField]:
    """Fields with a published page, or without any page (every field has one to show);
    staff also see fields whose page is unpublished."""
    fields = GrowthField.objects.select_related("page")
    if user is not None and getattr(user, "is_staff", False):
        return fields
    return fields.filter(Q(page__isnull=True) | Q(page__published=True))


def organisation_counts() -> dict[str, int] | None:
    """Published organisations per growth field (its id, as the search's filter takes
    it), from the search's facet counts:
    one query of the engine instead of a count over the directory."""
    from search.query import SearchQuery
    from search.services import search

    try:
        results = search(SearchQuery(limit=0), relax=False)
    except Exception:
        return None
    for facet in results.facets:
        if facet.name == "growth":
            return {value.value: value.count for value in facet.values}
    return {}


def overview(user: Any = None) -> dict[str, list[FieldCard]]:
    """The fields by kind (strategy fields first, then sectors), in their order."""
    published_network = Q(
        organisations__kind__in=NETWORK_KINDS,
        organisations__status=PublicationStatus.PUBLISHED,
    )
    fields = visible_fields(user).annotate(
        network_count=Count("organisations", filter=published_network, distinct=True),
        study_count=Count("studies", filter=Q(studies__published=True), distinct=True),
        milestone_count=Count("roadmap_items", distinct=True),
    )
    counts = organisation_counts()
    cards = [
        FieldCard(
            field=f,
            page=getattr(f, "page", None),
            networks=f.network_count,  # type: ignore[attr-defined]
            organisations=counts.get(str(f.pk), 0) if counts is not None else None,
            studies=f.study_count,  # type: ignore[attr-defined]
            milestones=f.milestone_count,  # type: ignore[attr-defined]
        )
        for f in fields
    ]
    cards.sort(key=lambda c: (c.page.order if c.page else 999, c.field.name.casefold()))
    grouped: dict[str, list[FieldCard]] = {FieldKind.STRATEGY: [], FieldKind.SECTOR: []}
    for card in cards:
        grouped[card.kind].append(card)
    return grouped


@dataclass
class FieldDetail:
    field: GrowthField
    page: GrowthFieldPage | None
    networks: list[Organisation]
    organisations: int | None
    projects: list[NetworkProject]
    roadmap: list[RoadmapItem]
    studies: list[Study]
    experts: list[Any]


def organisation_total(growth: GrowthField) -> int | None:
    from search.query import SearchQuery
    from search.services import search

    try:
        return search(
            SearchQuery(filters={"growth": [str(growth.pk)]}, limit=0, facets=False)
        ).total
    except Exception:
        return None


def detail(growth: GrowthField) -> FieldDetail:
    from inquiries.models import Expert

    networks = list(
        with_member_counts(
            Organisation.objects.published().filter(kind__in=NETWORK_KINDS, growth_fields=growth)
        ).order_by("name")
    )
    projects = list(
        NetworkProject.objects.filter(
            growth_fields=growth, network__status=PublicationStatus.PUBLISHED
        )
        .select_related("network")
        .order_by("-start_year", "title")[:30]
    )
    roadmap = list(
        RoadmapItem.objects.filter(growth_field=growth)
        .select_related("network")
        .order_by("due", "title")
    )
    studies = list(
        Study.objects.filter(growth_fields=growth, published=True).order_by("-year", "title")
    )
    experts = list(
        Expert.objects.filter(active=True, growth_fields=growth)
        .select_related("team")
        .prefetch_related(Prefetch("growth_fields"))
        .order_by("name")
    )
    return FieldDetail(
        field=growth,
        page=getattr(growth, "page", None),
        networks=networks,
        organisations=organisation_total(growth),
        projects=projects,
        roadmap=roadmap,
        studies=studies,
        experts=experts,
    )
