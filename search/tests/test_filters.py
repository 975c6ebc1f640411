"""Filters, facet counts, radius, sorting and the map — checked against the database."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from django.db.models import Q

from classification.models import CertificationStandard, GrowthField, Technology
from directory.choices import OrganisationKind
from directory.models import Organisation
from geo.geocoding import haversine_km
from search import services
from search.query import BBox, Point, SearchQuery

from .helpers import PLACES, index_all, make_org, names

pytestmark = pytest.mark.django_db

ILMENAU = Point(50.6843, 10.9193)


@pytest.fixture
def mixed(engine_name):
    """Forty organisations spread over kinds, places, sizes, codes, networks, growth fields."""
    rng = random.Random(7)
    networks = [
        make_org("Netzwerk Optik e. V.", kind=OrganisationKind.NETWORK, place="jena"),
        make_org("Cluster Maschinenbau e. V.", kind=OrganisationKind.NETWORK, place="erfurt"),
    ]
    growth = list(GrowthField.objects.values_list("name", flat=True)[:3])
    certs = list(CertificationStandard.objects.values_list("name", flat=True)[:3])
    codes = ["25.62.0", "26.70.0", "32.50.1", "62.01.9", "28.41.0"]
    kinds = [OrganisationKind.COMPANY] * 4 + [
        OrganisationKind.RESEARCH_INSTITUTE,
        OrganisationKind.UNIVERSITY,
    ]
    for i in range(40):
        place = rng.choice(list(PLACES))
        make_org(
            f"Firma {i:02d} {'Präzision' if i % 3 else 'Optik'}",
            description="Feinmechanik und Optik" if i % 2 else "Präzisionsteile",
            kind=rng.choice(kinds),
            place=place,
            wz=rng.choice(codes),
            size=rng.choice(["micro", "small", "medium", "large", ""]),
            growth=rng.sample(growth, rng.randint(0, 2)),
            certs=rng.sample(certs, rng.randint(0, 2)),
            networks=rng.sample(networks, rng.randint(0, 1)),
            lat=PLACES[place][3] + rng.uniform(-0.05, 0.05),
            lon=PLACES[place][4] + rng.uniform(-0.05, 0.05),
        )
    index_all()
    return networks


def db_filter(facet: str, values: list[str]) -> Q:
    if facet == "kind":
        return Q(kind__in=values)
    if facet == "size":
        return Q(employee_size_class__in=values)
    if facet == "district":
        return Q(sites__is_primary=True, sites__district__ags__in=values)
    if facet == "wz":
        return (
            Q(primary_wz__code__in=values)
            | Q(primary_wz__parent__code__in=values)
            | Q(primary_wz__parent__parent__code__in=values)
            | Q(primary_wz__parent__parent__parent__code__in=values)
            | Q(primary_wz__section__in=values)
        )
    if facet == "growth":
        return Q(growth_fields__pk__in=values)
    if facet == "cert":
        return Q(certifications__standard__pk__in=values)
    if facet == "network":
        return Q(memberships__network__pk__in=values)
    raise AssertionError(facet)


def db_ids(text_q: Q, filters: dict[str, list[str]]) -> set[int]:
    qs = Organisation.objects.published().filter(text_q)
    for facet, values in filters.items():
        qs = qs.filter(db_filter(facet, values))
    return set(qs.values_list("pk", flat=True))


def db_facet_counts(text_q: Q, filters: dict[str, list[str]], facet: str) -> dict[str, int]:
    """What a facet must show: counted with every filter but its own."""
    others = {k: v for k, v in filters.items() if k != facet}
    ids = db_ids(text_q, others)
    orgs = Organisation.objects.filter(pk__in=ids)
    counts: dict[str, int] = {}
    for org in orgs.prefetch_related(
        "sites__district", "growth_fields", "certifications", "memberships"
    ):
        if facet == "kind":
            values = {org.kind}
        elif facet == "size":
            values = {org.employee_size_class or "unknown"}
        elif facet == "district":
            values = {s.district.ags for s in org.sites.all() if s.is_primary and s.district}
        elif facet == "growth":
            values = {str(g.pk) for g in org.growth_fields.all()}
        elif facet == "cert":
            values = {str(c.standard_id) for c in org.certifications.all()}
        elif facet == "network":
            values = {str(m.network_id) for m in org.memberships.all()}
        else:
            raise AssertionError(facet)
        for value in values:
            counts[value] = counts.get(value, 0) + 1
    return counts


@pytest.mark.parametrize(
    "text,filters",
    [
        ("", {}),
        ("Optik", {}),
        ("", {"kind": ["company"]}),
        ("", {"district": ["16070", "16053"]}),
        ("Optik", {"kind": ["company", "research"], "size": ["small", "medium"]}),
        ("", {"wz": ["C"], "district": ["16051"]}),
    ],
)
def test_facet_counts_match_a_plain_database_count(mixed, text, filters):
    networks = mixed
    growth_ids = [str(pk) for pk in GrowthField.objects.values_list("pk", flat=True)[:1]]
    if text == "" and not filters:
        filters = {"growth": growth_ids, "network": [str(networks[0].pk)]}
    text_q = Q(name__icontains=text) | Q(description__icontains=text) if text else Q()
    results = services.search(SearchQuery(text=text, filters=filters, limit=100))
    assert {i.organisation.pk for i in results.items} == db_ids(text_q, filters)
    assert results.total == len(db_ids(text_q, filters))
    shown = {f.name: {v.value: v.count for v in f.values} for f in results.facets}
    for facet in ("kind", "size", "district", "growth", "cert", "network"):
        expected = db_facet_counts(text_q, filters, facet)
        expected.pop("unknown", None)  # no size class given: not offered as a filter
        got = {k: v for k, v in shown[facet].items() if v}
        assert got == expected, facet


@pytest.mark.parametrize("combinations", [64, 2])
@pytest.mark.parametrize(
    "case", ["two growth fields", "one network and three sizes", "area, text and two certificates"]
)
def test_facets_under_several_selections_match_a_plain_database_count(
    mixed, case, combinations, monkeypatch
):
    """Every facet counts under all filters but its own, whatever mix is selected: facets
    with one value per organisation (kind, size, district), a facet of which an
    organisation may have several values with one or with several selected, an area;
    also where too many combinations of selected values make a facet count apart."""
    from search.backends import tantivy_engine

    monkeypatch.setattr(tantivy_engine, "NESTED_MAX_COMBINATIONS", combinations)
    networks = mixed
    # The fixture's values, in the models' own order.
    growth = [str(pk) for pk in GrowthField.objects.values_list("pk", flat=True)[:3]]
    certs = [str(pk) for pk in CertificationStandard.objects.values_list("pk", flat=True)[:3]]
    text, area = "", None
    if case == "two growth fields":
        filters = {"growth": growth[:2], "kind": ["company"], "size": ["micro", "small", "medium"]}
    elif case == "one network and three sizes":
        filters = {"network": [str(networks[0].pk)], "size": ["micro", "small", "medium"]}
    else:
        text, area = "Optik", 50.0
        filters = {"cert": certs[:2], "kind": ["company", "university"], "growth": growth}
    text_q = Q(name__icontains=text) | Q(description__icontains=text) if text else Q()
    if area is not None:
        text_q &= Q(pk__in=within(area))
    query = SearchQuery(
        text=text,
        filters=filters,
        center=ILMENAU if area else None,
        radius_km=area,
        limit=100,
    )
    results = services.search(query)
    assert results.total == len(db_ids(text_q, filters)) > 0
    assert not results.facets_approximate
    shown = {f.name: {v.value: v.count for v in f.values} for f in results.facets}
    for facet in ("kind", "size", "district", "growth", "cert", "network"):
        expected = db_facet_counts(text_q, filters, facet)
        expected.pop("unknown", None)  # no size class given: not offered as a filter
        got = {k: v for k, v in shown[facet].items() if v}
        assert got == expected, (case, facet)


def test_wz_facet_walks_the_hierarchy(mixed):
    results = services.search(SearchQuery(limit=0))
    wz = next(f for f in results.facets if f.name == "wz")
    sections = {v.value: v.count for v in wz.values}
    assert sections == {
        "C": Organisation.objects.filter(primary_wz__section="C").count(),
        "J": Organisation.objects.filter(primary_wz__section="J").count(),
    }
    results = services.search(SearchQuery(filters={"wz": ["C"]}, limit=0))
    wz = next(f for f in results.facets if f.name == "wz")
    assert [crumb.value for crumb in wz.trail] == ["C"]
    divisions = {v.value: v.count for v in wz.values}
    assert set(divisions) == {"25", "26", "28", "32"}
    assert sum(divisions.values()) == sections["C"]
    results = services.search(SearchQuery(filters={"wz": ["26"]}, limit=100))
    assert results.total == Organisation.objects.filter(primary_wz__code__startswith="26").count()


def within(radius: float) -> set[int]:
    """Organisations whose main site lies within ``radius`` km of Ilmenau (database)."""
    return {
        org.pk
        for org in Organisation.objects.prefetch_related("sites")
        for site in org.sites.all()
        if site.is_primary
        and haversine_km(ILMENAU.lat, ILMENAU.lon, site.latitude or 0, site.longitude or 0)
        <= radius
    }


def test_radius_matches_the_distance_computed_in_the_database(mixed):
    for radius in (5, 15, 30):
        results = services.search(
            SearchQuery(center=ILMENAU, radius_km=radius, limit=100, facets=False)
        )
        assert {i.organisation.pk for i in results.items} == within(radius), radius
        assert all(
            i.distance_km is not None and i.distance_km <= radius + 0.1 for i in results.items
        )


def test_sort_by_distance_is_nearest_first_on_every_page(mixed):
    everyone = services.search(
        SearchQuery(center=ILMENAU, sort="distance", limit=100, facets=False)
    )
    distances = [i.distance_km or 0.0 for i in everyone.items]
    assert distances == sorted(distances)
    assert everyone.total == Organisation.objects.count()
    pages = [
        services.search(
            SearchQuery(center=ILMENAU, sort="distance", limit=7, offset=7 * n, facets=False)
        )
        for n in range(3)
    ]
    paged = [i.organisation.pk for p in pages for i in p.items]
    assert paged == [i.organisation.pk for i in everyone.items[:21]]


def test_sort_by_name_and_by_last_update(mixed):
    by_name = names(sort="name")
    assert by_name == sorted(by_name, key=lambda n: n.lower().replace("ä", "a"))
    newest = Organisation.objects.order_by("pk").first()
    assert newest is not None
    newest.description = "zuletzt geändert"
    newest.save()
    index_all()
    assert names(sort="updated")[0] == newest.name


def test_map_gives_clusters_whose_counts_add_up(mixed, monkeypatch):
    monkeypatch.setattr(services, "MAP_MAX_POINTS", 5)
    thuringia = BBox(50.2, 9.8, 51.7, 12.7)
    clusters, total = services.map_clusters(SearchQuery(bbox=thuringia), zoom=7)
    assert total == Organisation.objects.count()
    assert sum(c.count for c in clusters) == total
    assert all(c.id is None for c in clusters)
    assert len(clusters) < total
    # Below the limit: single points with their ids, exactly those in the viewport.
    monkeypatch.setattr(services, "MAP_MAX_POINTS", 500)
    jena = BBox(50.85, 11.45, 51.00, 11.75)
    points, count = services.map_clusters(SearchQuery(bbox=jena), zoom=12)
    in_jena = {
        org.pk
        for org in Organisation.objects.prefetch_related("sites")
        for site in org.sites.all()
        if jena.contains(site.latitude or 0, site.longitude or 0)
    }
    assert count == len(in_jena) > 0
    assert {p.id for p in points} == in_jena


def test_an_organisation_without_coordinates_is_found_but_on_no_map(mixed, monkeypatch):
    """An address that could not be geocoded: the organisation is found by its words,
    lies in no circle and on no map, however large the box, and comes last by distance."""
    from directory.models import Site

    nowhere = make_org("Ungeortet Optik GmbH", place="jena")
    Site.objects.filter(organisation=nowhere).update(latitude=None, longitude=None)
    index_all()
    assert names("Ungeortet") == ["Ungeortet Optik GmbH"]
    monkeypatch.setattr(services, "MAP_MAX_POINTS", 500)
    for box in (BBox(50.2, 9.8, 51.7, 12.7), BBox(-89.0, -179.0, 89.0, 179.0)):
        points, count = services.map_clusters(SearchQuery(bbox=box), zoom=7)
        assert count == Organisation.objects.count() - 1
        assert nowhere.pk not in {p.id for p in points}
    far = services.search(SearchQuery(center=ILMENAU, radius_km=500, limit=100, facets=False))
    assert nowhere.pk not in {i.organisation.pk for i in far.items}
    by_distance = services.search(
        SearchQuery(text="Optik", center=ILMENAU, sort="distance", limit=100, facets=False)
    )
    assert by_distance.items[-1].organisation.pk == nowhere.pk
    assert by_distance.items[-1].distance_km is None


def test_empty_result_suggests_what_to_relax(mixed):
    # No public body in the landscape: the kind filter empties the result.
    filters = {"kind": ["public"], "district": ["16053"]}
    results = services.search(SearchQuery(text="Optik", filters=filters, limit=5))
    assert results.total == 0
    relaxed = {r.label: r.total for r in results.relaxations}
    without_kind = services.search(
        SearchQuery(text="Optik", filters={"district": ["16053"]}, limit=0, facets=False)
    ).total
    assert relaxed == {"ohne den Filter „Art“": without_kind} or relaxed == {
        "without the filter “Kind”": without_kind
    }


def test_every_combination_of_two_filters_counts_right(mixed):
    networks = mixed
    options = {
        "kind": ["company"],
        "district": ["16051"],
        "size": ["small"],
        "network": [str(networks[1].pk)],
        "cert": [str(CertificationStandard.objects.order_by("pk").first().pk)],  # type: ignore[union-attr]
    }
    for a, b in itertools.combinations(options, 2):
        filters = {a: options[a], b: options[b]}
        results = services.search(SearchQuery(filters=filters, limit=0, facets=False))
        assert results.total == len(db_ids(Q(), filters)), filters


def test_technology_vocabulary_is_searchable(engine_name):
    tech = Technology.objects.order_by("pk").first()
    assert tech is not None
    make_org("Unbeschriebene GmbH", technologies=[tech.name])
    make_org("Andere GmbH")
    index_all()
    assert names(tech.name) == ["Unbeschriebene GmbH"]


def test_facets_of_a_large_result_are_estimated_and_say_so(mixed, client, monkeypatch):
    if services.engine().name != "tantivy":
        pytest.skip("Tantivy's sampling; PostgreSQL's: test_postgres_engine.py")
    from search.backends import tantivy_engine

    exact = services.search(SearchQuery(limit=0))
    assert not exact.facets_approximate
    monkeypatch.setattr(tantivy_engine, "FACET_SAMPLE_ABOVE", 10)
    monkeypatch.setattr(tantivy_engine, "FACET_SAMPLE_SIZE", 20)
    estimated = services.search(SearchQuery(limit=0))
    assert estimated.facets_approximate
    assert estimated.total == exact.total  # the number of hits stays exact
    kinds = {v.value: v.count for f in estimated.facets if f.name == "kind" for v in f.values}
    true = {v.value: v.count for f in exact.facets if f.name == "kind" for v in f.values}
    assert set(kinds) <= set(true)
    assert 0.4 * exact.total <= sum(kinds.values()) <= 1.8 * exact.total
    html = client.get("/suche/").content.decode()
    assert "≈" in html and "Stichprobe" in html


def test_network_facet_names_the_networks(mixed):
    networks = mixed
    results = services.search(SearchQuery())
    facet = next(f for f in results.facets if f.name == "network")
    labels = {v.value: v.label for v in facet.values}
    members = {
        str(n.pk): Organisation.objects.filter(memberships__network=n).count() for n in networks
    }
    assert {k: labels[k] for k in members if members[k]} == {
        str(n.pk): n.name for n in networks if members[str(n.pk)]
    }
    # A network chosen as a filter keeps its name even where nothing else matches.
    chosen = services.search(
        SearchQuery(text="Nichtsfindbares", filters={"network": [str(networks[0].pk)]})
    )
    facet = next(f for f in chosen.facets if f.name == "network")
    assert [(v.label, v.selected) for v in facet.values] == [(networks[0].name, True)]


def test_relevance_pages_are_the_same_however_tantivy_collects_them(mixed, monkeypatch):
    """Re-sorting the best by relevance with the quality factor gives Tantivy's own order."""
    if services.engine().name != "tantivy":
        pytest.skip("only Tantivy re-sorts")
    import datetime

    from search.backends import tantivy_engine

    # Every third profile verified: the factor reorders matches of equal relevance.
    verified = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))[::3]
    Organisation.objects.filter(pk__in=verified).update(last_verified=datetime.date.today())
    index_all()

    def pages(first: int, most: int) -> list[list[str]]:
        monkeypatch.setattr(tantivy_engine, "RERANK_FIRST", first)
        monkeypatch.setattr(tantivy_engine, "RERANK_MAX", most)
        return [
            [
                i.organisation.name
                for i in services.search(
                    SearchQuery(text=text, limit=4, offset=offset, facets=False)
                ).items
            ]
            for text in ("Optik", "Präzision Feinmechanik", "Firma")
            for offset in (0, 4, 8)
        ]

    by_tantivy = pages(1, 0)  # never re-sorts: Tantivy applies the factor
    assert pages(1, 10_000) == by_tantivy  # re-sorts few: proven exact, or Tantivy's way
    assert pages(100, 10_000) == by_tantivy  # re-sorts all
    assert any(len(page) == 4 for page in by_tantivy)


def test_chosen_facets_are_sampled_only_when_their_set_is_large(mixed, monkeypatch):
    """A facet with a selection counts under the other filters; the engine guesses the
    size of that set from term statistics and counts exactly when the guess was wrong."""
    if services.engine().name != "tantivy":
        pytest.skip("Tantivy's sampling; PostgreSQL's: test_postgres_engine.py")
    from search.backends.tantivy_engine import TantivyEngine

    query = SearchQuery(text="Optik", filters={"kind": ["company"], "size": ["small"]})
    exact = services.search(query)
    assert not exact.facets_approximate
    # A guess far too high: the sample shows the set is small, so it is counted exactly.
    monkeypatch.setattr(TantivyEngine, "_size_bound", lambda self, *args: (10**6, True))
    guessed = services.search(query)
    assert not guessed.facets_approximate
    assert [(f.name, [(v.value, v.count) for v in f.values]) for f in guessed.facets] == [
        (f.name, [(v.value, v.count) for v in f.values]) for f in exact.facets
    ]
    for facet in ("kind", "size"):
        others = {k: v for k, v in query.filters.items() if k != facet}
        optik = Q(name__icontains="Optik") | Q(description__icontains="Optik")
        expected = db_facet_counts(optik, others, facet)
        expected.pop("unknown", None)  # no size given: not offered as a filter value
        shown = {v.value: v.count for f in exact.facets if f.name == facet for v in f.values}
        assert shown == expected, facet


def test_radius_count_stays_exact_through_edits(mixed):
    """Edits leave deleted documents in the index until a merge; the number of
    organisations within a radius stays the database's."""
    query = SearchQuery(center=ILMENAU, radius_km=30, sort="distance", limit=5, facets=False)
    expected = within(30)
    assert 0 < len(expected) < Organisation.objects.count()
    assert services.search(query).total == len(expected)
    # Saving an organisation again replaces its document: the old one stays, deleted.
    first = min(expected)
    services.index_organisations([first])
    assert services.search(query).total == len(expected)
    Organisation.objects.filter(pk=first).delete()
    services.remove_organisations([first])
    result = services.search(query)
    assert result.total == len(expected) - 1
    assert first not in [i.organisation.pk for i in result.items]


@pytest.mark.parametrize("above", [40_000, 10, 30])
def test_side_by_side_passes_give_what_one_after_another_gives(mixed, settings, monkeypatch, above):
    """The page and the facet passes run in parallel, with sample sizes guessed before
    the number of hits is known; the answers are those of running them in turn."""
    if services.engine().name != "tantivy":
        pytest.skip("only Tantivy runs passes side by side")
    from search.backends import tantivy_engine

    monkeypatch.setattr(tantivy_engine, "FACET_SAMPLE_ABOVE", above)
    monkeypatch.setattr(tantivy_engine, "FACET_SAMPLE_SIZE", max(20, above // 2))
    queries = [
        SearchQuery(),
        SearchQuery(text="Optik"),
        SearchQuery(text="Präzision Feinmechanik"),
        SearchQuery(center=ILMENAU, radius_km=30, sort="distance"),
        SearchQuery(text="Optik", filters={"kind": ["company"], "size": ["small", "medium"]}),
        SearchQuery(filters={"district": ["16053", "16070"]}, center=ILMENAU, radius_km=50),
    ]

    def answers() -> list[Any]:
        found = []
        for query in queries:
            result = services.search(query)
            found.append(
                (
                    result.total,
                    [i.organisation.pk for i in result.items],
                    result.facets_approximate,
                    [(f.name, [(v.value, v.count) for v in f.values]) for f in result.facets],
                )
            )
        return found

    settings.SEARCH_PARALLEL = False
    in_turn = answers()
    settings.SEARCH_PARALLEL = True
    assert answers() == in_turn


def test_a_chosen_facet_with_a_small_set_is_exact_inside_a_large_result(mixed, monkeypatch):
    """The set a chosen facet counts (the result under the other filters) may be small
    while the result without facet filters is large: that facet is counted exactly."""
    if services.engine().name != "tantivy":
        pytest.skip("Tantivy's sampling; PostgreSQL's: test_postgres_engine.py")
    from search.backends import tantivy_engine

    monkeypatch.setattr(tantivy_engine, "FACET_SAMPLE_ABOVE", 12)
    monkeypatch.setattr(tantivy_engine, "FACET_SAMPLE_SIZE", 8)
    filters = {"wz": ["26"], "kind": ["company"]}
    result = services.search(SearchQuery(filters=filters))
    kinds = {v.value: v.count for f in result.facets if f.name == "kind" for v in f.values}
    expected = db_facet_counts(Q(), {"wz": ["26"]}, "kind")
    assert sum(expected.values()) <= 12 < Organisation.objects.count()
    assert kinds == expected
