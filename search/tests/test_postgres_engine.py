"""The PostgreSQL engine at scale: sampled facet counts, the RUM candidates and the
fallback to GIN alone. The thresholds are made tiny and the sample buckets set by hand,
so that forty organisations behave like a large index, deterministically."""

from __future__ import annotations

import datetime
import random
import threading
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q

from classification.models import CertificationStandard
from core.testing import TRANSACTIONAL_APPS
from directory.choices import OrganisationKind
from directory.models import Organisation
from search import services
from search.backends import postgres_beside, postgres_engine, postgres_facets
from search.backends.tantivy_engine import sample_bucket
from search.query import SearchQuery, quality_factor

from .helpers import PLACES, index_all, make_org
from .test_filters import ILMENAU, db_facet_counts, mixed  # noqa: F401  (a fixture, by name)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pg(engine_name, request):
    """The forty organisations of ``mixed`` in the PostgreSQL engine."""
    if engine_name != "postgres":
        pytest.skip("the PostgreSQL engine's own behaviour")
    request.getfixturevalue("mixed")
    return services.engine()


def every_fourth_in_the_sample() -> None:
    """Every fourth organisation in bucket 0, the others in bucket 40: the documents
    below level 16 are a quarter of the index, spread evenly."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_pg_document SET sample = CASE WHEN mod(id, 4) = 0 THEN 0 ELSE 40 END"
        )


def tiny_thresholds(monkeypatch: pytest.MonkeyPatch, exact_up_to: int = 10) -> None:
    monkeypatch.setattr(postgres_facets, "FACET_EXACT_UP_TO", exact_up_to)
    monkeypatch.setattr(postgres_facets, "FACET_SAMPLE_SIZE", 5)


def counts(results: Any, facet: str) -> dict[str, int]:
    return {v.value: v.count for f in results.facets if f.name == facet for v in f.values}


def test_documents_carry_their_sample_bucket_and_quality_factor(pg):
    verified = Organisation.objects.order_by("pk").first()
    assert verified is not None
    Organisation.objects.filter(pk=verified.pk).update(last_verified=datetime.date.today())
    services.index_organisations([verified.pk])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, sample, boost, quality FROM search_pg_document")
        rows = cursor.fetchall()
    assert len(rows) == Organisation.objects.count()
    for pk, sample, boost, quality in rows:
        assert sample == sample_bucket(pk)  # the Tantivy engine's buckets
        assert boost == pytest.approx(quality_factor(quality))
    assert any(boost > 1 for _pk, _sample, boost, _quality in rows)


def test_facets_of_a_small_result_are_exact(pg):
    results = services.search(SearchQuery(text="Optik"))
    assert not results.facets_approximate and not results.total_approximate
    optik = Q(name__icontains="Optik") | Q(description__icontains="Optik")
    for facet in ("kind", "district", "growth", "cert", "network"):
        assert counts(results, facet) == db_facet_counts(optik, {}, facet), facet


def test_facets_of_a_large_result_are_estimated_and_the_page_says_so(pg, client, monkeypatch):
    exact = services.search(SearchQuery(limit=0))
    every_fourth_in_the_sample()
    tiny_thresholds(monkeypatch)
    estimated = services.search(SearchQuery(limit=0))
    assert estimated.facets_approximate
    assert estimated.total == exact.total  # the number of hits stays exact
    sampled = [org.kind for org in Organisation.objects.all() if org.pk % 4 == 0]
    kinds = counts(estimated, "kind")
    # Four times the sample's count of each kind.
    assert kinds == {kind: 4 * sampled.count(kind) for kind in set(sampled)}
    assert set(kinds) <= set(counts(exact, "kind"))
    html = client.get("/suche/").content.decode()
    assert "≈" in html and "Stichprobe" in html
    api = client.get("/api/v1/search").json()
    assert api["facets_approximate"] is True


def test_the_total_of_a_large_result_is_estimated_and_the_page_says_about(pg, client, monkeypatch):
    exact = services.search(SearchQuery(text="Firma", limit=0))
    assert not exact.total_approximate and exact.total == 40
    every_fourth_in_the_sample()
    monkeypatch.setattr(postgres_facets, "TOTAL_EXACT_UP_TO", 10)
    estimated = services.search(SearchQuery(text="Firma"))
    assert estimated.total_approximate
    in_sample = sum(
        1 for org in Organisation.objects.filter(name__startswith="Firma") if org.pk % 4 == 0
    )
    assert estimated.total == 4 * in_sample  # the quarter in the sample, scaled up
    assert len(estimated.items) == 20  # the page itself is not sampled
    html = client.get("/suche/", {"q": "Firma"}).content.decode()
    assert f"etwa {estimated.total} Organisationen" in html
    api = client.get("/api/v1/search", {"q": "Firma"}).json()
    assert api["total_approximate"] is True and api["total"] == estimated.total


def test_a_sample_that_shows_a_small_set_is_counted_again_exactly(pg, monkeypatch):
    query = SearchQuery(text="Optik", filters={"kind": ["company"], "size": ["small"]})
    exact = services.search(query)
    every_fourth_in_the_sample()
    # The set is thought large (so a sample is read), but the sample shows it is not.
    monkeypatch.setattr(postgres_facets, "buckets_for", lambda size: 16)
    again = services.search(query)
    assert not again.facets_approximate
    assert [(f.name, [(v.value, v.count) for v in f.values]) for f in again.facets] == [
        (f.name, [(v.value, v.count) for v in f.values]) for f in exact.facets
    ]


def test_a_chosen_facet_with_a_small_set_is_exact_inside_a_large_result(pg, monkeypatch):
    every_fourth_in_the_sample()
    with connection.cursor() as cursor:
        # None of the section's organisations in the sample: its set looks small.
        cursor.execute("UPDATE search_pg_document SET sample = 40 WHERE wz && ARRAY['26']")
    tiny_thresholds(monkeypatch, exact_up_to=12)
    filters = {"wz": ["26"], "kind": ["company"]}
    result = services.search(SearchQuery(filters=filters))
    expected = db_facet_counts(Q(), {"wz": ["26"]}, "kind")
    assert 0 < sum(expected.values()) <= 12 < Organisation.objects.count()
    assert counts(result, "kind") == expected  # its own set is small: exact
    assert result.facets_approximate  # the other facets count a large set: sampled


def _pages(queries: list[SearchQuery]) -> list[list[tuple[str, float]]]:
    return [
        [(i.organisation.name, round(i.score, 6)) for i in services.search(q).items]
        for q in queries
    ]


RANKED = [
    SearchQuery(text=text, limit=4, offset=offset, facets=False)
    for text in ("Optik", "Präzision Feinmechanik", "Firma")
    for offset in (0, 4, 8)
] + [SearchQuery(text="Firma", limit=4, sort="name", facets=False)]


def verify_every_third() -> None:
    """Every third profile verified: the factor reorders matches of equal relevance."""
    verified = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))[::3]
    Organisation.objects.filter(pk__in=verified).update(last_verified=datetime.date.today())
    services.rebuild_index()


def test_ranking_the_best_candidates_gives_the_full_ranking_on_a_small_set(pg, monkeypatch):
    if not pg.has_rum():
        pytest.skip("the RUM extension is not installed (scripts/ensure-postgres-rum)")
    verify_every_third()
    monkeypatch.setattr(postgres_engine, "RANK_EVERY_UP_TO", 0)  # candidates, even of 40
    with_candidates = _pages(RANKED)
    monkeypatch.setattr(pg, "_rum", set())  # every match ranked
    assert _pages(RANKED) == with_candidates
    assert any(len(page) == 4 for page in with_candidates)
    # Candidates fewer than the matches: the page still holds the best the RUM rank
    # offers, at most four times the page's end.
    monkeypatch.setattr(pg, "_rum", {postgres_engine.RUM_INDEX})
    monkeypatch.setattr(postgres_engine, "RERANK_CANDIDATES", 1)
    first = services.search(SearchQuery(text="Firma", limit=4, facets=False))
    assert len(first.items) == 4 and first.total == 40


def test_without_the_rum_index_the_engine_ranks_with_gin_alone(pg):
    verify_every_third()
    expected = _pages(RANKED)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {postgres_engine.RUM_INDEX}")
    fresh = postgres_engine.PostgresEngine()
    assert not fresh.has_rum()
    query_plans = [(q, services.plan(q)) for q in RANKED]
    found = [[h.id for h in fresh.search(q, p).hits] for q, p in query_plans]
    by_name = dict(Organisation.objects.values_list("name", "pk"))
    assert found == [[by_name[name] for name, _score in page] for page in expected]


def _plan(sql: str, *off: str) -> str:
    """The plan of ``sql`` with the planner's ``enable_<off>`` off: forty rows are read
    faster without an index, and the plan must show which index would serve."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for setting in off:
            cursor.execute(f"SET LOCAL enable_{setting} = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        # A savepoint's end keeps what SET LOCAL set, until the test's transaction ends.
        for setting in off:
            cursor.execute(f"SET LOCAL enable_{setting} TO DEFAULT")
        return plan


def test_the_rum_index_serves_only_the_ordered_read_of_the_candidates(pg, monkeypatch):
    """RUM's bitmap scans are many times slower than GIN's (88 against 3 ms for a need
    in a circle at 100,000), and the planner costs both alike: every other statement
    of a search must read the GIN index, whatever the planner would pick."""
    if not pg.has_rum():
        pytest.skip("the RUM extension is not installed (scripts/ensure-postgres-rum)")
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(postgres_beside, "THREADS", 0)
    query = SearchQuery(text="Firma Optik", limit=4, any_word=True)
    with CaptureQueriesContext(connection) as captured:
        assert services.search(query).items  # every match ranked
        monkeypatch.setattr(postgres_engine, "RANK_EVERY_UP_TO", 0)  # candidates, even of 40
        assert services.search(query).items
    statements = [q["sql"] for q in captured.captured_queries if "search_pg_document" in q["sql"]]
    texts = [sql for sql in statements if "@@" in sql and sql.lstrip().startswith("SELECT")]
    ordered = [sql for sql in texts if "<=>" in sql]
    assert ordered and len(ordered) < len(texts)
    plans = {
        sql: _plan(sql, "seqscan", "sort", "bitmapscan")
        if sql in ordered
        else _plan(sql, "seqscan", "indexscan")
        for sql in texts
    }
    for sql, plan in plans.items():
        if sql in ordered:
            assert postgres_engine.RUM_INDEX in plan, plan
        else:
            assert postgres_engine.RUM_INDEX not in plan, (sql, plan)
    # Where the words' matches are read through an index, it is GIN's.
    plan = _plan(
        "SELECT id FROM search_pg_document WHERE body @@ 'firma | optik'::tsquery",
        "seqscan",
        "indexscan",
    )
    assert "search_pg_document_body" in plan and postgres_engine.RUM_INDEX not in plan, plan


def test_a_circle_is_counted_through_the_places_of_its_sample_level(pg, monkeypatch):
    """A large result in a circle is counted on a sample level; the level's own index of
    places serves that count (at a million the whole box's rows were read into a bitmap:
    165,040 rows for 2,264, 132 ms), and a rebuild keeps the index."""
    from django.test.utils import CaptureQueriesContext

    every_fourth_in_the_sample()
    monkeypatch.setattr(postgres_beside, "THREADS", 0)
    monkeypatch.setattr(postgres_facets, "TOTAL_EXACT_UP_TO", 2)
    tiny_thresholds(monkeypatch, exact_up_to=2)
    query = SearchQuery(center=ILMENAU, radius_km=80, sort="distance")
    with CaptureQueriesContext(connection) as captured:
        results = services.search(query)
    assert results.total_approximate and results.items
    sampled = [
        q["sql"]
        for q in captured.captured_queries
        if "lat BETWEEN" in q["sql"] and "sample < " in q["sql"] and "count(" in q["sql"]
    ]
    assert sampled
    # Forty rows: the planner would read the sample's few rows through the index on
    # ``sample`` alone. Without it, the level's places must serve (its condition is
    # the statement's literal, so the partial index applies).
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX search_pg_document_sample")
    for sql in sampled:
        level = sql.split("sample < ")[1].split()[0].rstrip(")")
        plan = _plan(sql, "seqscan", "bitmapscan")
        assert f"search_pg_document_place_s{level}" in plan, plan
    services.rebuild_index()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'search_pg_document' "
            "AND indexname LIKE 'search_pg_document_place_s%%'"
        )
        kept = {row[0] for row in cursor.fetchall()}
    assert kept == {f"search_pg_document_place_s{n}" for n in postgres_facets.SAMPLE_LEVELS}


def test_migration_0008_makes_a_whole_rum_index_one_on_request(pg):
    """A database whose RUM index predates 0008 (or a backup of one) gets the index
    that serves only the statements asking for it; the other way back too."""
    import importlib

    if not pg.has_rum():
        pytest.skip("the RUM extension is not installed (scripts/ensure-postgres-rum)")
    migration = importlib.import_module("search.migrations.0008_postgres_rum_on_request")

    def predicate() -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(pg_get_expr(indpred, indrelid), '') FROM pg_index "
                "WHERE indexrelid = to_regclass(%s)",
                [postgres_engine.RUM_INDEX],
            )
            return cursor.fetchone()[0]

    assert predicate() == f"({postgres_engine.RUM_ROWS})"
    with connection.schema_editor() as editor:
        migration.whole(None, editor)
    assert predicate() == ""
    with connection.schema_editor() as editor:
        migration.partial(None, editor)
        migration.partial(None, editor)  # twice: nothing more to do
    assert predicate() == f"({postgres_engine.RUM_ROWS})"
    # The engine's ordered read still takes it.
    plan = _plan(
        "SELECT id FROM search_pg_document WHERE body @@ 'firma'::tsquery "
        f"AND {postgres_engine.RUM_ROWS} ORDER BY body <=> 'firma'::tsquery LIMIT 5",
        "seqscan",
        "sort",
        "bitmapscan",
    )
    assert postgres_engine.RUM_INDEX in plan, plan


PARALLEL_QUERIES = [
    SearchQuery(),
    SearchQuery(text="Optik"),
    SearchQuery(text="Präzision Feinmechanik"),
    SearchQuery(center=ILMENAU, radius_km=30, sort="distance"),
    SearchQuery(text="Optik", filters={"kind": ["company"], "size": ["small", "medium"]}),
    SearchQuery(filters={"district": ["16053", "16070"]}, center=ILMENAU, radius_km=50),
    SearchQuery(text="Firma", filters={"wz": ["26"], "kind": ["company"]}),
]


def _answers() -> list[Any]:
    found = []
    for query in PARALLEL_QUERIES:
        result = services.search(query)
        found.append(
            (
                result.total,
                result.total_approximate,
                [i.organisation.pk for i in result.items],
                result.facets_approximate,
                [(f.name, [(v.value, v.count) for v in f.values]) for f in result.facets],
            )
        )
    return found


@pytest.fixture
def committed(engine_name):
    """Forty organisations spread as ``mixed``'s, without growth fields (whose signal
    needs apps a transactional test may not flush), for a test that commits them."""
    if engine_name != "postgres":
        pytest.skip("the PostgreSQL engine's own behaviour")
    rng = random.Random(7)
    networks = [
        make_org("Netzwerk Optik e. V.", kind=OrganisationKind.NETWORK, place="jena"),
        make_org("Cluster Maschinenbau e. V.", kind=OrganisationKind.NETWORK, place="erfurt"),
    ]
    certs = list(CertificationStandard.objects.values_list("name", flat=True)[:3])
    for i in range(40):
        place = rng.choice(list(PLACES))
        make_org(
            f"Firma {i:02d} {'Präzision' if i % 3 else 'Optik'}",
            description="Feinmechanik und Optik" if i % 2 else "Präzisionsteile",
            kind=rng.choice([OrganisationKind.COMPANY] * 4 + [OrganisationKind.UNIVERSITY]),
            place=place,
            wz=rng.choice(["25.62.0", "26.70.0", "32.50.1", "28.41.0"]),
            size=rng.choice(["micro", "small", "medium", "large", ""]),
            certs=rng.sample(certs, rng.randint(0, 2)),
            networks=rng.sample(networks, rng.randint(0, 1)),
            lat=PLACES[place][3] + rng.uniform(-0.05, 0.05),
            lon=PLACES[place][4] + rng.uniform(-0.05, 0.05),
        )
    index_all()
    return services.engine()


@pytest.fixture
def counted_in(engine_name, monkeypatch):
    """The names of the threads that counted the facets, search by search."""
    threads: list[str] = []
    engine = services.engine()
    counts = engine._counts  # type: ignore[attr-defined]

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return counts(*args, **kwargs)

    monkeypatch.setattr(engine, "_counts", spy)
    yield threads
    postgres_beside.close_connections()  # before the test database is dropped


@pytest.mark.django_db(transaction=True, available_apps=[*TRANSACTIONAL_APPS, "networks"])
@pytest.mark.parametrize("sampled", [False, True])
def test_facets_counted_beside_the_page_give_what_one_after_another_gives(
    committed, counted_in, settings, monkeypatch, sampled
):
    """With committed data, the facets and the number of hits are counted on a second
    connection while the page is searched; the answers are those of counting in turn."""
    if sampled:
        every_fourth_in_the_sample()
        tiny_thresholds(monkeypatch)
        monkeypatch.setattr(postgres_facets, "TOTAL_EXACT_UP_TO", 10)
    settings.SEARCH_PARALLEL = False
    in_turn = _answers()
    assert set(counted_in) == {threading.current_thread().name}
    counted_in.clear()
    settings.SEARCH_PARALLEL = True
    assert _answers() == in_turn
    assert len(counted_in) == len(PARALLEL_QUERIES)
    assert all(name.startswith("search-pg") for name in counted_in)
    assert any(total for total, *_rest in in_turn)
    assert any(approximate for *_rest, approximate, _facets in in_turn) == sampled


def test_inside_a_transaction_the_facets_are_counted_in_the_calling_thread(
    pg, counted_in, settings
):
    """Another connection would not see what the transaction wrote and has not
    committed (here: the test's own organisations)."""
    settings.SEARCH_PARALLEL = True
    result = services.search(SearchQuery(text="Optik"))
    assert (
        result.total
        == Organisation.objects.filter(
            Q(name__icontains="Optik") | Q(description__icontains="Optik")
        ).count()
    )
    assert counted_in == [threading.current_thread().name]


def test_a_small_result_is_counted_in_its_facet_pass(pg):
    """Three statements on the index: the sample, the page, the facets with the total."""
    from django.test.utils import CaptureQueriesContext

    optik = Q(name__icontains="Optik") | Q(description__icontains="Optik")
    with CaptureQueriesContext(connection) as captured:
        result = services.search(SearchQuery(text="Optik", filters={"kind": ["company"]}))
    on_index = [
        q["sql"] for q in captured.captured_queries if "FROM search_pg_document" in q["sql"]
    ]
    assert len(on_index) == 3, on_index
    assert not result.total_approximate
    assert result.total == Organisation.objects.filter(optik, kind="company").count() > 0
    assert len(result.items) == min(result.total, 20)


@pytest.mark.parametrize("text", ["Optik", "Optik Laser Sensorik Metall", "Erfurt"])
def test_the_best_hits_without_a_count_are_the_same_hits_without_the_count(pg, text):
    """The need matching asks for the best candidates only (``count=False``): the same
    hits in the same order as with the count, and no count of every match."""
    from django.test.utils import CaptureQueriesContext

    plan_query = SearchQuery(text=text, any_word=True, limit=15, facets=False)
    counted = pg.search(plan_query, services.plan(plan_query))
    uncounted_query = SearchQuery(text=text, any_word=True, limit=15, facets=False, count=False)
    with CaptureQueriesContext(connection) as captured:
        uncounted = pg.search(uncounted_query, services.plan(uncounted_query))
    assert [(h.id, h.score) for h in uncounted.hits] == [(h.id, h.score) for h in counted.hits]
    assert uncounted.total_approximate
    statements = [q["sql"] for q in captured.captured_queries]
    plain_counts = [
        sql
        for sql in statements
        if sql.startswith("SELECT count(*) FROM search_pg_document") and "sample" not in sql
    ]
    assert plain_counts == []


def test_a_small_result_outside_the_sample_is_still_found_without_a_count(pg):
    """The smallest sample level may hold none of a few matches: the page is still
    searched (the count of the sample is not taken for the result's size)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_pg_document SET sample = 40")  # nothing below level 16
    counted_query = SearchQuery(text="Optik", limit=10, facets=False)
    counted = pg.search(counted_query, services.plan(counted_query))
    query = SearchQuery(text="Optik", limit=10, facets=False, count=False)
    hits = pg.search(query, services.plan(query)).hits
    assert counted.total > 0
    assert [h.id for h in hits] == [h.id for h in counted.hits]


def test_many_matches_take_their_candidates_from_the_names_first(pg, monkeypatch):
    """Above the exact ranking's limit, the best candidates come from the small index of
    names where enough names hold the word (a name outranks a description); where too few
    do, from every match as before, with the same page."""
    if not pg.has_rum(postgres_engine.NAMES_INDEX):
        pytest.skip("the RUM extension is not installed (scripts/ensure-postgres-rum)")
    monkeypatch.setattr(postgres_engine, "RANK_EVERY_UP_TO", 0)
    monkeypatch.setattr(postgres_engine, "NAMES_FIRST_ABOVE", -1)
    monkeypatch.setattr(postgres_engine, "RERANK_CANDIDATES", 1)  # four for a page of one
    asked: list[list[int] | None] = []
    original = pg._name_candidates

    def spy(*args: Any) -> list[int] | None:
        asked.append(original(*args))
        return asked[-1]

    monkeypatch.setattr(pg, "_name_candidates", spy)
    optik = services.search(SearchQuery(text="Optik", limit=1, facets=False))
    assert asked and asked[-1] is not None and len(asked[-1]) == 4
    assert "Optik" in optik.items[0].organisation.name
    in_names = Organisation.objects.filter(name__contains="Optik").count()
    assert optik.total > in_names  # descriptions match too, and rank below
    # "Feinmechanik" is in descriptions alone: every match serves, the page as before.
    asked.clear()
    query = SearchQuery(text="Feinmechanik", limit=1, facets=False)
    through_tiers = [item.organisation.name for item in services.search(query).items]
    assert asked == [None]
    monkeypatch.setattr(pg, "_rum", {postgres_engine.RUM_INDEX})
    assert [item.organisation.name for item in services.search(query).items] == through_tiers


RARE = ("Gewinderollen Spezial GmbH", "Rollierwerk Sonneberg")


def test_any_of_many_words_ranks_the_documents_with_the_rarest_words(pg, monkeypatch):
    """Where any word may match and the matches are too many to rank them all, the
    documents with the rarest words are ranked (every word still adds to the rank): the
    profiles with the rare word top the page, as a word's rarity weighs in the Tantivy
    engine's ranking, where ranking every match with ``ts_rank`` (which knows nothing of
    rarity) puts the names with the common word first; with no rarer word, the
    candidates as before."""
    make_org("Gewinderollen Spezial GmbH", description="Gewinderollen und Feinmechanik.")
    make_org("Rollierwerk Sonneberg", description="Gewinderollen für Schrauben.")
    index_all()
    with connection.cursor() as cursor:
        # Every document in the smallest sample level: counts there are scaled by 64.
        cursor.execute("UPDATE search_pg_document SET sample = 0")
    query = SearchQuery(text="Firma Feinmechanik Gewinderollen", any_word=True, limit=2)
    plan = services.plan(query)
    every_match = [h.id for h in pg.search(query, plan).hits]  # below the limit: all ranked
    rare = set(Organisation.objects.filter(name__in=RARE).values_list("pk", flat=True))
    assert not rare & set(every_match)
    narrowed: list[tuple[str, int] | None] = []
    original = pg._rarest_words

    def spy(*args: Any) -> tuple[str, int] | None:
        narrowed.append(original(*args))
        return narrowed[-1]

    monkeypatch.setattr(pg, "_rarest_words", spy)
    scale = postgres_facets.SAMPLE_BUCKETS
    monkeypatch.setattr(postgres_engine, "RANK_EVERY_UP_TO", 4 * scale)  # all: 42 × 64
    monkeypatch.setattr(postgres_engine, "RARE_WORDS_RANKED", 2 * scale)
    result = pg.search(query, plan)
    assert narrowed and narrowed[-1] is not None
    must, about = narrowed[-1]
    assert about == 2 * scale and "gewinderoll" in must and "firma" not in must
    assert result.total > 40  # the number of hits is still every match's
    by_name = dict(Organisation.objects.values_list("pk", "name"))
    page = [by_name[h.id] for h in result.hits]
    assert set(page) == set(RARE)
    # Two words, both common: nothing rarer to rank first, every match's candidates.
    narrowed.clear()
    common = SearchQuery(text="Firma Präzision", any_word=True, limit=2)
    pg.search(common, services.plan(common))
    assert narrowed == [None]


def test_planner_settings_hold_for_one_statement_only(pg):
    """The engine turns a plan off for one statement; the connection's next statements,
    inside the same transaction too, plan as before."""
    from search.backends.postgres_plans import without

    with connection.cursor() as cursor:
        with without(cursor, "seqscan", "bitmapscan"):
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "off"
        for setting in ("seqscan", "bitmapscan"):
            cursor.execute(f"SHOW enable_{setting}")
            assert cursor.fetchone()[0] == "on"
        with pytest.raises(ValueError, match="indexscan"), without(cursor, "indexscan"):
            pass
    assert services.search(SearchQuery(text="Firma Optik", any_word=True, limit=4)).items
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
