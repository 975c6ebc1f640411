"""Shared pieces of the news tests: factories, the images' directory, time control."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import factory
import pytest
from django.utils import timezone

from content.news.models import Article, NewsCategory


@pytest.fixture(autouse=True)
def _news_images(settings: Any, tmp_path: Any) -> None:
    settings.NEWS_IMAGE_DIR = tmp_path / "news-images"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsCategory

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.Sequence(lambda n: f"kategorie-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Meldung {n}")
    slug = factory.Sequence(lambda n: f"meldung-{n}")
    teaser = "Kurz gesagt: es gibt Neuigkeiten."
    body = "<p>Ein Absatz.</p>"
    published = True
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


class Clock:
    """``timezone.now`` under the test's control (every module calls it through
    ``django.utils.timezone``)."""

    def __init__(self, monkeypatch: Any) -> None:
        self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta: float) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: Any) -> Iterator[Clock]:
    yield Clock(monkeypatch)
