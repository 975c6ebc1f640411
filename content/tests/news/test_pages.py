"""A visitor reads the news: the list (newest first, paginated, with filters), an
article with its image, categories, growth fields, networks and structured data; drafts
and scheduled articles are hidden from visitors and marked for staff."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classification.models import GrowthField
from content.news.models import Article
from core.testing import sign_in
from directory.choices import OrganisationKind, Source
from directory.tests.factories import OrganisationFactory

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
LIST = "/aktuelles/"


def titles(response: Any) -> list[str]:
    return [article.title for article in response.context["articles"]]


def german(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.get(url, data or {}, HTTP_ACCEPT_LANGUAGE="de")


@pytest.fixture
def staff_client(client: Client) -> Client:
    user = User.objects.create_user("redaktion", "r@example.org", "x" * 16, is_staff=True)
    sign_in(client, user)
    return client


def test_the_list_shows_visible_articles_newest_first_and_pages(client: Client) -> None:
    now = timezone.now()
    for day in range(12):
        ArticleFactory.create(title=f"Tag {day}", publish_at=now - datetime.timedelta(days=day))
    ArticleFactory.create(title="Entwurf", published=False)
    ArticleFactory.create(title="Geplant", publish_at=now + datetime.timedelta(hours=1))

    first = german(client, LIST)
    assert first.status_code == 200
    assert titles(first) == [f"Tag {day}" for day in range(10)]
    assert "12 Artikel" in first.content.decode()
    second = german(client, LIST, {"page": "2"})
    assert titles(second) == ["Tag 10", "Tag 11"]
    assert german(client, LIST, {"page": "99"}).status_code == 200


def test_filters_by_category_growth_field_network_and_year(client: Client) -> None:
    press = CategoryFactory.create(name="Pressemitteilungen", slug="presse")
    field = GrowthField.objects.order_by("pk").first()
    assert field is not None
    network = OrganisationFactory.create(kind=OrganisationKind.NETWORK, name="Netz Optik")
    last_year = timezone.now().year - 1
    a = ArticleFactory.create(title="Presse alt", publish_at=timezone.now().replace(year=last_year))
    a.categories.add(press)
    b = ArticleFactory.create(title="Feld und Netz")
    b.growth_fields.add(field)
    b.networks.add(network)
    ArticleFactory.create(title="Sonstiges")

    assert titles(german(client, LIST, {"category": "presse"})) == ["Presse alt"]
    assert titles(german(client, LIST, {"growth": field.slug})) == ["Feld und Netz"]
    assert titles(german(client, LIST, {"network": network.slug})) == ["Feld und Netz"]
    assert titles(german(client, LIST, {"year": str(last_year)})) == ["Presse alt"]
    both = german(client, LIST, {"category": "presse", "year": str(last_year + 1)})
    assert titles(both) == []
    assert "Kein Artikel passt zu diesen Filtern." in both.content.decode()


def test_invalid_filter_values_say_what_is_wrong_and_show_everything(client: Client) -> None:
    ArticleFactory.create(title="Eins")
    response = german(client, LIST, {"year": "zwanzig", "category": "gibt-es-nicht"})
    html = response.content.decode()
    assert response.status_code == 200
    assert titles(response) == ["Eins"]
    assert re.search(r'class="field-error" id="id_year-error">Bitte eine ganze Zahl eingeben', html)
    assert 'id="id_category-error">' in html
    assert 'aria-describedby="id_year-error"' in html
    assert german(client, LIST, {"year": "99999999999999999999"}).status_code == 200


def test_an_article_page_shows_everything_and_its_structured_data(client: Client) -> None:
    category = CategoryFactory.create(name="Förderung", slug="foerderung")
    field = GrowthField.objects.order_by("pk").first()
    assert field is not None
    network = OrganisationFactory.create(kind=OrganisationKind.CLUSTER, name="Cluster Photonik")
    article = ArticleFactory.create(
        title="Neues Programm",
        teaser="Zuschüsse für Digitalisierung.",
        body="<p>Der <strong>Text</strong>.</p>",
        author="Anna Berger",
        image=SimpleUploadedFile("bild.png", PNG, content_type="image/png"),
        image_alt="Eine Werkhalle mit Robotern",
        image_credit="Foto: Agentur",
    )
    article.categories.add(category)
    article.growth_fields.add(field)
    article.networks.add(network)

    response = german(client, article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Neues Programm</h1>" in html
    assert "<p>Der <strong>Text</strong>.</p>" in html
    assert 'alt="Eine Werkhalle mit Robotern"' in html
    assert "Bild: Foto: Agentur" in html
    assert "Förderung" in html and field.name in html and "Cluster Photonik" in html
    assert 'href="/aktuelles/feed/rss/"' in html
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    data = json.loads(match.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Neues Programm"
    assert data["author"] == {"@type": "Person", "name": "Anna Berger"}
    assert data["image"]["url"].endswith(f"/aktuelles/{article.slug}/bild/")
    assert data["articleSection"] == ["Förderung"]
    assert data["publisher"] == {"@type": "Organization", "name": settings.PORTAL_NAME}
    assert datetime.datetime.fromisoformat(data["datePublished"]) == article.publish_at

    image = client.get(article.image_url())
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


def test_an_image_must_be_an_image_and_needs_its_alternative_text() -> None:
    from django.core.exceptions import ValidationError

    fake = Article(
        title="x",
        slug="x",
        teaser="t",
        image=SimpleUploadedFile("bild.png", b"<html>not a png</html>"),
        image_alt="Beschreibung",
    )
    with pytest.raises(ValidationError) as error:
        fake.full_clean()
    assert "image" in error.value.message_dict
    no_alt = Article(
        title="x", slug="y", teaser="t", image=SimpleUploadedFile("bild.png", PNG), image_alt=""
    )
    with pytest.raises(ValidationError) as error:
        no_alt.full_clean()
    assert list(error.value.message_dict) == ["image_alt"]


def test_drafts_and_scheduled_articles_are_hidden_from_visitors(client: Client) -> None:
    draft = ArticleFactory.create(
        title="Entwurf",
        published=False,
        image=SimpleUploadedFile("b.png", PNG),
        image_alt="Bild",
    )
    scheduled = ArticleFactory.create(
        title="Geplant", publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    for article in (draft, scheduled):
        assert german(client, article.get_absolute_url()).status_code == 404
    assert client.get(draft.image_url()).status_code == 404
    assert titles(german(client, LIST)) == []


def test_staff_see_drafts_and_scheduled_articles_with_a_banner(staff_client: Client) -> None:
    draft = ArticleFactory.create(title="Entwurf", published=False)
    scheduled = ArticleFactory.create(
        title="Geplant", publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    html = german(staff_client, draft.get_absolute_url()).content.decode()
    assert "Dieser Artikel ist ein Entwurf. Nur Mitarbeitende sehen ihn." in html
    html = german(staff_client, scheduled.get_absolute_url()).content.decode()
    assert "Dieser Artikel ist geplant" in html
    listed = german(staff_client, LIST)
    assert set(titles(listed)) == {"Entwurf", "Geplant"}


def test_demo_articles_say_they_are_demo_data(client: Client) -> None:
    article = ArticleFactory.create(title="Demo", source=Source.GENERATED)
    for url in (LIST, article.get_absolute_url()):
        html = german(client, url).content.decode()
        assert 'role="note" aria-label="Demodaten"' in html


def test_the_growth_field_and_network_pages_show_their_latest_news(client: Client) -> None:
    field = GrowthField.objects.order_by("pk").first()
    assert field is not None
    network = OrganisationFactory.create(kind=OrganisationKind.NETWORK, name="Netz Holz")
    shown = ArticleFactory.create(title="Für Feld und Netz")
    shown.growth_fields.add(field)
    shown.networks.add(network)
    hidden = ArticleFactory.create(title="Noch geheim", published=False)
    hidden.growth_fields.add(field)
    hidden.networks.add(network)

    for url in (
        reverse("networks:growth-field", args=[field.slug]),
        reverse("networks:detail", args=[network.slug]),
    ):
        html = german(client, url).content.decode()
        assert "Aktuelle Meldungen" in html, url
        assert shown.get_absolute_url() in html
        assert "Noch geheim" not in html


def test_the_list_costs_the_same_queries_for_few_and_many_articles(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    category = CategoryFactory.create()
    field = GrowthField.objects.order_by("pk").first()

    def add(count: int) -> None:
        for _ in range(count):
            article = ArticleFactory.create(source=Source.GENERATED)
            article.categories.add(category)
            article.growth_fields.add(field)

    add(2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    add(8)
    with CaptureQueriesContext(connection) as many:
        assert len(german(client, LIST).context["articles"]) == 10
    assert len(many) == len(few)
