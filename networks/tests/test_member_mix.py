"""The member mix on a network's profile is counted from the directory's data."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from classification.models import WzCode
from directory.choices import EmployeeSizeClass, OrganisationKind, PublicationStatus
from directory.tests.factories import MembershipFactory, OrganisationFactory, SiteFactory
from geo.models import District
from networks.services import member_mix
from networks.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

KINDS = [
    OrganisationKind.COMPANY,
    OrganisationKind.COMPANY,
    OrganisationKind.COMPANY,
    OrganisationKind.RESEARCH_INSTITUTE,
    OrganisationKind.UNIVERSITY,
    OrganisationKind.PUBLIC_BODY,
    OrganisationKind.COMPANY,
]
SIZES = [*list(EmployeeSizeClass), ""]
STATUSES = [PublicationStatus.PUBLISHED] * 5 + [PublicationStatus.HIDDEN, PublicationStatus.DRAFT]


def test_every_figure_equals_a_plain_count_of_the_published_members() -> None:
    network = NetworkFactory.create()
    other_network = NetworkFactory.create()
    codes = list(WzCode.objects.filter(version="2008", level=5).order_by("code").distinct()[::120])
    assert len({code.section for code in codes}) > 2
    districts = list(District.objects.order_by("ags")[:3])
    members = []
    for n in range(40):
        kind = KINDS[n % len(KINDS)]
        organisation = OrganisationFactory.create(
            kind=kind,
            status=STATUSES[n % len(STATUSES)],
            employee_size_class=SIZES[n % len(SIZES)] if kind == OrganisationKind.COMPANY else "",
            primary_wz=codes[n % len(codes)] if n % 6 else None,
        )
        if n % 5:
            SiteFactory.create(organisation=organisation, district=districts[n % len(districts)])
        if n % 9 == 0:  # a branch never counts as the member's district
            SiteFactory.create(organisation=organisation, is_primary=False, district=districts[0])
        MembershipFactory.create(organisation=organisation, network=network)
        members.append(organisation)
    # Members of another network only, and a member of both, count once where they belong.
    for organisation in itertools.islice(members, 3):
        MembershipFactory.create(organisation=organisation, network=other_network)
    MembershipFactory.create(network=other_network)

    shown = [m for m in members if m.status == PublicationStatus.PUBLISHED]
    mix = member_mix(network)

    assert mix.total == len(shown)
    assert {s.value: s.count for s in mix.by_kind} == Counter(m.kind for m in shown)
    companies = [m for m in shown if m.kind == OrganisationKind.COMPANY]
    assert mix.companies == len(companies)
    assert {s.value: s.count for s in mix.companies_by_size} == Counter(
        m.employee_size_class for m in companies if m.employee_size_class
    )
    assert mix.unknown_size == sum(1 for m in companies if not m.employee_size_class)
    assert {s.value: s.count for s in mix.by_wz_section} == Counter(
        m.primary_wz.section for m in shown if m.primary_wz
    )
    assert mix.unknown_wz_section == sum(1 for m in shown if m.primary_wz is None)
    expected_districts = Counter(
        str(site.district_id) for m in shown for site in m.sites.all() if site.is_primary
    )
    assert {s.value: s.count for s in mix.by_district} == expected_districts
    assert mix.unknown_district == len(shown) - sum(expected_districts.values())
    # Bars are sorted by size and labelled with the section's title.
    assert [s.count for s in mix.by_kind] == sorted((s.count for s in mix.by_kind), reverse=True)
    first = mix.by_wz_section[0]
    assert first.label.startswith(first.value + " ") and len(first.label) > 3


def test_hiding_a_member_changes_the_mix_without_any_figure_typed_in() -> None:
    network = NetworkFactory.create()
    member = MembershipFactory.create(network=network).organisation
    MembershipFactory.create(network=network)
    assert member_mix(network).total == 2

    member.status = PublicationStatus.HIDDEN
    member.save()

    mix = member_mix(network)
    assert mix.total == 1
    assert sum(share.count for share in mix.by_kind) == 1
