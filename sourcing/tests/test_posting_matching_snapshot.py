"""The open postings the matching holds in each process (sourcing.postings.snapshot):
read from stored vectors after a restart, kept in step with new postings, and postings
written in bulk matched before the model has embedded their texts."""

from __future__ import annotations

import datetime
import threading
import uuid
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from classification.models import WzCode
from core import embedding
from core.testing import TRANSACTIONAL_APPS
from sourcing.models import Posting, PostingKind, PostingStatus
from sourcing.postings import matching, snapshot
from sourcing.postings.matching import matches_for, rank_postings

from . import test_posting_matching
from .posting_fixtures import firms, offer, request
from .test_posting_matching import titles

market = test_posting_matching.market  # the fixture: two requests, two offers
# Transactional tests flush the postings too (the reference data stays).
APPS = [*TRANSACTIONAL_APPS, "sourcing"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    matching.forget()
    yield
    matching.forget()


def test_after_a_restart_the_stored_vectors_are_read_and_the_model_does_not_run(
    market, monkeypatch
):
    embedding.reset_memory()  # texts embedded by earlier tests are in no database
    first = rank_postings(market["turned_parts"])  # as at publication: the texts are stored
    matching.forget()  # a new process
    embedding.reset_memory()

    def refuse(texts: list[str]) -> np.ndarray:
        raise AssertionError(f"the model ran for {texts}")

    monkeypatch.setattr(embedding, "_encode", refuse)
    again = rank_postings(market["turned_parts"])
    assert [i.posting.pk for i in again] == [i.posting.pk for i in first]
    for before, after in zip(first, again, strict=True):
        assert after.score == pytest.approx(before.score, abs=1e-3)  # stored as float16


def test_a_request_published_after_the_offers_were_read_is_found_for_an_offer(market):
    matches_for(market["turned_parts"])  # reads the open offers only
    late = request(
        market["orgs"]["moulder"],
        "Edelstahl-Buchsen gesucht",
        "Gedrehte Buchsen aus Edelstahl, 200 Stück, kurzfristig.",
        wz=("25.62.0",),
        place="erfurt",
    )
    assert late.title in titles(matches_for(market["cnc"]).postings)
    assert market["turned_parts"].title in titles(matches_for(market["cnc"]).postings)


def test_a_shared_wz_division_lifts_an_offer_by_its_weight(market):
    orgs = market["orgs"]
    text = "Metallbearbeitung nach Zeichnung, Einzelteile und kleine Serien."
    same_division = offer(orgs["turner"], "Metallbearbeitung", text, wz=("25.62.0",))
    unrelated = offer(orgs["caterer"], "Metallbearbeitung", text, wz=("56.21.0",))
    sheet = request(
        orgs["buyer"],
        "Metallbearbeitung gesucht",
        "Laserzuschnitt und Metallbearbeitung nach Zeichnung.",
        wz=("25.11.0",),
    )
    found = {i.posting.pk: i for i in rank_postings(sheet, limit=50)}
    lift = matching.WEIGHTS["wz"] * dict(snapshot.WZ_LEVELS)[2]
    assert found[same_division.pk].reasons.wz == ["25"]
    assert found[unrelated.pk].reasons.wz == []
    assert found[same_division.pk].score == pytest.approx(
        found[unrelated.pk].score + lift, abs=1e-3
    )


def _bulk_offers(orgs: dict[str, Any], word: str) -> list[Posting]:
    """Offers written in bulk (an import, the demo generator): no text embedded yet."""
    today = timezone.localdate()
    rows = [
        Posting(
            kind=PostingKind.OFFER,
            category="capacity",
            title=f"Freie Kapazität CNC-Drehen {word}",
            description="Drehteile aus Edelstahl und Messing in Serie, kurzfristig.",
            organisation=orgs["turner"],
            status=PostingStatus.PUBLISHED,
            published_at=timezone.now(),
            expires_on=today + datetime.timedelta(days=30),
        )
    ] + [
        Posting(
            kind=PostingKind.OFFER,
            category="service",
            title=f"Catering für Ihre Feier {n} {word}",
            description=f"Buffet und Getränke für {n * 10} Gäste.",
            organisation=orgs["caterer"],
            status=PostingStatus.PUBLISHED,
            published_at=timezone.now(),
            expires_on=today + datetime.timedelta(days=30),
        )
        for n in range(1, 12)
    ]
    created = Posting.objects.bulk_create(rows)
    turning = WzCode.objects.get(version="2008", code="25.62.0")
    catering = WzCode.objects.get(version="2008", code="56.21.0")
    through = Posting.wz_codes.through
    through.objects.bulk_create(
        [
            through(posting_id=p.pk, wzcode_id=(turning if n == 0 else catering).pk)
            for n, p in enumerate(created)
        ]
    )
    return created


@pytest.fixture
def _wz_relations() -> None:
    """A transactional test hides the apps it does not flush, the reference data's WZ
    codes among them: their relations to postings are read once with every app."""
    from django.apps import apps

    apps.unset_available_apps()
    try:
        WzCode._meta.get_fields()
    finally:
        apps.set_available_apps(APPS)


@pytest.mark.django_db(transaction=True, available_apps=APPS)
def test_offers_written_in_bulk_are_matched_while_the_model_embeds_their_texts(
    _wz_relations, monkeypatch
):
    orgs = firms()
    word = uuid.uuid4().hex[:8]  # texts no cache has seen
    wanted = request(
        orgs["buyer"],
        f"Drehteile aus Edelstahl gesucht {word}",
        "Gedrehte Wellen aus Edelstahl, 500 Stück.",
        wz=("25.62.0",),
    )
    embedding.embed_cached([snapshot.posting_text(wanted)])  # published: its text is stored
    turning, *catering = _bulk_offers(orgs, word)
    # An in-memory SQLite test database is shared with the thread only while it waits.
    monkeypatch.setattr(snapshot, "_background_possible", lambda: True)
    monkeypatch.setattr(snapshot, "EMBED_IN_REQUEST", 2)
    release, entered = threading.Event(), threading.Event()
    encode = embedding._encode

    def blocked(texts: list[str]) -> np.ndarray:
        entered.set()
        assert release.wait(30)
        return encode(texts)

    monkeypatch.setattr(embedding, "_encode", blocked)
    try:
        found = rank_postings(wanted)  # answers while the model has not run
        assert entered.wait(30)
        assert found[0].posting.pk == turning.pk
        assert found[0].reasons.similarity == 0.0  # its words, WZ code and place count
    finally:
        release.set()
    assert matching._index.wait_for_vectors(60)
    found = rank_postings(wanted)
    assert found[0].posting.pk == turning.pk
    assert found[0].reasons.similarity > 0.3
    # Stored for the next restart.
    texts = [snapshot.posting_text(p) for p in (turning, *catering)]
    assert embedding.cached(texts) == set(texts)


def test_after_warm_up_a_page_reads_no_stored_vectors(market):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    matching.warm_up()  # at start, in the background
    with CaptureQueriesContext(connection) as queries:
        assert titles(rank_postings(market["turned_parts"]))[0] == market["cnc"].title
        assert titles(rank_postings(market["cnc"]))[0] == market["turned_parts"].title
    assert not [q for q in queries.captured_queries if "core_textvector" in q["sql"]]


@pytest.mark.django_db(transaction=True, available_apps=APPS)
def test_a_requests_offers_are_found_beside_its_organisations(_wz_relations, market, monkeypatch):
    """Outside a transaction a request's open offers are computed in a thread of their
    own while its organisations are found: the same page as one after the other."""
    ranked_in: list[str] = []
    rank = matching.rank_postings

    def recording(*args: Any) -> Any:
        ranked_in.append(threading.current_thread().name)
        return rank(*args)

    monkeypatch.setattr(matching, "rank_postings", recording)
    monkeypatch.setattr(matching, "_background_possible", lambda: False)
    alone = matches_for(market["turned_parts"])
    # An in-memory SQLite test database is shared with the thread only while it waits.
    monkeypatch.setattr(matching, "_background_possible", lambda: True)
    beside = matches_for(market["turned_parts"])
    assert ranked_in[0] == threading.current_thread().name
    assert ranked_in[1].startswith("matching")
    assert titles(beside.postings) == titles(alone.postings)
    assert titles(beside.postings)[0] == market["cnc"].title
    names = [i.organisation.name for i in beside.organisations]
    assert names == [i.organisation.name for i in alone.organisations]
    assert names[0] == market["orgs"]["turner"].name
