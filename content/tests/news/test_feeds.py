"""The news feeds (RSS 2.0 and Atom; all news, per category and per growth field), read
back by an independent feed parser as a feed reader would; drafts and scheduled
articles are not in them, and the list pages name their feeds."""

from __future__ import annotations

import datetime
import html
from typing import Any

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from classification.models import GrowthField

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def parsed(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed


@pytest.fixture
def articles() -> dict[str, Any]:
    now = timezone.now().replace(microsecond=0)
    press = CategoryFactory.create(name="Pressemitteilungen", slug="presse")
    field = GrowthField.objects.order_by("pk").first()
    assert field is not None
    older = ArticleFactory.create(
        title="Ältere Meldung & mehr",
        teaser="Zuerst <geschrieben>.",
        author="Anna Berger",
        publish_at=now - datetime.timedelta(days=2),
    )
    older.categories.add(press)
    newer = ArticleFactory.create(
        title="Neuere Meldung", publish_at=now - datetime.timedelta(hours=1)
    )
    newer.growth_fields.add(field)
    ArticleFactory.create(title="Entwurf", published=False)
    ArticleFactory.create(title="Geplant", publish_at=now + datetime.timedelta(days=1))
    return {"older": older, "newer": newer, "press": press, "field": field}


@pytest.mark.parametrize(
    ("url", "version"),
    [("/aktuelles/feed/rss/", "rss20"), ("/aktuelles/feed/atom/", "atom10")],
)
def test_the_feeds_of_all_news_list_visible_articles_newest_first(
    client: Client, articles: dict[str, Any], url: str, version: str
) -> None:
    feed = parsed(client, url)
    assert feed.version == version
    assert feed.feed.title == "Aktuelles aus dem Clusterportal"
    assert [entry.title for entry in feed.entries] == ["Neuere Meldung", "Ältere Meldung & mehr"]
    older = feed.entries[1]
    assert older.link == "http://testserver" + articles["older"].get_absolute_url()
    assert older.id == older.link  # a stable, unique id per article
    assert html.unescape(older.summary) == "Zuerst <geschrieben>."
    assert older.author == "Anna Berger"
    assert [tag.term for tag in older.tags] == ["Pressemitteilungen"]
    year, month, day, hour, minute, second = older.published_parsed[:6]
    published = datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.UTC)
    assert published == articles["older"].publish_at


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_category_and_growth_field_feeds_hold_their_articles_only(
    client: Client, articles: dict[str, Any], kind: str
) -> None:
    by_category = parsed(client, f"/aktuelles/kategorie/presse/{kind}/")
    assert [entry.title for entry in by_category.entries] == ["Ältere Meldung & mehr"]
    assert "Pressemitteilungen" in by_category.feed.title
    field = articles["field"]
    by_field = parsed(client, f"/aktuelles/wachstumsfeld/{field.slug}/{kind}/")
    assert [entry.title for entry in by_field.entries] == ["Neuere Meldung"]
    assert client.get(f"/aktuelles/kategorie/gibt-es-nicht/{kind}/").status_code == 404


def test_the_list_pages_name_their_feeds(client: Client, articles: dict[str, Any]) -> None:
    html = client.get("/aktuelles/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/aktuelles/feed/atom/"' in html
    html = client.get("/aktuelles/?category=presse", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'type="application/rss+xml" title="Aktuelles: Pressemitteilungen (RSS)"' in html
    assert 'href="/aktuelles/kategorie/presse/atom/"' in html
    field = articles["field"]
    html = client.get(f"/aktuelles/?growth={field.slug}").content.decode()
    assert f'href="/aktuelles/wachstumsfeld/{field.slug}/rss/"' in html
