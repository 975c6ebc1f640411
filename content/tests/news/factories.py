"""factory-boy factories of the news tests."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from content.news.models import Article, NewsCategory


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
