"""The generations of the page cache (core.pagecache): every save and delete of a watched
app's rows advances that app's generation, once more when the transaction commits; and
a view bounds how long its page is kept by the moment time alone changes it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from core import pagecache
from core.testing import TRANSACTIONAL_APPS
from directory.tests.factories import OrganisationFactory


@pytest.fixture
def on(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 300


@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_a_write_advances_its_apps_generation_at_once_and_at_the_commit(on: None):
    before = pagecache.generation(pagecache.of_app("directory"))
    content = pagecache.generation(pagecache.of_app("content"))
    with transaction.atomic():
        OrganisationFactory.create()
        during = pagecache.generation(pagecache.of_app("directory"))
        assert during > before
    assert pagecache.generation(pagecache.of_app("directory")) > during
    assert pagecache.generation(pagecache.of_app("content")) == content


@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_a_write_rolled_back_leaves_no_commit_to_wait_for(on: None):
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganisationFactory.create()
        raise RuntimeError
    before = pagecache.generation(pagecache.of_app("directory"))
    OrganisationFactory.create()  # outside a transaction: at once
    assert pagecache.generation(pagecache.of_app("directory")) > before


def _view(until: datetime.datetime | None) -> Any:
    @pagecache.keep_page("test")
    def view(request: HttpRequest) -> HttpResponse:
        pagecache.keep_until(request, until)
        return HttpResponse("Seite")

    return view


@pytest.mark.django_db
def test_a_page_is_kept_no_longer_than_its_view_says(on: None):
    page = RequestFactory().get("/gleich-vorbei/")
    soon = _view(timezone.now() + datetime.timedelta(milliseconds=500))
    assert soon(page)["X-Page-Cache"] == "miss"
    assert soon(page)["X-Page-Cache"] == "miss"  # under a second left: not kept at all
    later = _view(timezone.now() + datetime.timedelta(hours=1))
    other = RequestFactory().get("/spaeter/")
    assert later(other)["X-Page-Cache"] == "miss"
    assert later(other)["X-Page-Cache"] == "hit"


def test_the_end_of_the_day_is_the_next_local_midnight(settings: Any):
    settings.TIME_ZONE = "Europe/Berlin"
    now = datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC)  # 00:30 in Berlin
    midnight = pagecache.end_of_day(now)
    assert timezone.localtime(midnight).isoformat() == "2026-03-30T00:00:00+02:00"
