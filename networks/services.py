"""What the network pages show, computed from the directory: never typed in.

The member count and the member mix are aggregate queries over the network's
published members, so they follow every membership, status or classification change
without anyone updating a figure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from classification.models import WzCode
from directory.choices import (
    NETWORK_KINDS,
    EmployeeSizeClass,
    OrganisationKind,
    PublicationStatus,
)
from directory.models import Membership, Organisation

from .models import NetworkProfile


@dataclass(frozen=True)
class Share:
    """One bar of the member mix: a value, its label and how many members carry it."""

    value: str
    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


@dataclass(frozen=True)
class MemberMix:
    """A network's published members counted by kind, size, WZ section and district.

    ``unknown_*`` count the members without that value (no size class, no main WZ
    code, no main site with a district), so every breakdown adds up to its total.
    """

    total: int
    by_kind: list[Share] = field(default_factory=list)
    companies: int = 0
    companies_by_size: list[Share] = field(default_factory=list)
    by_wz_section: list[Share] = field(default_factory=list)
    by_district: list[Share] = field(default_factory=list)

    @property
    def unknown_size(self) -> int:
        return self.companies - sum(share.count for share in self.companies_by_size)

    @property
    def unknown_wz_section(self) -> int:
        return self.total - sum(share.count for share in self.by_wz_section)

    @property
    def unknown_district(self) -> int:
        return self.total - sum(share.count for share in self.by_district)


def published_members(network: Organisation) -> QuerySet[Organisation]:
    """The network's members that every visitor may see."""
    return member_organisations(Organisation.objects.published(), network)


def member_organisations(
    organisations: QuerySet[Organisation], network: Organisation
) -> QuerySet[Organisation]:
    """``organisations`` narrowed to the network's members: from the network's
    memberships (by their index) to the organisations by key, so that neither database
    walks every published organisation to find a network's few thousand."""
    memberships = Membership.objects.filter(network=network).values("organisation_id")
    return organisations.filter(pk__in=memberships)


def member_mix(network: Organisation) -> MemberMix:
    """Two grouped queries over the published members, whatever the network's size: one
    by kind, size class and WZ section together, one by the district of the main site."""
    members = published_members(network)
    kinds = dict(OrganisationKind.choices)
    by_kind: Counter[str] = Counter()
    by_size: Counter[str] = Counter()
    by_section: Counter[str] = Counter()
    rows = (
        members.order_by()
        .values_list("kind", "employee_size_class", "primary_wz__section")
        .annotate(n=Count("pk"))
    )
    for kind, size, section, n in rows:
        by_kind[kind] += n
        if kind == OrganisationKind.COMPANY and size:
            by_size[size] += n
        if section is not None:
            by_section[section] += n
    total = sum(by_kind.values())
    companies = by_kind.get(OrganisationKind.COMPANY, 0)
    section_titles = dict(
        WzCode.objects.filter(version="2008", level=1, code__in=by_section).values_list(
            "code", "title_short"
        )
    )

    # From the members to their main site (one each: a constraint), so no distinct count.
    district_rows = (
        members.filter(sites__is_primary=True, sites__district__isnull=False)
        .order_by()
        .values("sites__district_id", "sites__district__name")
        .annotate(n=Count("pk"))
    )

    return MemberMix(
        total=total,
        by_kind=_sorted(
            Share(kind, str(kinds.get(kind, kind)), n, total) for kind, n in by_kind.items()
        ),
        companies=companies,
        companies_by_size=[
            Share(size.value, str(size.label), by_size[size.value], companies)
            for size in EmployeeSizeClass
            if size.value in by_size
        ],
        by_wz_section=sorted(
            (
                Share(section, f"{section} {section_titles.get(section, '')}".strip(), n, total)
                for section, n in by_section.items()
            ),
            key=lambda share: share.value,
        ),
        by_district=_sorted(
            Share(str(row["sites__district_id"]), row["sites__district__name"], row["n"], total)
            for row in district_rows
        ),
    )


def _sorted(shares: Iterable[Share]) -> list[Share]:
    return sorted(shares, key=lambda share: (-share.count, share.label))


def network_queryset() -> QuerySet[Organisation]:
    """Published networks and clusters, with their profile row where one exists."""
    return (
        Organisation.objects.published()
        .filter(kind__in=NETWORK_KINDS)
        .select_related("network_profile__carrier")
    )


def profile_of(network: Organisation) -> NetworkProfile:
    """The network's profile, or an unsaved empty one: every network gets a page."""
    try:
        return network.network_profile  # type: ignore[attr-defined, no-any-return]
    except NetworkProfile.DoesNotExist:
        return NetworkProfile(organisation=network)


def with_member_counts(networks: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Each network annotated with ``member_count``: its published members."""
    published = Q(members__organisation__status=PublicationStatus.PUBLISHED)
    return networks.annotate(member_count=Count("members", filter=published))
