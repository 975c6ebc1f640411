"""The matching page /bedarf/ kept for visitors without a session (core.pagecache):
served again while the index, its vectors and the organisations are unchanged, made
anew after a vector is written or removed, never a signed-in person's page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from core.testing import sign_in
from directory.models import Organisation
from search import vectors
from search.tests.helpers import index_all, make_org
from search.vectors import store

from .helpers import SENTENCE, landscape

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
PATH = "/bedarf/?q=" + SENTENCE.replace(" ", "+")


@pytest.fixture
def kept(settings: Any, engine_name: str) -> str:
    settings.PAGE_CACHE_SECONDS = 300
    landscape()
    return engine_name


def visit(path: str = PATH) -> Any:
    return Client().get(path, HTTP_ACCEPT_LANGUAGE="de")


def text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_second_visitor_gets_the_kept_matching(kept: str):
    first, second = visit(), visit()
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert "Sensorik Erfurt GmbH" in text(second)
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    # The contact form of the results carries the visitor's own token.
    assert "csrf-placeholder" not in second.content.decode()


def test_removed_vectors_make_the_matching_anew(kept: str, monkeypatch: Any):
    # However long a process waits before it looks at the store again, a page made
    # after a vector write ranks by the vectors after it (else it would be kept so).
    monkeypatch.setattr(store, "CHECK_SECONDS", 3600.0)
    assert "Inhaltlich ähnlich: stark" in text(visit())
    assert visit()["X-Page-Cache"] == "hit"
    vectors.remove(Organisation.objects.values_list("pk", flat=True))
    # Made anew at once, and by the vectors as they are now (no similarity left).
    again = visit()
    assert again["X-Page-Cache"] == "miss"
    assert "Inhaltlich ähnlich: stark" not in text(again)
    assert "Inhaltlich ähnlich: kaum (0,00)" in text(again)


def test_a_vector_written_anew_makes_the_matching_anew(kept: str):
    visit()
    assert visit()["X-Page-Cache"] == "hit"
    bakery = Organisation.objects.get(name="Bäckerei Weiß")
    # A bulk write sends no signal: only the vector written afterwards tells the cache.
    Organisation.objects.filter(pk=bakery.pk).update(
        description="Entwicklung von Sensoren für Backöfen und Teigmaschinen."
    )
    assert vectors.update([bakery.pk]).written == 1
    assert visit()["X-Page-Cache"] == "miss"


def test_a_new_supplier_reaches_the_kept_matching(kept: str):
    assert "Sensorwerk Sömmerda" not in text(visit())
    make_org(
        "Sensorwerk Sömmerda GmbH",
        description="Entwicklung und Bau von Sensoren für Fahrzeuge.",
        wz="26.51.1",
        place="erfurt",
    )
    index_all()
    vectors.wait()
    again = visit()
    assert again["X-Page-Cache"] == "miss"
    assert "Sensorwerk Sömmerda GmbH" in text(again)


def test_signed_in_people_never_get_the_kept_matching(kept: str):
    visit()
    person = Client()
    sign_in(person, User.objects.create_user("einkauf", "e@firma.example", "x" * 16))
    mine = person.get(PATH, HTTP_ACCEPT_LANGUAGE="de")
    assert "X-Page-Cache" not in mine
    assert "Abmelden" in mine.content.decode()
