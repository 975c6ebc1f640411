"""Demo requests and offers: the generated organisations of fitting industries post
realistic German entries, marked as demo data on the list and the detail page."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from directory import demo as directory_demo
from sourcing.models import Posting
from sourcing.search import PostingType

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations() -> None:
    directory_demo.generate(count=300, seed=42, include_reference=False)


def test_generate_for_fitting_industries_and_mark_them(
    organisations: None, client: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from search import registry

    told: list[int] = []
    monkeypatch.setattr(registry, "changed", lambda t, ids: told.extend(ids))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_postings", "--count", "40", stdout=out)
    postings = list(Posting.objects.select_related("organisation", "organisation__primary_wz"))
    assert len(postings) == 40 and "40 demo requests and offers" in out.getvalue()
    assert {p.source for p in postings} == {"generated"}
    assert {p.kind for p in postings} == {"request", "offer"}
    for posting in postings:
        assert posting.organisation.is_generated and posting.is_open
        codes = [c.code for c in posting.wz_codes.all()]
        assert codes == [posting.organisation.primary_wz.code]  # type: ignore[union-attr]
    # Search told of every one, and every one is indexable.
    assert set(told) == {p.pk for p in postings}
    assert set(PostingType().indexable_ids()) == {p.pk for p in postings}
    listed = client.get("/gesuche/").content.decode()
    assert "Demo" in listed or "demo" in listed
    detail = client.get(postings[0].get_absolute_url()).content.decode()
    assert "demo-banner" in detail
    # --if-empty leaves them be.
    call_command("generate_demo_postings", "--if-empty", stdout=StringIO())
    assert Posting.objects.count() == 40


def test_without_demo_organisations_it_says_what_to_do() -> None:
    out = StringIO()
    call_command("generate_demo_postings", stdout=out)
    assert "generate_demo_data" in out.getvalue() and not Posting.objects.exists()
