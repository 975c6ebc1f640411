"""The pages a visitor sees when the server fails: 503 while the database is away, 500
otherwise; never a traceback, never a page that needs the database to render."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.db.backends import utils
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch: Any) -> None:
    """Every query fails as it does while PostgreSQL restarts."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(utils.CursorWrapper, "execute", refuse)
    monkeypatch.setattr(utils.CursorWrapper, "executemany", refuse)


@pytest.fixture
def visitor() -> Client:
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="de")


@pytest.mark.parametrize("path", ["/", "/organisationen/", "/organisationen/?page=2"])
def test_pages_answer_503_with_a_clear_page_while_the_database_is_away(
    database_down: None, visitor: Client, path: str
):
    response = visitor.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "Das Portal ist kurz nicht erreichbar" in text
    assert "Nichts, was Sie vorher eingegeben haben, ist verloren" in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_the_search_answers_from_its_index_or_with_the_503_page_never_a_500(
    database_down: None, visitor: Client
):
    # With warm label caches and no hit to load, the Tantivy index answers alone.
    response = visitor.get("/suche/?q=Metall")
    assert response.status_code in (200, 503)


def test_a_signed_in_visitor_gets_the_503_page_too(database_down: None, visitor: Client):
    # The session is read from the database in a middleware, before any view runs.
    visitor.cookies["sessionid"] = "a" * 32
    response = visitor.get("/")
    assert response.status_code == 503


def test_the_api_answers_503_as_json(database_down: None, visitor: Client):
    response = visitor.get("/api/v1/organisations/irgendein-betrieb")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()


def test_other_errors_get_the_500_page_without_details(monkeypatch: Any, visitor: Client):
    from clusterportal import home

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("secret internal detail")

    monkeypatch.setattr(home, "render", broken)
    response = visitor.get("/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Etwas ist schiefgegangen" in text
    assert "secret internal detail" not in text


def test_the_portal_answers_again_as_soon_as_the_database_is_back(
    monkeypatch: Any, visitor: Client
):
    failing = {"on": True}
    real_execute = utils.CursorWrapper.execute

    def flaky(self: Any, *args: Any, **kwargs: Any) -> Any:
        if failing["on"]:
            raise OperationalError("could not connect to server: Connection refused")
        return real_execute(self, *args, **kwargs)

    monkeypatch.setattr(utils.CursorWrapper, "execute", flaky)
    assert visitor.get("/organisationen/").status_code == 503
    failing["on"] = False
    assert visitor.get("/organisationen/").status_code == 200
