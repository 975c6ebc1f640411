"""The partner graph: what it shows, what the filters leave, its CSV and its JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.choices import OrganisationKind, PublicationStatus
from directory.tests.factories import (
    GrowthFieldFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
)
from geo.models import District
from networks.choices import Cooperation
from networks.graph import EXTERNAL, MEMBER, NETWORK, build_graph
from networks.models import PartnerCluster
from networks.tests.factories import NetworkFactory
from search.tests.test_fuzz_get import VALUE

pytestmark = pytest.mark.django_db


@pytest.fixture
def region() -> dict[str, Any]:
    """Two networks in Jena and Erfurt with members, partners both ways and outside."""
    jena = District.objects.get(ags="16053")
    erfurt = District.objects.get(ags="16051")
    photonics = GrowthFieldFactory.create(name="Photonik")
    optics = NetworkFactory.create(name="Optiknetz Jena")
    SiteFactory.create(organisation=optics, district=jena)
    optics.growth_fields.add(photonics)
    logistics = NetworkFactory.create(name="Logistiknetz Erfurt", kind=OrganisationKind.CLUSTER)
    SiteFactory.create(organisation=logistics, district=erfurt)
    hidden_network = NetworkFactory.create(
        name="Verborgenes Netzwerk", status=PublicationStatus.HIDDEN
    )

    lens = OrganisationFactory.create(name="Linsenschleiferei GmbH")
    SiteFactory.create(organisation=lens, district=jena)
    lens.growth_fields.add(photonics)
    carrier = OrganisationFactory.create(name="Spedition Kurz GmbH")
    SiteFactory.create(organisation=carrier, district=erfurt)
    draft = OrganisationFactory.create(name="Entwurf GmbH", status=PublicationStatus.DRAFT)
    for organisation, network in (
        (lens, optics),
        (lens, logistics),
        (carrier, logistics),
        (draft, optics),
        (carrier, hidden_network),
    ):
        MembershipFactory.create(organisation=organisation, network=network)

    PartnerCluster.objects.create(
        network=optics, partner=logistics, in_region=True, cooperation=Cooperation.PROJECTS
    )
    PartnerCluster.objects.create(
        network=logistics, partner=optics, in_region=True, cooperation=Cooperation.EVENTS
    )
    PartnerCluster.objects.create(network=optics, partner=hidden_network, in_region=True)
    PartnerCluster.objects.create(
        network=optics, partner_name="Photonik-Verbund Nordhessen", partner_location="Kassel"
    )
    PartnerCluster.objects.create(
        network=logistics,
        partner_name=" Photonik-verbund  Nordhessen",
        cooperation=Cooperation.EXCHANGE,
    )
    return {
        "optics": optics,
        "logistics": logistics,
        "lens": lens,
        "carrier": carrier,
        "photonics": photonics,
        "jena": jena,
        "erfurt": erfurt,
    }


def names(graph: Any, group: str | None = None) -> set[str]:
    return {node.name for node in graph.nodes if group is None or node.group == group}


def relations(graph: Any) -> set[tuple[str, str, str]]:
    return {(a.name, edge.relation, b.name) for a, edge, b in graph.rows()}


def test_the_graph_shows_published_networks_members_and_partners(region: dict[str, Any]) -> None:
    graph = build_graph()

    assert names(graph, NETWORK) == {"Optiknetz Jena", "Logistiknetz Erfurt"}
    assert names(graph, MEMBER) == {"Linsenschleiferei GmbH", "Spedition Kurz GmbH"}
    # Two networks' partners of the same name (case and spaces aside) are one node.
    assert names(graph, EXTERNAL) == {"Photonik-Verbund Nordhessen"}
    assert "Verborgenes Netzwerk" not in names(graph) and "Entwurf GmbH" not in names(graph)
    assert relations(graph) == {
        ("Linsenschleiferei GmbH", "member", "Optiknetz Jena"),
        ("Linsenschleiferei GmbH", "member", "Logistiknetz Erfurt"),
        ("Spedition Kurz GmbH", "member", "Logistiknetz Erfurt"),
        ("Optiknetz Jena", "partner", "Logistiknetz Erfurt"),
        ("Optiknetz Jena", "partner", "Photonik-Verbund Nordhessen"),
        ("Logistiknetz Erfurt", "partner", "Photonik-Verbund Nordhessen"),
    }
    # Recorded by both networks, the cooperation is one edge with the first record's kind.
    partner_edges = [edge for edge in graph.edges if edge.relation == "partner"]
    assert partner_edges[0].label == "gemeinsame Projekte"
    place = {node.name: node.place for node in graph.nodes}
    assert place["Optiknetz Jena"] == "Jena" and place["Photonik-Verbund Nordhessen"] == "Kassel"


def test_a_partnership_shows_from_both_networks(region: dict[str, Any]) -> None:
    PartnerCluster.objects.filter(network=region["logistics"], partner__isnull=False).delete()
    graph = build_graph()
    logistics_id = f"o{region['logistics'].pk}"
    optics_id = f"o{region['optics'].pk}"
    neighbours = {
        edge.source if edge.target == logistics_id else edge.target
        for edge in graph.edges
        if logistics_id in (edge.source, edge.target) and edge.relation == "partner"
    }
    assert optics_id in neighbours  # recorded only by the optics network


def test_the_filters_narrow_the_graph(region: dict[str, Any]) -> None:
    by_growth = build_graph(growth=region["photonics"])
    assert names(by_growth, MEMBER) == {"Linsenschleiferei GmbH"}
    # The logistics network shows through its photonics member, with the partnership.
    assert names(by_growth, NETWORK) == {"Optiknetz Jena", "Logistiknetz Erfurt"}
    assert ("Spedition Kurz GmbH", "member", "Logistiknetz Erfurt") not in relations(by_growth)

    by_district = build_graph(district=region["erfurt"])
    assert names(by_district, MEMBER) == {"Spedition Kurz GmbH"}
    assert names(by_district, NETWORK) == {"Logistiknetz Erfurt"}
    assert relations(by_district) == {
        ("Spedition Kurz GmbH", "member", "Logistiknetz Erfurt"),
        # Named as the record shown names it, its spaces tidied.
        ("Logistiknetz Erfurt", "partner", "Photonik-verbund Nordhessen"),
    }

    nothing = build_graph(growth=region["photonics"], district=region["erfurt"])
    assert nothing.nodes == [] and nothing.edges == []


def test_the_graph_costs_three_queries_whatever_its_size(region: dict[str, Any]) -> None:
    for n in range(20):
        MembershipFactory.create(network=region["optics"], organisation__name=f"Mitglied {n}")
    with CaptureQueriesContext(connection) as queries:
        graph = build_graph(growth=region["photonics"], district=region["jena"])
    assert len(queries) == 3
    assert names(graph, NETWORK) == {"Optiknetz Jena", "Logistiknetz Erfurt"}


def test_the_json_endpoint_answers_the_filtered_graph(
    client: Client, region: dict[str, Any]
) -> None:
    url = reverse("networks:graph-json")
    data = client.get(url, {"district": "16051"}).json()
    assert {node["name"] for node in data["nodes"]} == {
        "Logistiknetz Erfurt",
        "Spedition Kurz GmbH",
        "Photonik-verbund Nordhessen",
    }
    carrier = next(node for node in data["nodes"] if node["name"] == "Spedition Kurz GmbH")
    assert carrier["url"] == region["carrier"].get_absolute_url()
    assert {edge["relation"] for edge in data["edges"]} == {"member", "partner"}
    # An unknown filter value is ignored, as on the list: the whole graph.
    assert len(client.get(url, {"growth": "gibt-es-nicht"}).json()["nodes"]) == 5


def test_the_csv_export_has_one_row_per_relation(client: Client, region: dict[str, Any]) -> None:
    response = client.get(reverse("networks:graph-csv"), {"growth": region["photonics"].slug})
    assert response["Content-Disposition"] == 'attachment; filename="partnergraph.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Organisation",
        "Art",
        "Beziehung",
        "Rolle oder Art der Kooperation",
        "Netzwerk oder Partner",
        "Art des Netzwerks oder Partners",
    ]
    member, partner = "Mitglied von", "Partner von"
    outside = "Partnercluster außerhalb des Verzeichnisses"
    assert sorted(rows[1:]) == sorted(
        [
            [
                "Linsenschleiferei GmbH",
                "Unternehmen",
                member,
                "Mitglied",
                "Optiknetz Jena",
                "Netzwerk",
            ],
            [
                "Linsenschleiferei GmbH",
                "Unternehmen",
                member,
                "Mitglied",
                "Logistiknetz Erfurt",
                "Cluster",
            ],
            [
                "Optiknetz Jena",
                "Netzwerk",
                partner,
                "gemeinsame Projekte",
                "Logistiknetz Erfurt",
                "Cluster",
            ],
            [
                "Optiknetz Jena",
                "Netzwerk",
                partner,
                "strategische Partnerschaft",
                "Photonik-Verbund Nordhessen",
                outside,
            ],
            [
                "Logistiknetz Erfurt",
                "Cluster",
                partner,
                "Erfahrungsaustausch",
                "Photonik-Verbund Nordhessen",
                outside,
            ],
        ]
    )


def test_the_page_lists_the_relations_without_javascript(
    client: Client, region: dict[str, Any]
) -> None:
    listing = client.get(reverse("networks:list")).content.decode()
    assert reverse("networks:graph") in listing
    page = client.get(reverse("networks:graph"), {"district": "16051"}).content.decode()
    table = page[page.index('id="graph-relations"') :]
    assert table.count("<tr>") == 3  # the header and two relations
    assert "Spedition Kurz GmbH" in table and "Photonik-verbund Nordhessen" in table
    assert "Linsenschleiferei" not in table
    assert "graph.json?district=16051" in page  # the drawing asks for the same graph
    assert "<script>" not in page and 'style="' not in page


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(["networks:graph", "networks:graph-json", "networks:graph-csv"]),
    growth=st.lists(VALUE, max_size=2),
    district=st.lists(VALUE, max_size=2),
    other=st.lists(VALUE, max_size=1),
)
def test_no_hostile_filter_value_is_a_server_error(
    client: Client,
    region: dict[str, Any],
    route: str,
    growth: list[str],
    district: list[str],
    other: list[str],
) -> None:
    params = {"growth": growth, "district": district, "page": other}
    response = client.get(reverse(route), params)
    assert response.status_code < 500
    if response.status_code == 200 and route == "networks:graph-json":
        assert isinstance(response.json()["nodes"], list)


def test_the_graph_offers_only_the_filters_it_applies(client: Any) -> None:
    form = client.get("/netzwerke/graph/").context["filter_form"]
    assert set(form.fields) == {"growth", "district"}
