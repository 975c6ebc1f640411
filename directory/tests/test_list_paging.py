"""Paging the organisation list past its end: say so and lead to the last page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client

from directory.choices import OrganisationKind
from directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/organisationen/"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("page", ["3", "0", "-1", "1.5", "zwei", "9" * 30])
def test_a_page_past_the_end_says_so_and_links_to_the_last(client: Client, page: str) -> None:
    for n in range(30):
        OrganisationFactory.create(
            name=f"Institut {n:02d}", kind=OrganisationKind.RESEARCH_INSTITUTE
        )
    OrganisationFactory.create(name="Firma")

    response = client.get(LIST_URL, {"kind": "research", "page": page})

    assert response.status_code == 404
    html = response.content.decode()
    text = text_of(html)
    assert f"Es gibt keine Seite „{page[:20]}“: Die Liste füllt 2 Seiten." in text
    assert 'href="/organisationen/?kind=research&amp;page=2"' in html
    assert "30 Organisationen" in text  # the list's real count
    assert "Keine Organisation entspricht" not in text
    assert "Seite 2 von 2" not in text
    assert 'class="org-name"' not in html


def test_an_htmx_page_past_the_end_says_the_same_in_its_partial(client: Client) -> None:
    for _ in range(3):
        OrganisationFactory.create()
    response = client.get(LIST_URL, {"page": "4"}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps no error answers
    assert "Es gibt keine Seite „4“: Die Liste füllt 1 Seite." in text_of(response.content.decode())


# --- Long lists: counted exactly up to a limit, estimated ("etwa") above it ------------


@pytest.fixture
def thirty(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """30 published organisations and an exact count only up to 10 rows."""
    from core.pagination import Paginator

    monkeypatch.setattr(Paginator, "exact_limit", 10)
    names = [f"Betrieb {n:02d}" for n in range(30)]
    for name in reversed(names):
        OrganisationFactory.create(name=name)
    return names


def estimate(monkeypatch: pytest.MonkeyPatch, rows: int | None) -> None:
    """What the database's planner would expect (None: a database without estimates)."""
    monkeypatch.setattr("core.pagination.planner_estimate", lambda queryset: rows)


def names_on(html: str) -> list[str]:
    return re.findall(r'class="org-name">\s*<a href="[^"]+">([^<]+)</a>', html)


def test_a_short_list_is_counted_exactly_and_pages_in_name_order(client: Client) -> None:
    for n in range(30):
        OrganisationFactory.create(name=f"Betrieb {29 - n:02d}")

    first = text_of(client.get(LIST_URL).content.decode())
    second = client.get(LIST_URL, {"page": "2"}).content.decode()

    assert "30 Organisationen · Seite 1 von 2" in first
    assert "etwa" not in first
    assert names_on(second) == [f"Betrieb {n:02d}" for n in range(25, 30)]
    assert "30 Organisationen · Seite 2 von 2" in text_of(second)


def test_without_an_estimate_a_long_list_is_counted_exactly(
    client: Client, thirty: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    estimate(monkeypatch, None)  # SQLite
    text = text_of(client.get(LIST_URL).content.decode())
    assert "30 Organisationen · Seite 1 von 2" in text


def test_a_long_list_says_about_how_many_and_its_pages_work(
    client: Client, thirty: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    estimate(monkeypatch, 48)

    first = client.get(LIST_URL).content.decode()
    assert "etwa 48 Organisationen · Seite 1 von etwa 2" in text_of(first)
    assert names_on(first) == thirty[:25]
    assert 'href="?page=2"' in first

    # The last page shows its rows; the list's true length is known from it.
    second = client.get(LIST_URL, {"page": "2"}).content.decode()
    assert names_on(second) == thirty[25:]
    assert "30 Organisationen · Seite 2 von 2" in text_of(second)


def test_an_estimate_too_high_leads_a_page_past_the_end_to_the_true_last_page(
    client: Client, thirty: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    estimate(monkeypatch, 1000)
    assert "etwa 1.000 Organisationen" in text_of(client.get(LIST_URL).content.decode())

    response = client.get(LIST_URL, {"page": "7"})

    assert response.status_code == 404
    text = text_of(response.content.decode())
    assert "Es gibt keine Seite „7“: Die Liste füllt 2 Seiten." in text
    assert "30 Organisationen" in text


def test_an_estimate_too_low_still_leads_to_the_next_page(
    client: Client, thirty: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    estimate(monkeypatch, 5)  # below the limit: taken as just above it (11 rows, 1 page)

    first = client.get(LIST_URL).content.decode()
    assert 'rel="next"' in first
    second = client.get(LIST_URL, {"page": "2"}).content.decode()
    assert names_on(second) == thirty[25:]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner estimate")
def test_postgresql_says_its_estimate_of_a_long_list(client: Client, thirty: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_organisation")

    html = client.get(LIST_URL).content.decode()

    assert re.search(r"etwa [\d.]+ Organisationen · Seite 1 von etwa \d+", text_of(html))
    assert names_on(html) == thirty[:25]
