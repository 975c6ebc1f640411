"""``compute_posting_matches``: what `make run` and an operator use to store the matches
of open requests and offers that have none (demo data, imports)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from search import vectors
from search.tests.helpers import index_all
from sourcing.models import PostingMatch, PostingStatus
from sourcing.postings import matching

from .posting_fixtures import firms, offer, request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    matching.forget()
    yield
    matching.forget()


def test_open_postings_without_matches_get_them_once() -> None:
    orgs = firms()
    index_all()
    vectors.wait()
    wanted = request(
        orgs["buyer"],
        "Drehteile aus Edelstahl gesucht",
        "Gedrehte Wellen und Buchsen aus Edelstahl, 500 Stück.",
        wz=("25.62.0",),
        place="jena",
    )
    offered = offer(
        orgs["turner"],
        "Freie Kapazität CNC-Drehen",
        "CNC-Drehmaschinen frei: Drehteile aus Stahl und Edelstahl.",
        category="capacity",
        wz=("25.62.0",),
        place="gera",
    )
    closed = request(orgs["host"], "Drehteile gesucht", "Wellen aus Stahl.", wz=("25.62.0",))
    closed.status = PostingStatus.CLOSED
    closed.save()
    PostingMatch.objects.all().delete()  # as after a bulk write: nothing stored

    out = StringIO()
    call_command("compute_posting_matches", "--missing", "--no-progress", stdout=out)
    assert "2 postings matched" in out.getvalue()
    assert PostingMatch.objects.filter(posting=wanted, other=offered).exists()
    assert PostingMatch.objects.filter(posting=offered, other=wanted).exists()
    assert PostingMatch.objects.filter(posting=wanted, organisation=orgs["turner"]).exists()
    assert not PostingMatch.objects.filter(posting=closed).exists()

    # Again with --missing: nothing left to do; without it, every open posting anew.
    out = StringIO()
    call_command("compute_posting_matches", "--missing", "--no-progress", stdout=out)
    assert "0 postings matched" in out.getvalue()
    out = StringIO()
    call_command("compute_posting_matches", "--no-progress", stdout=out)
    assert "2 postings matched" in out.getvalue()
