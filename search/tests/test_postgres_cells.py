"""The PostgreSQL engine's map clusters kept per zoom level (``postgres_cells``): a map
of everything in a view counts every organisation with coordinates in the view once, in
its cell, whatever the view's edges cut; and every write of the index keeps the kept
figures in step (a save, a removal, a rebuild, clearing, folding the change rows)."""

from __future__ import annotations

import io
import random
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from directory.models import Organisation, Site
from search import services
from search.backends import postgres_cells
from search.backends.postgres_engine import PostgresEngine
from search.documents import CLUSTER_LEVELS, cell_id
from search.query import BBox, SearchQuery

from .helpers import PLACES, make_org
from .test_filters import mixed  # noqa: F401  (a fixture, by name)

pytestmark = pytest.mark.django_db

# Views from the whole region down to a few streets, with edges anywhere.
ZOOMS = (6, 8, 10, 12, 14, 16, 18)


@pytest.fixture
def pg(engine_name, request) -> PostgresEngine:
    if engine_name != "postgres":
        pytest.skip("the PostgreSQL engine's own behaviour")
    request.getfixturevalue("mixed")
    engine = services.engine()
    assert isinstance(engine, PostgresEngine)
    return engine


def views(seed: int = 11, count: int = 60) -> list[tuple[BBox, int]]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        zoom = rng.choice(ZOOMS)
        place = PLACES[rng.choice(list(PLACES))]
        half = 180 / (1 << zoom) * rng.uniform(0.3, 3.0)
        lat = place[3] + rng.uniform(-0.06, 0.06)
        lon = place[4] + rng.uniform(-0.06, 0.06)
        found.append((BBox(lat - half / 1.6, lon - half, lat + half / 1.6, lon + half), zoom))
    return found


def expected(box: BBox, zoom: int) -> dict[int, tuple[int, float, float]]:
    """From the organisations' sites themselves: count and centre per cell in view."""
    level = services.cluster_level(zoom)
    groups: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    sites = Site.objects.filter(is_primary=True, latitude__isnull=False, longitude__isnull=False)
    for site_lat, site_lon in sites.values_list("latitude", "longitude"):
        lat, lon = float(site_lat or 0), float(site_lon or 0)
        if box.contains(lat, lon):
            entry = groups[cell_id(lat, lon, level)]
            entry[0] += 1
            entry[1] += lat
            entry[2] += lon
    return {cell: (int(n), la / n, lo / n) for cell, (n, la, lo) in groups.items()}


def shown(box: BBox, zoom: int, max_points: int = 0) -> tuple[dict[int, tuple], int]:
    level = services.cluster_level(zoom)
    eng = services.engine()
    query = SearchQuery(bbox=box)
    clusters, total = eng.clusters(query, services.plan(query), level, max_points)
    return {cell_id(c.lat, c.lon, level): (c.count, c.lat, c.lon) for c in clusters}, total


def assert_map_matches_sites() -> None:
    for box, zoom in views():
        want = expected(box, zoom)
        got, total = shown(box, zoom)
        assert total == sum(n for n, _la, _lo in want.values()), (box, zoom)
        assert {cell: n for cell, (n, _la, _lo) in got.items()} == {
            cell: n for cell, (n, _la, _lo) in want.items()
        }, (box, zoom)
        for cell, (_n, lat, lon) in want.items():
            assert got[cell][1:] == pytest.approx((lat, lon), abs=1e-9)


def test_every_view_counts_each_organisation_once_in_its_cell(pg):
    views_with_cut_edges = 0
    for box, zoom in views():
        if 0 < sum(n for n, _a, _b in expected(box, zoom).values()) < Organisation.objects.count():
            views_with_cut_edges += 1
    assert views_with_cut_edges >= 10  # the views cut the places' organisations apart
    assert_map_matches_sites()


def test_a_view_with_few_organisations_shows_each_as_a_point(pg):
    box, zoom = BBox(50.90, 10.95, 51.05, 11.10), 10  # around Erfurt
    level = services.cluster_level(zoom)
    query = SearchQuery(bbox=box)
    points, total = services.engine().clusters(query, services.plan(query), level, 1000)
    in_view = expected(box, zoom)
    assert total == sum(n for n, _a, _b in in_view.values()) > 0
    assert len(points) == total and all(p.id is not None and p.count == 1 for p in points)


def test_the_kept_clusters_equal_those_grouped_from_the_documents(pg):
    """The same views through the grouping of every document (the path of a filtered map)."""
    for box, zoom in views(seed=3, count=30):
        level = services.cluster_level(zoom)
        kept, kept_total = shown(box, zoom)
        grouped, grouped_total = pg._grouped_clusters(SearchQuery(bbox=box), None, level, 0)
        assert kept_total == grouped_total
        assert {cell: n for cell, (n, _a, _b) in kept.items()} == {
            cell_id(c.lat, c.lon, level): c.count for c in grouped
        }


def test_every_write_keeps_the_kept_clusters_in_step(pg, monkeypatch):
    monkeypatch.setattr(postgres_cells, "COMPACT_AFTER", 10**9)
    # A save that moves an organisation, one that gives a new one coordinates, a removal.
    site = Site.objects.filter(is_primary=True).order_by("pk").first()
    assert site is not None
    Site.objects.filter(pk=site.pk).update(latitude=50.70, longitude=10.93)  # to Ilmenau
    services.index_organisations([site.organisation_id])
    newcomer = make_org("Neue Firma", place="gera", lat=50.88, lon=12.08)
    services.index_organisations([newcomer.pk])
    gone = Organisation.objects.exclude(pk=newcomer.pk).order_by("-pk").first()
    assert gone is not None
    gone_pk = gone.pk
    gone.delete()
    services.remove_organisations([gone_pk])
    assert_map_matches_sites()
    # The change rows folded: the same figures, one row per cell and level.
    with connection.cursor() as cursor:
        pg._cells.compact(cursor)
        cursor.execute("SELECT count(*), count(DISTINCT (level, row, col)) FROM search_pg_cell")
        rows, cells = cursor.fetchone()
    assert rows == cells
    assert_map_matches_sites()
    # A rebuild sums them anew; clearing leaves nothing on the map.
    services.rebuild_index()
    assert_map_matches_sites()
    services.engine().clear()
    everything = BBox(47.0, 5.0, 55.0, 15.0)
    assert shown(everything, 6) == ({}, 0)


def test_writers_fold_the_change_rows_as_they_go(pg, monkeypatch):
    monkeypatch.setattr(postgres_cells, "COMPACT_AFTER", 1)
    pks = list(Organisation.objects.values_list("pk", flat=True)[:5])
    for pk in pks:
        Site.objects.filter(organisation_id=pk, is_primary=True).update(
            latitude=50.93, longitude=11.58
        )
        services.index_organisations([pk])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT (level, row, col)) FROM search_pg_cell")
        rows, cells = cursor.fetchone()
    assert rows == cells
    assert_map_matches_sites()


def test_levels_of_the_table_are_the_cluster_levels(pg):
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT level FROM search_pg_cell ORDER BY level")
        assert [level for (level,) in cursor.fetchall()] == list(CLUSTER_LEVELS)


@translation.override("en")
def test_the_index_check_finds_and_repairs_kept_clusters_that_differ(pg):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_pg_cell WHERE level = 12")
        cursor.execute("UPDATE search_pg_cell SET n = n + 1 WHERE level = 18")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_search_index", "--no-progress", stdout=out)
    assert "map clusters kept per zoom level differ" in out.getvalue()
    call_command("check_search_index", "--repair", "--no-progress", stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_search_index", "--no-progress", stdout=out)
    assert "differ" not in out.getvalue()
    assert_map_matches_sites()


@pytest.mark.django_db(transaction=True, available_apps=["search"])
def test_a_fold_passes_over_rows_another_transaction_holds(engine_name):
    """A writer's fold never waits for another writer's open transaction (an import that
    folded and goes on): it folds what it may and leaves the rest for later."""
    if engine_name != "postgres":
        pytest.skip("the PostgreSQL engine's own behaviour")
    import psycopg

    table = postgres_cells.CellTable()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_pg_cell")
        cursor.execute(
            "INSERT INTO search_pg_cell (level, row, col, n, lat, lon) VALUES "
            "(10, 1, 1, 1, 50.0, 11.0), (10, 1, 1, 1, 51.0, 12.0), (10, 1, 1, -1, -50.0, -11.0), "
            "(10, 2, 2, 2, 100.0, 22.0)"
        )
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    try:
        held = other.execute("SELECT ctid FROM search_pg_cell WHERE row = 2 FOR UPDATE").fetchall()
        assert len(held) == 1
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '5s'")
            table.compact(cursor)  # does not wait for ``other``
            cursor.execute("SET statement_timeout = 0")
            cursor.execute(
                "SELECT row, count(*), sum(n), sum(lat), sum(lon) FROM search_pg_cell "
                "GROUP BY row ORDER BY row"
            )
            assert cursor.fetchall() == [(1, 1, 1, 51.0, 12.0), (2, 1, 2, 100.0, 22.0)]
    finally:
        other.rollback()
        other.close()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_pg_cell")
