"""Organisation vectors beside the index: kept in step with every save, rebuilt with the
index, seen by other processes, and answering needs by meaning (search.semantic)."""

from __future__ import annotations

import itertools
import threading
import uuid
from typing import Any

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

import search.vectors.store as store_module
from core import embedding
from core.testing import TRANSACTIONAL_APPS
from directory.choices import OrganisationKind, PublicationStatus
from directory.models import Organisation
from directory.tests.factories import OfferingFactory
from search import consistency, semantic, services, vectors
from search.query import Point, SearchQuery

from .helpers import PLACES, index_all, make_org, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def held() -> dict[int, int]:
    """id → version of every vector the engine's store holds now."""
    return vectors.vector_store().versions()


def vector_of(pk: int) -> np.ndarray | None:
    return semantic.vectors_of([pk]).get(pk)


def fresh_engine() -> Any:
    """Another engine object on the same index: what another process would open."""
    if settings.SEARCH_ENGINE == "tantivy":
        from search.backends.tantivy_engine import TantivyEngine

        return TantivyEngine(settings.SEARCH_INDEX_DIR)
    from search.backends.postgres_engine import PostgresEngine

    return PostgresEngine()


def test_vectors_follow_saves_unpublishing_and_deletion(
    engine_name: str, after_commit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "CHECK_SECONDS", 0.0)
    with after_commit():
        org = make_org("Thüringer Hygiene GmbH", description="Desinfektionsmittel für Kliniken.")
        other = make_org("Bäckerei Sommer", description="Brot und Brötchen.")
    vectors.wait()
    assert set(held()) == {org.pk, other.pk}
    before = vector_of(org.pk)
    assert before is not None and abs(float(np.linalg.norm(before)) - 1.0) < 1e-3

    with after_commit():
        org.description = "Schutzmasken und Schutzkleidung für Pflegeheime."
        org.save()
    vectors.wait()
    after = vector_of(org.pk)
    assert after is not None
    assert float(before @ after) < 0.99  # another text, another vector
    assert held()[org.pk] != vectors.expected_versions([other.pk]).get(org.pk)

    with after_commit():
        OfferingFactory(organisation=other, name="Hochzeitstorten")
    vectors.wait()
    assert held()[other.pk] == vectors.expected_versions([other.pk])[other.pk]

    with after_commit():
        org.status = PublicationStatus.HIDDEN
        org.save()
    assert org.pk not in held() and vector_of(org.pk) is None

    with after_commit():
        org.status = PublicationStatus.PUBLISHED
        org.save()
    vectors.wait()
    assert org.pk in held()

    with after_commit():
        Organisation.objects.filter(pk=org.pk).delete()
    assert org.pk not in held() and vector_of(org.pk) is None
    assert consistency.check().clean


def test_rebuild_computes_vectors_with_progress_and_reuses_what_it_can(
    engine_name: str, settings: Any
) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    embedding.reset_memory()  # texts another test embedded are not in this test's database
    for i, text in enumerate(["Federn aus Draht", "Linsen für Mikroskope", "Brot"]):
        make_org(f"Firma {i}", description=text, wz="20.20.0")
    reported: list[tuple[int, int | None, str]] = []
    with translation.override("en"):
        stats = services.rebuild_index(progress=lambda d, t, label: reported.append((d, t, label)))
    computing = [(d, t) for d, t, label in reported if label == "Computing vectors"]
    assert computing[0] == (0, 3) and computing[-1] == (3, 3)
    assert stats.vectors.written == 3 and len(held()) == 3
    assert consistency.check().clean

    # Unchanged organisations keep their vectors; nothing is embedded again.
    again = services.rebuild_index()
    assert again.vectors.written == 0
    assert again.vectors.reused + again.vectors.unchanged == 3
    assert consistency.check().clean

    # Without the vectors (a new model, a lost file): every piece comes from the cache.
    services.engine().vector_store().clear()
    embedding.reset_memory()
    third = services.rebuild_index()
    assert third.vectors.written == 3
    assert third.vectors.cached == third.vectors.texts > 0
    assert len(held()) == 3


def test_a_reader_sees_vectors_another_process_wrote(
    engine_name: str, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    org = make_org("Lackiererei Gera GmbH", description="Pulverbeschichtung von Stahlteilen.")
    index_all()
    reader_store = services.engine().vector_store()
    assert org.pk in {int(i) for i in reader_store.matrix(force=True).view()[0]}
    second = make_org("Spritzguss Jena GmbH", description="Kunststoffteile im Spritzguss.")

    # Another process (a worker) writes with its own engine object.
    writer = fresh_engine().vector_store()
    vectors.update([second.pk], target=writer)
    writer.remove([org.pk])
    monkeypatch.setattr(store_module, "CHECK_SECONDS", 0.0)
    seen = {int(i) for i in reader_store.matrix().view()[0] if i >= 0}
    assert seen == {second.pk}
    assert set(semantic.vectors_of([org.pk, second.pk])) == {second.pk}


def test_semantic_hits_rank_by_meaning_and_honour_filters(
    engine_name: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    hygiene = make_org(
        "Thüringer Hygiene GmbH",
        description="Wir stellen Desinfektionsmittel für Krankenhäuser und Arztpraxen her.",
        wz="20.20.0",
        place="erfurt",
    )
    bakery = make_org(
        "Bäckerei Sommer", description="Brot, Brötchen und Kuchen.", wz="10.71.0", place="gera"
    )
    institute = make_org(
        "Institut für Mikrobiologie",
        kind=OrganisationKind.RESEARCH_INSTITUTE,
        description="Forschung zu Antibiotikaresistenz und Krankenhauskeimen.",
        place="jena",
    )
    make_org("Software Arnstadt GmbH", description="Apps und Webseiten.", place="arnstadt")
    make_org("Möbelbau Eisenach GmbH", description="Küchen und Schränke.", place="eisenach")
    index_all()
    need = embedding.embed_one("disinfectant for hospitals")

    hits = semantic.semantic_hits(need, SearchQuery(), 10)
    assert hits[0][0] == hygiene.pk
    assert len(hits) == 5 and all(a[1] >= b[1] for a, b in itertools.pairwise(hits))
    assert -1.0 <= hits[-1][1] <= hits[0][1] <= 1.0

    research = SearchQuery(filters={"kind": [OrganisationKind.RESEARCH_INSTITUTE]})
    assert [pk for pk, _ in semantic.semantic_hits(need, research, 10)] == [institute.pk]

    _code, _place, _ags, lat, lon = PLACES["gera"]
    near_gera = SearchQuery(center=Point(lat, lon), radius_km=20)
    assert [pk for pk, _ in semantic.semantic_hits(need, near_gera, 10)] == [bakery.pk]
    assert semantic.semantic_hits(need, SearchQuery(), 2) == hits[:2]
    assert semantic.semantic_hits(need, SearchQuery(), 0) == []

    # The best rows checked against the filters first (as with many organisations).
    monkeypatch.setattr(semantic, "MIN_CANDIDATES", 1)
    monkeypatch.setattr(semantic, "CANDIDATES_PER_HIT", 1)
    companies = SearchQuery(filters={"kind": [OrganisationKind.COMPANY]})
    assert semantic.semantic_hits(need, companies, 1) == [hits[0]]
    assert [pk for pk, _ in semantic.semantic_hits(need, research, 3)] == [institute.pk]
    assert [pk for pk, _ in semantic.semantic_hits(need, near_gera, 1)] == [bakery.pk]


@pytest.mark.parametrize("engine", ["tantivy", "postgres"])
@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_saving_a_profile_does_not_wait_for_the_model(
    engine: str, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    if engine == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs PostgreSQL")
    settings.SEARCH_ENGINE = engine
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    services.engine().clear()
    # An in-memory SQLite test database is shared with this thread only while it waits.
    monkeypatch.setattr(vectors, "_background_possible", lambda: True)
    monkeypatch.setattr(store_module, "CHECK_SECONDS", 0.0)
    release = threading.Event()
    entered = threading.Event()
    encode = embedding._encode

    def blocked(texts: list[str]) -> np.ndarray:
        entered.set()
        assert release.wait(30)
        return encode(texts)

    monkeypatch.setattr(embedding, "_encode", blocked)
    word = uuid.uuid4().hex[:10]
    try:
        org = make_org("Maskenwerk Gera GmbH", description=f"Schutzmasken {word}.", place="gera")
        # The save returned and the index has it, while the model has not run yet.
        assert names("Maskenwerk") == ["Maskenwerk Gera GmbH"]
        assert entered.wait(30)
        assert org.pk not in held()
    finally:
        release.set()
    assert vectors.wait(60)
    assert org.pk in held()
    assert consistency.check().clean
    services.engine().clear()


def test_check_search_index_reports_and_repairs_vector_drift(engine_name: str, settings: Any):
    import io

    settings.SEARCH_AUTO_UPDATE = False
    org = make_org("Drahtwerk Erfurt GmbH", description="Federn.")
    index_all()
    org.description = "Biegeteile aus Draht."
    org.save()  # no index update: the document and the vector are stale now
    services.engine().vector_store().remove([org.pk])
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("check_search_index", "--no-progress", stdout=out)
    report = out.getvalue()
    assert f"Vectors missing (published, no vector): 1 ({org.pk})" in report
    call_command("check_search_index", "--repair", "--no-progress", stdout=io.StringIO())
    assert consistency.check().clean
    assert org.pk in held()


def test_the_matrix_in_memory_follows_changes_in_order() -> None:
    from core.embedding import DIM, to_bytes

    def unit(i: int) -> bytes:
        v = np.zeros(DIM, dtype=np.float32)
        v[i] = 1.0
        return to_bytes(v)

    matrix = store_module.VectorMatrix()
    matrix.apply([(10, unit(0)), (20, unit(1)), (30, unit(2))])
    # In one batch: 20 removed, 40 added then removed, 10 replaced twice (the last counts).
    matrix.apply([(20, None), (40, unit(3)), (10, unit(4)), (40, None), (10, unit(5))])
    ids, rows, sorted_ids, _order = matrix.view()
    live = {int(pk): int(np.argmax(rows[r])) for r, pk in enumerate(ids) if pk >= 0}
    assert live == {10: 5, 30: 2}
    assert len(matrix) == 2
    assert [int(i) for i in sorted_ids if i >= 0] == [10, 30]
    matrix.apply([(50, unit(6))])  # takes the row 20 left free
    assert len(matrix.view()[0]) == 3


def test_a_store_read_whole_takes_only_the_memory_its_vectors_need(engine_name: str) -> None:
    from core.embedding import DIM

    rows = 3000  # a matrix grown by half at a time would hold room for 3,456
    rng = np.random.default_rng(1)
    store = services.engine().vector_store()
    store.write((pk, pk, rng.standard_normal(DIM)) for pk in range(1, rows + 1))
    matrix = store.matrix(force=True)
    assert len(matrix) == rows
    assert matrix.matrix.shape == (rows, DIM)
    matrix.apply([(rows + 1, matrix.matrix[0].astype(np.float16).tobytes())])  # still grows
    assert len(matrix) == rows + 1 and matrix.snapshot()[0][-1] == rows + 1


def test_the_switch_to_a_new_index_never_waits_for_the_model(
    engine_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild switches readers to the new index before it embeds texts the model has
    never seen (the first build of a large directory embeds for hours): organisations
    whose texts are all cached get their vectors before the switch, the others right
    after it, and the rebuild ends with every vector in place."""
    monkeypatch.setattr(store_module, "CHECK_SECONDS", 0.0)
    known = make_org("Hygiene Erfurt GmbH", description="Desinfektionsmittel für Kliniken.")
    index_all()
    new = make_org("Brauerei Gera GmbH", description="Pils und Schwarzbier aus Gera.")
    seen_at_switch: list[set[int]] = []
    eng = services.engine()
    switch = eng.rebuild

    def rebuild(*args: Any, **options: Any) -> Any:
        result = switch(*args, **options)
        # Right after the switch, before the late vectors: what readers see now.
        seen_at_switch.append(
            {h.id for h in eng.search(SearchQuery(), services.plan(SearchQuery())).hits}
        )
        seen_at_switch.append(set(vectors.vector_store().versions()))
        return result

    monkeypatch.setattr(eng, "rebuild", rebuild)
    embedding.reset_memory()
    stats = services.rebuild_index()
    assert seen_at_switch[0] == {known.pk, new.pk}  # the new index serves both at once
    assert seen_at_switch[1] == {known.pk}  # only the cached one had its vector then
    assert set(held()) == {known.pk, new.pk}  # and the rebuild ended with both
    assert stats.vectors.written + stats.vectors.reused + stats.vectors.unchanged == 2
    assert not stats.vectors.deferred
