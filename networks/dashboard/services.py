"""Key figures of networks and clusters for a period: for each network's managers (its
dashboard) and for the cluster management (all networks side by side).

Every figure is counted from records the portal keeps anyway: memberships and their
history, working groups, projects, partner clusters, labels, forwarded inquiries, matches
of requests and offers, relayed contacts. Nothing is typed in for the dashboard. Only
published organisations are counted as members (the dashboard shows what the public
pages show). What each figure means, and which indicator of the ECEI cluster
benchmarking it stands for, is written for operators in docs/networks.md ("KPI
dashboard").

One set of grouped queries serves one network and all of them: the overview asks the
same functions with every network at once, so its cost does not grow with a query per
network.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncMonth
from django.utils import timezone

from core.periods import EARLIEST, Period
from directory.choices import NETWORK_KINDS, EmployeeSizeClass, OrganisationKind
from directory.models import Membership, Organisation
from inquiries.models import Inquiry
from messaging.models import Conversation, Participant
from sourcing.choices import PostingKind
from sourcing.models import Posting, PostingMatch

from .. import activities
from ..choices import Cooperation, ProjectStatus
from ..models import NetworkProject, PartnerCluster, QualityLabel, WorkingGroup
from ..services import MemberMix, member_mix

# How ``sourcing.contact`` names an organisation as a party of a relayed conversation.
ORGANISATION_KEY = "organisation:"

HistoricalMembership = Membership.history.model  # type: ignore[attr-defined]


# --- Membership over time ------------------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """One organisation's membership in one network from the day it began to the day it
    ended (``None`` while it lasts)."""

    network_id: int
    organisation_id: int
    start: datetime.date
    end: datetime.date | None

    def member_on(self, day: datetime.date) -> bool:
        """A member at the end of ``day``: joined on or before it and not left by then."""
        return self.start <= day and (self.end is None or self.end > day)


def _local_day(moment: datetime.datetime) -> datetime.date:
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(timezone.get_current_timezone()).date()


def join_day(recorded: datetime.datetime, since: int | None) -> datetime.date:
    """When a membership began: the day it was recorded, or the 1 January of its "member
    since" year when that year lies before (a member recorded later than they joined)."""
    day = _local_day(recorded)
    if since is not None and EARLIEST.year <= since < day.year:
        return datetime.date(since, 1, 1)
    return day


def stays(networks: Sequence[Organisation]) -> list[Stay]:
    """Every membership of the networks, past ones included, of organisations published
    now.

    The change history of the memberships is walked per membership: a row that creates
    it (or the first row where history began later) starts a stay, a row that deletes it
    or moves it to another network ends it. Memberships written without history (the
    demo generator's bulk rows) start on the day they were recorded.
    """
    ids = [network.pk for network in networks]
    published = Organisation.objects.published().values("pk")
    rows = (
        HistoricalMembership.objects.filter(
            id__in=HistoricalMembership.objects.filter(network_id__in=ids).values("id")
        )
        .order_by("id", "history_date", "history_id")
        .values_list(
            "id",
            "history_type",
            "history_date",
            "network_id",
            "organisation_id",
            "since",
            "created",
        )
    )
    wanted = set(ids)
    found: list[Stay] = []
    state: tuple[int, int] | None = None
    begun: datetime.date | None = None
    current_id = None
    for pk, kind, when, network_id, organisation_id, since, created in rows:
        if pk != current_id:
            if state is not None and begun is not None and state[0] in wanted:
                found.append(Stay(state[0], state[1], begun, None))
            current_id, state, begun = pk, None, None
        new = None if kind == "-" else (network_id, organisation_id)
        if new == state:
            continue
        day = _local_day(when)
        if state is not None and state[0] in wanted and begun is not None:
            found.append(Stay(state[0], state[1], begun, day))
        if new is None:
            begun = None
        elif state is None:
            begun = join_day(created, since) if created is not None else day
        else:
            begun = day  # moved here from another network (or another organisation)
        state = new
    if state is not None and begun is not None and state[0] in wanted:
        found.append(Stay(state[0], state[1], begun, None))
    for network_id, organisation_id, since, created in (
        Membership.objects.filter(network_id__in=ids)
        .exclude(Exists(HistoricalMembership.objects.filter(id=OuterRef("pk"))))
        .values_list("network_id", "organisation_id", "since", "created")
    ):
        found.append(Stay(network_id, organisation_id, join_day(created, since), None))
    # Subqueries rather than a list of ids: a large network's members do not fit into
    # one statement's parameters.
    visible = set(
        published.filter(memberships__network_id__in=ids).values_list("pk", flat=True)
    ) | set(
        published.filter(
            pk__in=HistoricalMembership.objects.filter(network_id__in=ids).values("organisation_id")
        ).values_list("pk", flat=True)
    )
    return [stay for stay in found if stay.organisation_id in visible]


@dataclass(frozen=True)
class Growth:
    """Members at the start and at the end of a span, and who joined and left in it."""

    label: str
    at_start: int
    at_end: int
    joined: int
    left: int
    key: Any = None

    @property
    def change(self) -> int:
        return self.at_end - self.at_start

    @property
    def rate(self) -> float | None:
        """The change as a share of the members at the start (None without any)."""
        return self.change / self.at_start if self.at_start else None


def growth(
    found: Iterable[Stay],
    first: datetime.date,
    last: datetime.date,
    label: str = "",
    key: Any = None,
) -> Growth:
    """Members at the end of the day before ``first`` and at the end of ``last``, and the
    joins and leaves of the days between (both included)."""
    before = first - datetime.timedelta(days=1)
    at_start = at_end = joined = left = 0
    for stay in found:
        at_start += stay.member_on(before)
        at_end += stay.member_on(last)
        joined += first <= stay.start <= last
        left += stay.end is not None and first <= stay.end <= last
    return Growth(label, at_start, at_end, joined, left, key)


def _month_end(month: datetime.date) -> datetime.date:
    following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def growth_per_month(found: Sequence[Stay], period: Period) -> list[Growth]:
    """Every month the period touches (cut to the period at both ends)."""
    return [
        growth(
            found,
            max(month, period.start),
            min(_month_end(month), period.end),
            month.strftime("%m/%Y"),
            month,
        )
        for month in period.months()
    ]


def growth_per_year(found: Sequence[Stay], period: Period) -> list[Growth]:
    return [
        growth(
            found,
            max(datetime.date(year, 1, 1), period.start),
            min(datetime.date(year, 12, 31), period.end),
            str(year),
            year,
        )
        for year in period.years()
    ]


# --- Composition ---------------------------------------------------------------------------

RESEARCH_KINDS = (OrganisationKind.RESEARCH_INSTITUTE, OrganisationKind.UNIVERSITY)
SME_SIZES = (EmployeeSizeClass.MICRO, EmployeeSizeClass.SMALL, EmployeeSizeClass.MEDIUM)


@dataclass(frozen=True)
class Composition:
    """The members as the ECEI benchmarking groups them: SMEs, large companies (by the
    EU size classes of head count), research (institutes and universities), others."""

    total: int
    sme: int
    large: int
    companies_unknown_size: int
    research: int
    others: int


def composition(mix: MemberMix) -> Composition:
    sizes = {share.value: share.count for share in mix.companies_by_size}
    kinds = {share.value: share.count for share in mix.by_kind}
    sme = sum(sizes.get(size, 0) for size in SME_SIZES)
    large = sizes.get(EmployeeSizeClass.LARGE, 0)
    research = sum(kinds.get(kind, 0) for kind in RESEARCH_KINDS)
    return Composition(
        total=mix.total,
        sme=sme,
        large=large,
        companies_unknown_size=mix.companies - sme - large,
        research=research,
        others=mix.total - mix.companies - research,
    )


# --- Activities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    name: str
    members: int
    next_meeting: datetime.date | None


def working_group_rows(network: Organisation) -> list[GroupRow]:
    """Each working group with the number of its published member organisations."""
    published = Q(members__status="published")
    return [
        GroupRow(group.name, group.n, group.next_meeting)
        for group in WorkingGroup.objects.filter(network=network)
        .annotate(n=Count("members", filter=published))
        .order_by("order", "name")
    ]


# --- Per network, side by side -------------------------------------------------------------


@dataclass
class NetworkFigures:
    """The key figures of one network for a period."""

    network: Organisation
    growth: Growth
    working_groups: int = 0
    group_participants: int = 0
    projects: dict[str, int] = field(default_factory=dict)
    partners_in_region: int = 0
    partners_outside: int = 0
    labels: list[str] = field(default_factory=list)
    inquiries: int = 0
    requests: int = 0
    offers: int = 0
    matches: int = 0
    matched_postings: int = 0
    contacts: int = 0
    contacts_answered: int = 0
    contacts_to_network: int = 0

    @property
    def projects_total(self) -> int:
        return sum(self.projects.values())

    @property
    def projects_running(self) -> int:
        return self.projects.get(ProjectStatus.RUNNING, 0)


def _members(networks: Sequence[Organisation]) -> QuerySet[Membership]:
    """The memberships of the networks' published members, today."""
    return Membership.objects.filter(
        network__in=networks, organisation__status="published"
    ).order_by()


def _organisation_key(field_name: str) -> Concat:
    return Concat(Value(ORGANISATION_KEY), Cast(field_name, output_field=CharField()))


def _contact_rows(networks: Sequence[Organisation], period: Period) -> list[tuple[str, int, Any]]:
    """(recipient key, conversation, first answer) of the conversations started in the
    period with one of the networks' members or a network itself as the recipient."""
    start, end = period.bounds()
    member_keys = _members(networks).annotate(key=_organisation_key("organisation_id"))
    network_keys = [f"{ORGANISATION_KEY}{network.pk}" for network in networks]
    return list(
        Participant.objects.filter(
            Q(key__in=member_keys.values("key")) | Q(key__in=network_keys),
            side=Participant.Side.RECIPIENT,
            conversation__created__gte=start,
            conversation__created__lt=end,
        )
        .order_by()  # the default order would join the DISTINCT
        .values_list("key", "conversation_id", "conversation__first_reply_at")
        .distinct()
    )


def _partner_counts(networks: Sequence[Organisation]) -> dict[int, tuple[int, int]]:
    """(in the region, outside it) per network, as its page lists its partners
    (``activities.partner_links``): a cooperation recorded by both sides once, by the
    network's own record, and partners that are not published left off."""
    ids = {network.pk for network in networks}
    links: dict[int, dict[Any, bool]] = defaultdict(dict)
    records = PartnerCluster.objects.filter(
        Q(network__in=networks) | Q(partner__in=networks)
    ).order_by("pk")
    for own, partner, in_region, network_status, partner_status, pk in records.values_list(
        "network_id", "partner_id", "in_region", "network__status", "partner__status", "pk"
    ):
        if own in ids and (partner is None or partner_status == "published"):
            links[own][("org", partner) if partner else ("name", pk)] = in_region
        if partner in ids and network_status == "published":
            links[partner].setdefault(("org", own), True)
    result = {}
    for pk in ids:
        inside = sum(links[pk].values())
        result[pk] = (inside, len(links[pk]) - inside)
    return result


def network_figures(
    networks: Sequence[Organisation], period: Period, found: Sequence[Stay] | None = None
) -> list[NetworkFigures]:
    """The key figures of each network, in the order given."""
    if not networks:
        return []
    found = stays(networks) if found is None else found
    per_network: dict[int, list[Stay]] = defaultdict(list)
    for stay in found:
        per_network[stay.network_id].append(stay)
    result = {
        network.pk: NetworkFigures(
            network=network,
            growth=growth(per_network[network.pk], period.start, period.end, network.name),
        )
        for network in networks
    }
    _count_activities(result, networks, period)
    _count_sourcing(result, networks, period)
    _count_contacts(result, networks, period)
    return [result[network.pk] for network in networks]


def _count_activities(
    result: dict[int, NetworkFigures], networks: Sequence[Organisation], period: Period
) -> None:
    """Working groups, projects, partner clusters and the labels valid at the end."""
    for group_row in (
        WorkingGroup.objects.filter(network__in=networks)
        .order_by()
        .values("network_id")
        .annotate(
            n=Count("pk", distinct=True),
            people=Count("members", filter=Q(members__status="published"), distinct=True),
        )
    ):
        result[group_row["network_id"]].working_groups = group_row["n"]
        result[group_row["network_id"]].group_participants = group_row["people"]
    for project_row in (
        NetworkProject.objects.filter(network__in=networks)
        .order_by()
        .values("network_id", "status")
        .annotate(n=Count("pk"))
    ):
        result[project_row["network_id"]].projects[project_row["status"]] = project_row["n"]
    for pk, (inside, outside) in _partner_counts(networks).items():
        result[pk].partners_in_region, result[pk].partners_outside = inside, outside
    for label in QualityLabel.objects.filter(
        activities.current_labels_q(period.end), network__in=networks
    ).order_by("-awarded", "pk"):
        result[label.network_id].labels.append(label.title)


def _count_sourcing(
    result: dict[int, NetworkFigures], networks: Sequence[Organisation], period: Period
) -> None:
    """Inquiries forwarded to the networks, and the requests, offers and matches of their
    members, in the period."""
    start, end = period.bounds()
    for inquiry_row in (
        Inquiry.objects.filter(forwarded_to__in=networks, created__gte=start, created__lt=end)
        .order_by()
        .values("forwarded_to_id")
        .annotate(n=Count("pk"))
    ):
        result[inquiry_row["forwarded_to_id"]].inquiries = inquiry_row["n"]
    network_of_member = "organisation__memberships__network_id"
    for posting_row in (
        Posting.objects.filter(
            organisation__status="published",
            organisation__memberships__network__in=networks,
            published_at__gte=start,
            published_at__lt=end,
        )
        .order_by()
        .values(network_of_member, "kind")
        .annotate(n=Count("pk"))
    ):
        figures = result[posting_row[network_of_member]]
        if posting_row["kind"] == PostingKind.REQUEST:
            figures.requests = posting_row["n"]
        else:
            figures.offers = posting_row["n"]
    for match_row in (
        PostingMatch.objects.filter(
            organisation__status="published",
            organisation__memberships__network__in=networks,
            created__gte=start,
            created__lt=end,
        )
        .order_by()
        .values(network_of_member)
        .annotate(n=Count("pk"), postings=Count("posting_id", distinct=True))
    ):
        figures = result[match_row[network_of_member]]
        figures.matches, figures.matched_postings = match_row["n"], match_row["postings"]


def _count_contacts(
    result: dict[int, NetworkFigures], networks: Sequence[Organisation], period: Period
) -> None:
    """Conversations started in the period with a member (each once per network, however
    many of its members it reached) or with the network itself."""
    networks_of: dict[str, list[int]] = defaultdict(list)
    for organisation_id, network_id in _members(networks).values_list(
        "organisation_id", "network_id"
    ):
        networks_of[f"{ORGANISATION_KEY}{organisation_id}"].append(network_id)
    contacts: dict[int, dict[int, bool]] = defaultdict(dict)
    to_network: dict[int, set[int]] = defaultdict(set)
    for key, conversation, first_reply in _contact_rows(networks, period):
        for network_id in networks_of.get(key, ()):
            contacts[network_id][conversation] = first_reply is not None
        target = key.removeprefix(ORGANISATION_KEY)
        if target.isdigit() and int(target) in result:
            to_network[int(target)].add(conversation)
    for pk, figures in result.items():
        figures.contacts = len(contacts[pk])
        figures.contacts_answered = sum(contacts[pk].values())
        figures.contacts_to_network = len(to_network[pk])


# --- One network's months ------------------------------------------------------------------


def _month_of(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return _local_day(value).replace(day=1)
    return value.replace(day=1)


def _per_month(rows: Iterable[Mapping[str, Any]]) -> dict[datetime.date, int]:
    return {_month_of(row["month"]): row["n"] for row in rows}


@dataclass(frozen=True)
class MonthRow:
    growth: Growth
    inquiries: int
    matches: int
    contacts: int


def months(network: Organisation, period: Period, found: Sequence[Stay]) -> list[MonthRow]:
    """Members, joins and leaves, forwarded inquiries, matches and contacts per month."""
    zone = timezone.get_current_timezone()
    start, end = period.bounds()
    inquiries = _per_month(
        Inquiry.objects.filter(forwarded_to=network, created__gte=start, created__lt=end)
        .order_by()
        .annotate(month=TruncMonth("created", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
    )
    matches = _per_month(
        PostingMatch.objects.filter(
            organisation__status="published",
            organisation__memberships__network=network,
            created__gte=start,
            created__lt=end,
        )
        .order_by()
        .annotate(month=TruncMonth("created", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
    )
    member_keys = _members([network]).annotate(key=_organisation_key("organisation_id"))
    contacts = _per_month(
        Conversation.objects.filter(
            created__gte=start,
            created__lt=end,
            participants__side=Participant.Side.RECIPIENT,
            participants__key__in=member_keys.values("key"),
        )
        .order_by()
        .annotate(month=TruncMonth("created", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk", distinct=True))
    )
    return [
        MonthRow(
            row,
            inquiries.get(row.key, 0),
            matches.get(row.key, 0),
            contacts.get(row.key, 0),
        )
        for row in growth_per_month(found, period)
    ]


# --- Everything for a page -----------------------------------------------------------------


@dataclass
class Dashboard:
    """One network's dashboard."""

    network: Organisation
    period: Period
    figures: NetworkFigures
    mix: MemberMix
    composition: Composition
    months: list[MonthRow]
    years: list[Growth]
    groups: list[GroupRow]
    partners_by_cooperation: list[tuple[str, int, int]]
    labels: list[QualityLabel]


def partners_by_cooperation(network: Organisation) -> list[tuple[str, int, int]]:
    """(kind of cooperation, in the region, outside) as the network's page lists them."""
    counts: dict[str, list[int]] = {kind.value: [0, 0] for kind in Cooperation}
    for link in activities.partner_links(network):
        counts[link.cooperation][0 if link.in_region else 1] += 1
    return [
        (str(Cooperation(kind).label), inside, outside)
        for kind, (inside, outside) in counts.items()
        if inside or outside
    ]


def dashboard(network: Organisation, period: Period) -> Dashboard:
    found = stays([network])
    mix = member_mix(network)
    return Dashboard(
        network=network,
        period=period,
        figures=network_figures([network], period, found)[0],
        mix=mix,
        composition=composition(mix),
        months=months(network, period, found),
        years=growth_per_year(found, period),
        groups=working_group_rows(network),
        partners_by_cooperation=partners_by_cooperation(network),
        labels=activities.labels(network, period.end),
    )


@dataclass
class Overview:
    """Every published network side by side, with the totals."""

    period: Period
    rows: list[NetworkFigures]
    member_organisations: int  # distinct: an organisation in two networks counts once

    @property
    def networks(self) -> list[Organisation]:
        return [row.network for row in self.rows]

    def total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.rows)

    def total_growth(self, name: str) -> int:
        return sum(getattr(row.growth, name) for row in self.rows)


def overview(period: Period) -> Overview:
    networks = list(
        Organisation.objects.published().filter(kind__in=NETWORK_KINDS).order_by("name", "pk")
    )
    found = stays(networks)
    members = {stay.organisation_id for stay in found if stay.member_on(period.end)}
    return Overview(
        period=period,
        rows=network_figures(networks, period, found),
        member_organisations=len(members),
    )
