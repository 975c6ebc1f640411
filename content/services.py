"""What the cluster management's pages show, as each visitor may see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise

from directory.services import is_staff
from inquiries.models import Expert, Team
from inquiries.services import may_see_expert_contact

from .choices import SECTION_HEADINGS, SECTION_ORDER
from .models import Page


def pages_for(user: Any) -> QuerySet[Page]:
    """Published pages for visitors; staff also see drafts (the page says it is one)."""
    pages = Page.objects.all()
    return pages if is_staff(user) else pages.published()


@dataclass
class Section:
    key: str
    heading: str | Promise
    pages: list[Page]


def overview_sections(user: Any) -> list[Section]:
    """The overview's sections in their fixed order, each with its pages; empty ones left out."""
    by_section: dict[str, list[Page]] = {key: [] for key in SECTION_ORDER}
    for page in pages_for(user).order_by("order", "title"):
        by_section.setdefault(page.section, []).append(page)
    return [
        Section(key, SECTION_HEADINGS[key], pages)  # type: ignore[index]
        for key, pages in by_section.items()
        if pages
    ]


@dataclass
class ShownExpert:
    """An expert as this visitor may see them: contact data only where the expert chose."""

    name: str
    role: str
    responsibility: str
    email: str = ""
    phone: str = ""
    is_lead: bool = False
    is_generated: bool = False


@dataclass
class ShownTeam:
    name: str
    slug: str
    description: str
    email: str
    members: list[ShownExpert] = field(default_factory=list)
    is_generated: bool = False


def _shown(expert: Expert, user: Any, lead_id: int | None) -> ShownExpert:
    visible = may_see_expert_contact(expert, user)
    return ShownExpert(
        name=expert.name,
        role=expert.role,
        responsibility=expert.responsibility,
        email=expert.email if visible else "",
        phone=expert.phone if visible else "",
        is_lead=expert.pk == lead_id,
        is_generated=expert.source == "generated",
    )


def team_page(user: Any) -> tuple[list[ShownTeam], list[ShownExpert]]:
    """The teams with their active experts (lead first), and the active experts in no team.

    Three queries, whoever asks. Personal contact data never leaves this function for a
    visitor who may not see it, so no template can show it by mistake.
    """
    active = Expert.objects.filter(active=True).order_by("name")
    teams = Team.objects.prefetch_related(
        Prefetch("members", queryset=active, to_attr="active_members")
    ).order_by("name")
    shown_teams = []
    for team in teams:
        members = [_shown(expert, user, team.lead_id) for expert in team.active_members]
        if not members:
            continue
        members.sort(key=lambda m: (not m.is_lead, m.name))
        shown_teams.append(
            ShownTeam(
                name=team.name,
                slug=team.slug,
                description=team.description,
                email=team.email,
                members=members,
                is_generated=team.source == "generated",
            )
        )
    alone = [_shown(expert, user, None) for expert in active.filter(team__isnull=True)]
    return shown_teams, alone
