"""Hostile filter values, page numbers and feed or article addresses on the news pages:
a 404 is fine, a server error is a bug. Bounded and derandomised."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from content.tests.test_fuzz import FUZZ, VALUE

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def news() -> None:
    article = ArticleFactory.create(slug="meldung")
    article.categories.add(CategoryFactory.create(slug="presse"))
    ArticleFactory.create(slug="entwurf", published=False)


def test_no_filter_of_the_list_is_a_server_error(client: Client, news: None) -> None:
    names = st.sampled_from(["category", "growth", "network", "year", "page", "q"])
    params = st.dictionaries(st.one_of(names, VALUE), st.lists(VALUE, max_size=2), max_size=4)

    @FUZZ
    @given(params=params)
    def check(params: dict[str, Any]) -> None:
        response = client.get("/aktuelles/", params)
        assert response.status_code in (200, 400), (params, response.status_code)

    check()


@pytest.mark.parametrize(
    "template",
    [
        "/aktuelles/{}/",
        "/aktuelles/{}/bild/",
        "/aktuelles/kategorie/{}/rss/",
        "/aktuelles/kategorie/{}/atom/",
        "/aktuelles/wachstumsfeld/{}/rss/",
        "/aktuelles/wachstumsfeld/{}/atom/",
    ],
)
def test_no_article_or_feed_address_is_a_server_error(
    client: Client, news: None, template: str
) -> None:
    @FUZZ
    @given(slug=VALUE)
    def check(slug: str) -> None:
        response = client.get(template.format(quote(slug, safe="")))
        assert response.status_code in (200, 301, 302, 400, 404), (slug, response.status_code)
        if response.status_code == 200:
            assert slug in ("meldung", "presse", "feed"), slug

    check()
