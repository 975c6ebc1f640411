"""Paging the organisation list past its end: say so and lead to the last page."""

from __future__ import annotations

import re

import pytest
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
