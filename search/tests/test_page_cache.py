"""Pages kept for visitors without a session (core.pagecache): served again while the
search indexes are unchanged, dropped by any change, never a signed-in person's page,
and each visitor gets a CSRF token of their own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.checks import run_checks
from django.test import Client

from core.testing import sign_in
from search import services

from .helpers import index_all, make_org

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


@pytest.fixture
def kept(settings: Any, engine_name: str) -> str:
    settings.PAGE_CACHE_SECONDS = 300
    make_org("Laserzentrum Erfurt GmbH", description="Laserschneiden von Blechen.")
    make_org("Drehteile Jena GmbH", description="Drehteile aus Edelstahl.", place="jena")
    index_all()
    return engine_name


def tokens(html: str) -> set[str]:
    return {a or b for a, b in TOKEN.findall(html)}


@pytest.mark.parametrize(
    "path",
    [
        "/suche/?q=Laserschneiden",
        "/organisationen/",
        "/api/v1/search?q=Laserschneiden",
        "/suche/karte/?bbox=50.2,9.8,51.6,12.7&zoom=8",
    ],
)
def test_the_second_visitor_gets_the_kept_page(kept: str, path: str):
    first = Client().get(path)
    second = Client().get(path)
    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Type"] == first["Content-Type"]
    strip = TOKEN.sub("", first.content.decode())
    assert TOKEN.sub("", second.content.decode()) == strip


def test_a_kept_page_carries_a_csrf_token_of_its_own_that_works(kept: str):
    Client().get("/suche/?q=Laserschneiden")
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/suche/?q=Laserschneiden")
    assert page["X-Page-Cache"] == "hit"
    html = page.content.decode()
    assert "csrf-placeholder" not in html
    found = tokens(html)
    assert len(found) == 1 and "csrftoken" in visitor.cookies
    (token,) = found
    # The language switch on every page is a POST form: the kept page's token works.
    switched = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_X_CSRFTOKEN=token
    )
    assert switched.status_code == 302


def test_any_change_of_the_index_drops_the_kept_pages(kept: str):
    Client().get("/suche/?q=Edelstahl")
    assert Client().get("/suche/?q=Edelstahl")["X-Page-Cache"] == "hit"
    make_org("Edelstahlwerk Gera GmbH", description="Edelstahl in jeder Form.", place="gera")
    index_all()
    again = Client().get("/suche/?q=Edelstahl")
    assert again["X-Page-Cache"] == "miss"
    assert "Edelstahlwerk Gera" in re.sub(r"<[^>]+>", "", again.content.decode())


def test_an_organisation_removed_from_the_index_leaves_the_kept_list(kept: str):
    org = make_org("Verschwindet GmbH", description="Laserschneiden.")
    index_all()
    assert "Verschwindet" in Client().get("/suche/?q=Laserschneiden").content.decode()
    services.remove_organisations([org.pk])
    again = Client().get("/suche/?q=Laserschneiden")
    assert again["X-Page-Cache"] == "miss"
    assert "Verschwindet" not in again.content.decode()


def test_signed_in_people_never_get_or_leave_a_kept_page(kept: str):
    person = Client()
    sign_in(person, User.objects.create_user("redakteurin", "r@agentur.example", "x" * 16))
    Client().get("/organisationen/")  # kept for anonymous visitors
    mine = person.get("/organisationen/")
    assert "X-Page-Cache" not in mine
    assert "Abmelden" in mine.content.decode() or "Sign out" in mine.content.decode()
    anonymous = Client().get("/organisationen/")
    assert anonymous["X-Page-Cache"] == "hit"
    assert "Abmelden" not in anonymous.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/search?q=Edelstahl", "/suche/karte/?bbox=50.2,9.8,51.6,12.7&zoom=8"]
)
def test_answers_the_same_for_everyone_are_kept_for_signed_in_people_too(kept: str, path: str):
    """The search API and the map's data name no one and offer nothing per person: a
    signed-in person gets the answer an anonymous visitor had kept, and the other way
    round, the same bytes, without any trace of the person."""
    person = Client()
    sign_in(person, User.objects.create_user("redakteurin", "r@agentur.example", "x" * 16))
    first = person.get(path)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    anonymous = Client().get(path)
    assert anonymous["X-Page-Cache"] == "hit"
    assert anonymous.content == first.content
    assert b"redakteurin" not in first.content and b"r@agentur" not in first.content
    assert "sessionid" not in anonymous.cookies
    again = person.get(path)
    assert again["X-Page-Cache"] == "hit" and again.content == first.content
    make_org("Edelstahlwerk Gera GmbH", description="Edelstahl in jeder Form.", place="gera")
    index_all()
    changed = person.get(path)
    assert changed["X-Page-Cache"] == "miss" and changed.content != first.content


def test_htmx_parts_and_whole_pages_and_languages_are_kept_apart(kept: str):
    whole = Client().get("/suche/?q=Laserschneiden")
    part = Client().get("/suche/?q=Laserschneiden", HTTP_HX_REQUEST="true")
    assert part["X-Page-Cache"] == "miss"
    assert "<html" in whole.content.decode() and "<html" not in part.content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    assert english.get("/suche/?q=Laserschneiden")["X-Page-Cache"] == "miss"


def test_off_by_default(settings: Any, engine_name: str):
    settings.PAGE_CACHE_SECONDS = 0
    assert "X-Page-Cache" not in Client().get("/organisationen/")


def test_the_page_cache_is_refused_on_a_cache_of_one_process(settings: Any):
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "core.W001" in {m.id for m in run_checks()}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    assert "core.W001" not in {m.id for m in run_checks()}
