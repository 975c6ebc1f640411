"""The key figures of a network, checked against plain counts of the records they are
made of: memberships and their history, working groups, projects, partner clusters,
labels, forwarded inquiries, matches and relayed contacts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.periods import Period
from directory.choices import EmployeeSizeClass, OrganisationKind, PublicationStatus
from directory.models import Membership
from directory.tests.factories import OrganisationFactory
from inquiries.models import Inquiry
from messaging import relay
from messaging.models import Conversation
from networks.dashboard import services
from networks.models import NetworkProject, PartnerCluster, QualityLabel, WorkingGroup
from networks.tests.factories import NetworkFactory
from sourcing.models import Posting, PostingMatch
from sourcing.tests.postings_factories import PostingFactory

pytestmark = pytest.mark.django_db

HistoricalMembership = Membership.history.model  # type: ignore[attr-defined]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def join(network: Any, organisation: Any, day: datetime.date, since: int | None = None) -> Any:
    """A membership recorded on ``day`` (its history row and its timestamp moved there)."""
    membership = Membership.objects.create(network=network, organisation=organisation, since=since)
    Membership.objects.filter(pk=membership.pk).update(created=at(day))
    HistoricalMembership.objects.filter(id=membership.pk, history_type="+").update(
        history_date=at(day), created=at(day)
    )
    return membership


def leave(membership: Any, day: datetime.date) -> None:
    pk = membership.pk
    membership.delete()
    HistoricalMembership.objects.filter(id=pk, history_type="-").update(history_date=at(day))


D = datetime.date


@pytest.fixture
def world() -> dict[str, Any]:
    network = NetworkFactory.create(name="Kunststoffnetz e. V.")
    other = NetworkFactory.create(name="Logistiknetz e. V.")
    sme = OrganisationFactory.create(name="Klein GmbH", employee_size_class=EmployeeSizeClass.SMALL)
    large = OrganisationFactory.create(name="Groß AG", employee_size_class=EmployeeSizeClass.LARGE)
    institute = OrganisationFactory.create(
        name="Institut", kind=OrganisationKind.RESEARCH_INSTITUTE
    )
    hidden = OrganisationFactory.create(name="Verborgen GmbH", status=PublicationStatus.HIDDEN)
    gone = OrganisationFactory.create(name="Ausgetreten GmbH")
    old = OrganisationFactory.create(name="Altmitglied GmbH", employee_size_class="")
    join(network, sme, D(2026, 2, 10))
    join(network, large, D(2026, 3, 5))
    join(network, institute, D(2026, 3, 20))
    join(network, hidden, D(2026, 3, 21))
    leave(join(network, gone, D(2026, 1, 15)), D(2026, 4, 2))
    # Recorded in 2026, a member since 2019: counts from 1 January 2019.
    join(network, old, D(2026, 5, 3), since=2019)
    # Written without history (as the demo generator does): counts from its timestamp.
    bulk = OrganisationFactory.create(name="Massen GmbH")
    Membership.objects.bulk_create([Membership(network=network, organisation=bulk)])
    Membership.objects.filter(organisation=bulk).update(created=at(D(2025, 11, 30)))
    # A member of the other network too.
    join(other, sme, D(2026, 1, 5))
    return {
        "network": network,
        "other": other,
        "sme": sme,
        "large": large,
        "institute": institute,
        "hidden": hidden,
        "gone": gone,
        "old": old,
        "bulk": bulk,
    }


def test_members_today_are_the_published_memberships(world: dict[str, Any]) -> None:
    network = world["network"]
    today = timezone.localdate()
    growth = services.growth(services.stays([network]), today, today)
    plain = Membership.objects.filter(network=network, organisation__status="published").count()
    assert growth.at_end == plain == 5


def test_joins_and_leaves_per_month(world: dict[str, Any]) -> None:
    found = services.stays([world["network"]])
    months = services.growth_per_month(found, Period(D(2026, 1, 1), D(2026, 5, 31)))
    # old (since 2019) and bulk (November 2025) were members before January.
    assert [(m.label, m.at_start, m.joined, m.left, m.at_end) for m in months] == [
        ("01/2026", 2, 1, 0, 3),  # gone joins
        ("02/2026", 3, 1, 0, 4),  # sme
        ("03/2026", 4, 2, 0, 6),  # large, institute (hidden does not count)
        ("04/2026", 6, 0, 1, 5),  # gone leaves
        ("05/2026", 5, 0, 0, 5),  # old was recorded, but counts since 2019
    ]
    years = services.growth_per_year(found, Period(D(2019, 1, 1), D(2026, 12, 31)))
    assert [(y.label, y.joined, y.left, y.at_end) for y in years] == [
        ("2019", 1, 0, 1),
        ("2020", 0, 0, 1),
        ("2021", 0, 0, 1),
        ("2022", 0, 0, 1),
        ("2023", 0, 0, 1),
        ("2024", 0, 0, 1),
        ("2025", 1, 0, 2),
        ("2026", 4, 1, 5),
    ]
    first = years[0]
    assert first.at_start == 0 and first.rate is None
    assert years[-1].rate == pytest.approx(1.5)  # from 2 to 5


def test_a_membership_moved_to_another_network_ends_there(world: dict[str, Any]) -> None:
    network, other = world["network"], world["other"]
    membership = Membership.objects.get(network=network, organisation=world["large"])
    membership.network = other
    membership.save()
    moved = HistoricalMembership.objects.filter(id=membership.pk, history_type="~")
    moved.update(history_date=at(D(2026, 6, 1)))
    here = services.growth(services.stays([network]), D(2026, 6, 1), D(2026, 6, 30))
    there = services.growth(services.stays([other]), D(2026, 6, 1), D(2026, 6, 30))
    assert (here.left, here.joined) == (1, 0)
    assert (there.left, there.joined) == (0, 1)


def test_the_composition_follows_the_eu_size_classes(world: dict[str, Any]) -> None:
    board = services.dashboard(world["network"], Period(D(2026, 1, 1), D(2026, 12, 31)))
    c = board.composition
    published = Membership.objects.filter(
        network=world["network"], organisation__status="published"
    )
    assert c.total == published.count() == 5
    assert (
        c.sme
        == published.filter(
            organisation__kind="company",
            organisation__employee_size_class__in=["micro", "small", "medium"],
        ).count()
    )
    assert (c.sme, c.large, c.research) == (1, 1, 1)
    assert c.sme + c.large + c.companies_unknown_size + c.research + c.others == c.total


def test_activities_and_labels_against_plain_counts(world: dict[str, Any]) -> None:
    network, other = world["network"], world["other"]
    group = WorkingGroup.objects.create(network=network, name="Recycling")
    group.members.add(world["sme"], world["hidden"], world["large"])
    WorkingGroup.objects.create(network=network, name="Leichtbau").members.add(world["sme"])
    WorkingGroup.objects.create(network=other, name="Lager")
    for status in ("running", "running", "completed"):
        NetworkProject.objects.create(
            network=network, title=f"P {status}", summary="x", status=status
        )
    for record in (
        PartnerCluster(network=network, partner=other),
        PartnerCluster(network=other, partner=network),  # the same cooperation
        PartnerCluster(network=network, partner_name="Plastics Cluster Lyon"),
        PartnerCluster(network=network, partner_name="Kunststoff Sachsen", in_region=True),
    ):
        record.clean()  # as the forms do: a partner of the directory is in the region
        record.save()
    QualityLabel.objects.create(
        network=network,
        scheme="ecei",
        level="silver",
        awarded=D(2025, 1, 1),
        valid_until=D(2026, 12, 31),
    )
    QualityLabel.objects.create(
        network=network,
        scheme="ecei",
        level="bronze",
        awarded=D(2022, 1, 1),
        valid_until=D(2024, 12, 31),
    )
    period = Period(D(2026, 1, 1), D(2026, 6, 30))
    mine, theirs = services.network_figures([network, other], period)
    assert mine.working_groups == WorkingGroup.objects.filter(network=network).count() == 2
    # Published organisations in any group, each once.
    assert mine.group_participants == 2
    assert (
        mine.projects_running
        == NetworkProject.objects.filter(network=network, status="running").count()
        == 2
    )
    assert mine.projects_total == 3
    assert (mine.partners_in_region, mine.partners_outside) == (2, 1)
    assert (theirs.partners_in_region, theirs.partners_outside) == (1, 0)
    assert mine.labels == [QualityLabel.objects.get(level="silver").title]
    assert theirs.working_groups == 1 and theirs.labels == []
    # The dashboard's table of partners agrees with the network's page and the overview.
    rows = services.partners_by_cooperation(network)
    assert sum(inside for _kind, inside, _outside in rows) == mine.partners_in_region
    assert sum(outside for _kind, _inside, outside in rows) == mine.partners_outside


def _contact(organisation: Any, created: datetime.datetime, answered: bool) -> Conversation:
    conversation = relay.start_conversation(
        about=f"organisation:{organisation.pk}",
        about_title=organisation.name,
        about_url="",
        subject="Anfrage",
        sender=relay.Party(key=f"visitor:{created.timestamp()}", name="Max", address="m@x.example"),
        recipient=[
            relay.Party(key=f"organisation:{organisation.pk}", name="A", address="a@x.example"),
            relay.Party(key=f"organisation:{organisation.pk}", name="B", address="b@x.example"),
        ],
        body="Hallo",
    )
    if answered:
        relay.reply(conversation, conversation.participants.filter(side="recipient")[0], "Ja")
    Conversation.objects.filter(pk=conversation.pk).update(created=created)
    return conversation


def _inquiry(forwarded_to: Any, created: datetime.datetime, number: int) -> Inquiry:
    inquiry = Inquiry.objects.create(
        reference=f"A-K-{number:05d}",
        name="Eva",
        email="eva@x.example",
        message="Frage",
        consent_at=created,
        consent_version="1",
        status="forwarded",
        forwarded_to=forwarded_to,
        due_at=created,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(created=created)
    return inquiry


def test_inquiries_matches_and_contacts_against_plain_counts(world: dict[str, Any]) -> None:
    network, other = world["network"], world["other"]
    inside, before = at(D(2026, 3, 3)), at(D(2025, 12, 3))
    _inquiry(network, inside, 1)
    _inquiry(network, inside, 2)
    _inquiry(network, before, 3)
    _inquiry(other, inside, 4)
    posting = PostingFactory.create(kind="request", published_at=inside, status="published")
    for organisation in (world["sme"], world["large"], world["hidden"], world["gone"]):
        PostingMatch.objects.create(posting=posting, organisation=organisation, score=0.5)
    PostingMatch.objects.filter(organisation=world["large"]).update(created=inside)
    PostingMatch.objects.filter(organisation=world["sme"]).update(created=inside)
    PostingMatch.objects.filter(organisation=world["gone"]).update(created=inside)
    PostingMatch.objects.filter(organisation=world["hidden"]).update(created=inside)
    PostingFactory.create(
        kind="offer", organisation=world["large"], published_at=inside, status="published"
    )
    _contact(world["sme"], inside, answered=True)
    _contact(world["large"], inside, answered=False)
    _contact(world["hidden"], inside, answered=True)
    _contact(world["large"], before, answered=True)
    _contact(network, inside, answered=False)
    period = Period(D(2026, 1, 1), D(2026, 6, 30))
    start, end = period.bounds()
    mine, theirs = services.network_figures([network, other], period)

    assert (
        mine.inquiries
        == Inquiry.objects.filter(forwarded_to=network, created__gte=start, created__lt=end).count()
        == 2
    )
    assert theirs.inquiries == 1
    members = Membership.objects.filter(network=network, organisation__status="published").values(
        "organisation"
    )
    assert (
        mine.matches
        == PostingMatch.objects.filter(
            organisation__in=members, created__gte=start, created__lt=end
        ).count()
        == 2
    )  # sme and large; the hidden and the departed member do not count
    assert mine.matched_postings == 1
    assert theirs.matches == 1  # sme is a member there too
    assert (
        mine.offers
        == Posting.objects.filter(
            organisation__in=members, kind="offer", published_at__gte=start
        ).count()
        == 1
    )
    keys = [f"organisation:{pk}" for pk in members.values_list("organisation", flat=True)]
    plain = Conversation.objects.filter(
        participants__key__in=keys, created__gte=start, created__lt=end
    ).distinct()
    assert mine.contacts == plain.count() == 2
    assert mine.contacts_answered == plain.filter(first_reply_at__isnull=False).count() == 1
    assert mine.contacts_to_network == 1
    assert theirs.contacts == 1

    board = services.dashboard(network, period)
    march = next(row for row in board.months if row.growth.key == D(2026, 3, 1))
    assert (march.inquiries, march.matches, march.contacts) == (2, 2, 2)
    assert sum(row.inquiries for row in board.months) == 2


def test_the_overview_totals_and_distinct_members(world: dict[str, Any]) -> None:
    NetworkFactory.create(name="Verborgenes Netz", status=PublicationStatus.HIDDEN)
    overview = services.overview(Period(D(2026, 1, 1), D(2026, 6, 30)))
    names = [row.network.name for row in overview.rows]
    assert names == ["Kunststoffnetz e. V.", "Logistiknetz e. V."]
    assert overview.total_growth("at_end") == 5 + 1
    # sme is in both networks: counted once among the organisations.
    assert overview.member_organisations == 5


def test_the_overview_asks_as_often_for_many_networks_as_for_two(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    period = Period(D(2026, 1, 1), D(2026, 6, 30))
    with CaptureQueriesContext(connection) as two:
        services.overview(period)
    for n in range(6):
        more = NetworkFactory.create(name=f"Weiteres Netz {n}")
        Membership.objects.create(network=more, organisation=OrganisationFactory.create())
        WorkingGroup.objects.create(network=more, name="AG")
    with django_assert_num_queries(len(two.captured_queries)):
        overview = services.overview(period)
    assert len(overview.rows) == 8
