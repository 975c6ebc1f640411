"""Editors write news in the back office: an article with an image checked by its
content, scheduled for later, previewed as sanitised, and listed with its status; the
history names who changed what."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR
from accounts.services import grant_role
from content.news.models import Article
from core.testing import sign_in

from .factories import ArticleFactory, CategoryFactory
from .test_pages import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client() -> tuple[Client, User]:
    user = User.objects.create_user("redakteurin", "r@example.org", "x" * 16, is_staff=True)
    grant_role(user, EDITOR)
    client = Client()
    sign_in(client, user)
    return client, user


def form(when: datetime.datetime, **values: Any) -> dict[str, Any]:
    local = timezone.localtime(when)
    return {
        "title": "Innovationspreis verliehen",
        "slug": "innovationspreis-verliehen",
        "teaser": "Neun Unternehmen waren nominiert.",
        "body": '<p onclick="x()">Die <em>Gewinner</em> <a href="https://example.org">hier</a>'
        "<script>alert(1)</script></p>",
        "publish_at_0": local.strftime("%d.%m.%Y"),
        "publish_at_1": local.strftime("%H:%M:%S"),
        "published": "on",
        "image_alt": "Die Preisträger auf der Bühne",
        "image_credit": "Foto: Agentur",
        **values,
    }


def test_an_editor_schedules_an_article_with_an_image(
    editor_client: tuple[Client, User],
) -> None:
    client, user = editor_client
    category = CategoryFactory.create(name="Pressemitteilungen")
    when = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    response = client.post(
        reverse("admin:content_article_add"),
        form(
            when,
            categories=[str(category.pk)],
            image=SimpleUploadedFile("preis.png", PNG, content_type="image/png"),
        ),
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="innovationspreis-verliehen")
    assert article.body == (
        '<p>Die <em>Gewinner</em> <a href="https://example.org" rel="noopener nofollow">hier</a>'
        "</p>"
    )
    assert article.publish_at == when and article.is_scheduled
    assert (article.image.name or "").endswith(".png")
    assert article.history.first().history_user == user  # type: ignore[union-attr]
    assert Client().get(article.get_absolute_url()).status_code == 404

    listing = client.get(reverse("admin:content_article_changelist"), HTTP_ACCEPT_LANGUAGE="de")
    assert "geplant" in listing.content.decode()
    change = client.get(
        reverse("admin:content_article_change", args=[article.pk]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Vorschau des Textes, wie er veröffentlicht wird" in change
    assert '<div class="news-preview"><p>Die <em>Gewinner</em>' in change


def test_an_image_that_is_no_image_or_lacks_its_description_is_refused(
    editor_client: tuple[Client, User],
) -> None:
    client, _user = editor_client
    when = timezone.now()
    response = client.post(
        reverse("admin:content_article_add"),
        form(when, image=SimpleUploadedFile("preis.png", b"GIF89a not a png")),
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "ist als PNG benannt" in errors["image"][0]
    response = client.post(
        reverse("admin:content_article_add"),
        form(when, image=SimpleUploadedFile("preis.png", PNG), image_alt=""),
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.context["adminform"].form.errors["image_alt"] == [
        "Beschreiben Sie das Bild für alle, die es nicht sehen können."
    ]
    assert not Article.objects.exists()


def test_the_list_filters_and_searches_articles(editor_client: tuple[Client, User]) -> None:
    client, _user = editor_client
    category = CategoryFactory.create(name="Förderung")
    funded = ArticleFactory.create(title="Förderaufruf Gutscheine")
    funded.categories.add(category)
    ArticleFactory.create(title="Radwege", published=False)
    url = reverse("admin:content_article_changelist")
    by_category = client.get(url, {"categories__id__exact": category.pk})
    assert [a.title for a in by_category.context["cl"].result_list] == ["Förderaufruf Gutscheine"]
    drafts = client.get(url, {"published__exact": "0"})
    assert [a.title for a in drafts.context["cl"].result_list] == ["Radwege"]
    found = client.get(url, {"q": "Gutscheine"})
    assert [a.title for a in found.context["cl"].result_list] == ["Förderaufruf Gutscheine"]
