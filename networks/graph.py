"""The partner graph: networks, their members and partner clusters as nodes and edges.

One function builds it for the JSON endpoint, the table view and the CSV export alike,
so the three never disagree. It reads rows (``values()``), not model instances: with
every demo network and its members the graph has well over a thousand nodes, and three
plain queries cost a few milliseconds where instances and their related objects would
cost tens (docs/performance.md, "Partner graph").

Only published organisations appear. A partner outside the directory is part of its
network's record and shows with it; partners of the same name (letter case aside) are
one node, so two networks cooperating with the same outside cluster meet there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from classification.models import GrowthField
from directory.choices import NETWORK_KINDS, MembershipRole, OrganisationKind, PublicationStatus
from directory.models import Membership, Organisation, Site
from geo.models import District

from .choices import Cooperation
from .models import PartnerCluster

NETWORK = "network"
MEMBER = "member"
EXTERNAL = "external"
MEMBERSHIP = "member"
PARTNERSHIP = "partner"


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    name: str
    group: str  # NETWORK, MEMBER or EXTERNAL
    kind: str  # the organisation's kind as shown
    url: str = ""
    place: str = ""  # the district of the main site, or where an outside partner is


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    relation: str  # MEMBERSHIP or PARTNERSHIP
    label: str  # the member's role or the kind of cooperation


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def node_map(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes}

    def as_json(self) -> dict[str, Any]:
        return {
            "nodes": [
                {
                    "id": n.id,
                    "name": n.name,
                    "group": n.group,
                    "kind": n.kind,
                    "url": n.url,
                    "place": n.place,
                }
                for n in self.nodes
            ],
            "edges": [
                {"source": e.source, "target": e.target, "relation": e.relation, "label": e.label}
                for e in self.edges
            ],
        }

    def rows(self) -> Iterator[tuple[Node, Edge, Node]]:
        """Each edge with both its ends: the table view and the CSV export."""
        nodes = self.node_map()
        for edge in self.edges:
            yield nodes[edge.source], edge, nodes[edge.target]


def _matching(growth: GrowthField | None, district: District | None, ref: str = "pk") -> Q | None:
    """Organisations (``ref`` names their key) that carry the growth field and whose
    main site lies in the district; None without a filter."""
    condition = Q()
    if growth is not None:
        condition &= Q(
            Exists(
                Organisation.growth_fields.through.objects.filter(
                    organisation_id=OuterRef(ref), growthfield_id=growth.pk
                )
            )
        )
    if district is not None:
        condition &= Q(
            Exists(
                Site.objects.filter(
                    organisation_id=OuterRef(ref), is_primary=True, district_id=district.pk
                )
            )
        )
    return condition or None


def _district_name(ref: str = "pk") -> Subquery:
    return Subquery(
        Site.objects.filter(organisation_id=OuterRef(ref), is_primary=True).values(
            "district__name"
        )[:1]
    )


def _networks() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind__in=NETWORK_KINDS, status=PublicationStatus.PUBLISHED)


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def build_graph(growth: GrowthField | None = None, district: District | None = None) -> Graph:
    """The graph of the published networks, narrowed by growth field and district.

    The filters act on organisations: a member shows when it carries the growth field
    and its main site lies in the district; a network shows when it matches itself or
    has a member that does; partner cooperations show between the networks shown, and
    a network's partners outside the directory show with it.
    """
    kinds = dict(OrganisationKind.choices)
    roles = dict(MembershipRole.choices)
    cooperations = dict(Cooperation.choices)
    outside = str(_("partner cluster outside the directory"))
    condition = _matching(growth, district)
    # One reverse() per kind of page, not per node: a slug only fills the placeholder.
    network_url = reverse("networks:detail", args=["-slug-"])
    member_url = reverse("directory:organisation-detail", args=["-slug-"])

    network_rows = _networks().annotate(district_name=_district_name())
    if condition is not None:
        network_rows = network_rows.annotate(matches=condition)
    networks = list(
        network_rows.order_by("name", "pk").values(
            "pk", "name", "slug", "kind", "district_name", *(["matches"] if condition else [])
        )
    )
    network_ids = {row["pk"] for row in networks}

    members = Membership.objects.filter(
        network__kind__in=NETWORK_KINDS,
        network__status=PublicationStatus.PUBLISHED,
        organisation__status=PublicationStatus.PUBLISHED,
    )
    member_condition = _matching(growth, district, ref="organisation_id")
    if member_condition is not None:
        members = members.filter(member_condition)
    member_rows = list(
        members.annotate(district_name=_district_name("organisation_id"))
        .order_by("organisation__name", "organisation_id", "network_id")
        .values(
            "network_id",
            "organisation_id",
            "role",
            "organisation__name",
            "organisation__slug",
            "organisation__kind",
            "district_name",
        )
    )

    shown = {row["pk"] for row in networks if condition is None or row["matches"]} | {
        row["network_id"] for row in member_rows
    }
    graph = Graph()
    seen: set[str] = set()

    def org_node(pk: int, name: str, slug: str, kind: str, district_name: str | None) -> str:
        node_id = f"o{pk}"
        if node_id not in seen:
            seen.add(node_id)
            graph.nodes.append(
                Node(
                    id=node_id,
                    name=name,
                    group=NETWORK if pk in network_ids else MEMBER,
                    kind=str(kinds.get(kind, kind)),
                    url=(network_url if pk in network_ids else member_url).replace("-slug-", slug),
                    place=district_name or "",
                )
            )
        return node_id

    for row in networks:
        if row["pk"] in shown:
            org_node(row["pk"], row["name"], row["slug"], row["kind"], row["district_name"])
    for row in member_rows:
        if row["organisation_id"] in network_ids and row["organisation_id"] not in shown:
            continue  # a network that is a member shows only where networks show
        member = org_node(
            row["organisation_id"],
            row["organisation__name"],
            row["organisation__slug"],
            row["organisation__kind"],
            row["district_name"],
        )
        graph.edges.append(
            Edge(
                member,
                f"o{row['network_id']}",
                MEMBERSHIP,
                str(roles.get(row["role"], row["role"])),
            )
        )

    partners = (
        PartnerCluster.objects.filter(network_id__in=shown)
        .filter(Q(partner__isnull=True) | Q(partner_id__in=shown))
        .order_by("pk")
        .values("network_id", "partner_id", "partner_name", "partner_location", "cooperation")
    )
    pairs: set[tuple[str, str]] = set()
    external: dict[str, str] = {}
    for row in partners:
        source = f"o{row['network_id']}"
        if row["partner_id"] is not None:
            target = f"o{row['partner_id']}"
        else:
            key = _key(row["partner_name"])
            if key not in external:
                external[key] = f"x{len(external) + 1}"
                graph.nodes.append(
                    Node(
                        id=external[key],
                        name=" ".join(row["partner_name"].split()),
                        group=EXTERNAL,
                        kind=outside,
                        place=row["partner_location"],
                    )
                )
            target = external[key]
        pair = (min(source, target), max(source, target))
        if pair in pairs:
            continue  # recorded by both networks: one cooperation, the first record's kind
        pairs.add(pair)
        label = str(cooperations.get(row["cooperation"], row["cooperation"]))
        graph.edges.append(Edge(source, target, PARTNERSHIP, label))
    return graph
