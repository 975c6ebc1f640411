"""Keeping the index current: saves and deletes through the task, rebuilds without a gap."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command

from core.testing import TRANSACTIONAL_APPS
from directory.choices import PublicationStatus
from directory.models import Organisation
from directory.tests.factories import OfferingFactory
from search import services
from search.query import SearchQuery

from .helpers import index_all, make_org, names

pytestmark = pytest.mark.django_db


def test_saving_an_organisation_updates_the_index_after_commit(
    engine_name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        org = make_org("Erfurter Drahtwerk GmbH", description="Federn aus Draht.")
    # One task for the whole transaction, however many rows it wrote.
    assert len(callbacks) == 1
    assert names("Draht") == ["Erfurter Drahtwerk GmbH"]

    with django_capture_on_commit_callbacks(execute=True):
        OfferingFactory(organisation=org, name="Biegeteile")
    assert names("Biegeteile") == ["Erfurter Drahtwerk GmbH"]

    with django_capture_on_commit_callbacks(execute=True):
        org.status = PublicationStatus.HIDDEN
        org.save()
    assert names("Draht") == []

    with django_capture_on_commit_callbacks(execute=True):
        org.status = PublicationStatus.PUBLISHED
        org.save()
    assert names("Draht") == ["Erfurter Drahtwerk GmbH"]

    with django_capture_on_commit_callbacks(execute=True):
        org.delete()
    assert names("Draht") == []


def test_a_rolled_back_change_queues_nothing(engine_name, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                make_org("Verworfene GmbH")
                raise RuntimeError("import aborted")
        except RuntimeError:
            pass
        make_org("Bleibende GmbH")
    assert len(callbacks) == 1
    assert names("GmbH") == ["Bleibende GmbH"]


def test_rebuild_command_shows_progress_and_indexes_everything(engine_name):
    for i in range(5):
        make_org(f"Glaswerk {i} GmbH")
    make_org("Entwurf GmbH", status=PublicationStatus.DRAFT)
    out, err = StringIO(), StringIO()
    call_command("rebuild_search_index", stdout=out, stderr=err)
    assert "Indexed 5 organisations" in out.getvalue()
    assert "Vectors: 5 computed, 0 kept" in out.getvalue()
    assert "100%" in err.getvalue()
    assert services.engine().count() == 5
    assert len(names("Glaswerk")) == 5
    # A second rebuild reuses every vector of the unchanged organisations.
    out = StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out)
    assert "Vectors: 0 computed, 5 kept" in out.getvalue()


def test_readers_keep_the_old_index_while_a_rebuild_runs(engine_name):
    if engine_name != "tantivy":
        pytest.skip("PostgreSQL readers see the old rows until the rebuild commits (MVCC)")
    old = make_org("Alte Ziegelei GmbH")
    services.rebuild_index()
    make_org("Neue Ziegelei GmbH")
    seen_during: list[set[int]] = []
    reader = services.engine()
    original = reader.rebuild

    def slow_rebuild(batches, total, progress, **options):
        def wrapped_progress(done):
            # Another thread searches the engine while the new generation is half built.
            query = SearchQuery(text="Ziegelei", limit=10, facets=False)
            plan = services.plan(query)
            result: list[set[int]] = []
            thread = threading.Thread(
                target=lambda: result.append({h.id for h in reader.search(query, plan).hits})
            )
            thread.start()
            thread.join()
            seen_during.extend(result)
            progress(done)

        original(batches, total, wrapped_progress, **options)

    reader.rebuild = slow_rebuild  # type: ignore[method-assign,assignment]
    try:
        services.rebuild_index(chunk=1)
    finally:
        del reader.rebuild
    assert seen_during and all(seen == {old.pk} for seen in seen_during)
    assert sorted(names("Ziegelei")) == ["Alte Ziegelei GmbH", "Neue Ziegelei GmbH"]


def test_changes_saved_during_a_rebuild_are_not_lost(engine_name):
    make_org("Holzbau Saalfeld GmbH")
    reader = services.engine()
    original = reader.rebuild

    def rebuild_with_a_save_in_between(batches, total, progress, **options):
        first = next(batches)
        org = Organisation.objects.get(name="Holzbau Saalfeld GmbH")
        org.description = "Dachstühle aus Lärchenholz"
        org.save()
        original(iter([first, *batches]), total, progress, **options)

    reader.rebuild = rebuild_with_a_save_in_between  # type: ignore[method-assign,assignment]
    try:
        services.rebuild_index()
    finally:
        del reader.rebuild
    assert names("Lärchenholz") == ["Holzbau Saalfeld GmbH"]


def test_an_index_of_an_earlier_version_says_so_until_rebuilt(client, settings, tmp_path):
    """After an upgrade that changes the index, search answers 503 with what to do."""
    from django.core import checks

    from search import services
    from search.backends import tantivy_engine

    settings.SEARCH_ENGINE = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    services._engines.clear()  # forget the open index, as a restarted server would
    make_org("Laserwerk Erfurt GmbH", description="Laserschneiden.")
    index_all()
    root = settings.SEARCH_INDEX_DIR
    current = (root / "CURRENT").read_text()
    old = current.replace(f"-v{tantivy_engine.SCHEMA_VERSION}", "-v1")
    (root / current).rename(root / old)
    (root / "CURRENT").write_text(old)
    services._engines.clear()  # forget the open index, as a restarted server would

    warnings = [m for m in checks.run_checks() if m.id == "search.W001"]
    assert len(warnings) == 1 and "rebuild_search_index" in str(warnings[0].hint)
    page = client.get("/suche/", {"q": "Laser"})
    assert page.status_code == 503 and page["Retry-After"] == "300"
    assert "wird neu aufgebaut" in page.content.decode() or "being rebuilt" in page.content.decode()
    api = client.get("/api/v1/search", {"q": "Laser"})
    assert api.status_code == 503 and "rebuilt" in api.json()["detail"]
    assert client.get("/suche/karte/", {"zoom": "8"}).status_code == 503
    # An htmx update of the results cannot show an error: the browser loads the page.
    partial = client.get(
        "/suche/", {"q": "Laser", "kind": "company"}, headers={"HX-Request": "true"}
    )
    assert partial["HX-Redirect"] == "/suche/?q=Laser&kind=company"

    out = StringIO()
    call_command("rebuild_search_index", "--if-empty", "--no-progress", stdout=out)
    assert "Indexed 1 organisations" in out.getvalue()
    assert not [m for m in checks.run_checks() if m.id == "search.W001"]
    assert client.get("/api/v1/search", {"q": "Laser"}).json()["total"] == 1


@pytest.mark.parametrize("engine", ["tantivy", "postgres"])
@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_a_large_rebuild_analyses_in_worker_processes(engine, settings, tmp_path, monkeypatch):
    """Worker processes read and analyse chunks; the index gets the same documents in
    the same order as from one process (PostgreSQL: while this process holds the
    rebuild's transaction open)."""
    from django.db import connection

    from search import documents, vocabulary

    if not documents.parallel_workers(10**9):
        pytest.skip("needs two cores and a database worker processes can open (not in memory)")
    if engine == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs PostgreSQL")
    settings.SEARCH_ENGINE = engine
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_AUTO_UPDATE = False
    for i in range(30):
        make_org(f"Werkzeugbau {i:02d} GmbH", description="Spritzgießwerkzeuge und Formen.")
    reader = documents.DocumentReader(vocabulary.analyser())
    ids = reader.published_ids()
    alone = reader.read(ids)
    monkeypatch.setattr(documents, "PARALLEL_ABOVE", 0)
    assert documents.parallel_workers(len(ids)) >= 1
    chunks = list(documents.read_in_chunks(reader, ids, chunk=7))
    assert [len(c) for c in chunks] == [7, 7, 7, 7, 2]
    assert [d for c in chunks for d in c] == alone
    # What the engine writes is made in the workers too, the same as in one process.
    encode = services.engine().encode
    encoded = list(documents.read_in_chunks(reader, ids, chunk=7, encode=encode))
    assert [e for c in encoded for e in c] == [encode(d) for d in alone]
    assert services.rebuild_index(chunk=7).documents == 30
    assert len(names("Werkzeugbau")) == 30


def test_wz_paths_are_kept_until_the_codes_change():
    """A document's WZ codes carry every ancestor. The paths are built once per process
    and built again when a code is added, removed or hung under another parent."""
    from classification.models import WzCode
    from search import documents

    first = documents.wz_paths()
    assert documents.wz_paths() is first  # kept
    leaf = WzCode.objects.filter(version="2008", level=5).order_by("code").first()
    assert leaf is not None and leaf.parent is not None
    assert first[leaf.pk][-1] == leaf.code and first[leaf.pk][-2] == leaf.parent.code
    added = WzCode.objects.create(
        version="2008", code="99.99.9", level=5, parent=leaf.parent, section=leaf.section,
        title="Testcode",
    )  # fmt: skip
    second = documents.wz_paths()
    assert second[added.pk] == [*first[leaf.parent.pk], "99.99.9"]
    other = WzCode.objects.filter(version="2008", level=4).exclude(pk=leaf.parent.pk).first()
    assert other is not None
    WzCode.objects.filter(pk=added.pk).update(parent=other)
    assert documents.wz_paths()[added.pk] == [*first[other.pk], "99.99.9"]
    WzCode.objects.filter(pk=added.pk).delete()
    assert added.pk not in documents.wz_paths()
