"""What "fill from recent items" takes from each kind of content: only what every visitor
may see, recent or (for funding programmes) with a deadline coming."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from content.funding.choices import ProgrammeStatus
from content.tests.funding.factories import CallFactory, ProgrammeFactory
from newsletter import services
from newsletter.models import NewsletterIssue

pytestmark = pytest.mark.django_db


def _filled(source: str) -> list[Any]:
    issue = NewsletterIssue.objects.create(subject="Dezember")
    services.fill_from_sources(issue)
    return list(issue.items.filter(source=source).order_by("position", "pk"))


def test_funding_programmes_new_ones_and_those_whose_deadline_comes(settings: Any) -> None:
    settings.PORTAL_URL = "https://portal.example"
    today = timezone.localdate()
    old = timezone.now() - datetime.timedelta(days=200)
    new = ProgrammeFactory.create(name="Neuer Digitalbonus")
    closing = CallFactory.create(
        programme__name="Innovationsgutschein", closes=today + datetime.timedelta(days=10)
    ).programme
    later = CallFactory.create(
        programme__name="Ferne Frist", closes=today + datetime.timedelta(days=200)
    ).programme
    draft = ProgrammeFactory.create(name="Entwurf", status=ProgrammeStatus.DRAFT)
    from content.funding.models import Programme

    Programme.objects.filter(pk__in=[closing.pk, later.pk]).update(created=old)

    items = _filled("funding")

    titles = [item.title for item in items]
    assert titles == ["Innovationsgutschein", "Neuer Digitalbonus"]
    assert later.name not in titles and draft.name not in titles
    deadline = (today + datetime.timedelta(days=10)).strftime("%d.%m.%Y")
    assert items[0].summary.startswith(f"Frist {deadline}.")
    assert items[1].url == f"https://portal.example/foerderprogramme/{new.slug}/"


def test_events_of_the_coming_weeks_soonest_first(settings: Any) -> None:
    from content.events.choices import EventStatus
    from content.tests.events.factories import EventFactory, in_days

    settings.PORTAL_URL = "https://portal.example"
    EventFactory.create(title="Später Workshop", start=in_days(20))
    soon = EventFactory.create(title="Bald: Innovationsforum", start=in_days(3))
    EventFactory.create(title="Vorbei", start=in_days(-3))
    EventFactory.create(title="Zu fern", start=in_days(120))
    EventFactory.create(title="Abgesagt", start=in_days(5), status=EventStatus.CANCELLED)
    EventFactory.create(title="Entwurf", start=in_days(5), status=EventStatus.DRAFT)

    items = _filled("events")

    assert [item.title for item in items] == ["Bald: Innovationsforum", "Später Workshop"]
    assert items[0].url == f"https://portal.example/veranstaltungen/{soon.slug}/"
    assert items[0].date == timezone.localdate(soon.start)
    assert "Erfurt" in items[0].summary


def test_news_that_went_public_since_the_last_issue(settings: Any) -> None:
    from content.tests.news.factories import ArticleFactory

    settings.PORTAL_URL = "https://portal.example"
    settings.NEWSLETTER_SOURCE_DAYS = 30
    now = timezone.now()
    fresh = ArticleFactory.create(title="Neue Halle", publish_at=now - datetime.timedelta(days=2))
    ArticleFactory.create(title="Gestern", publish_at=now - datetime.timedelta(days=1))
    ArticleFactory.create(title="Zu alt", publish_at=now - datetime.timedelta(days=40))
    ArticleFactory.create(title="Geplant", publish_at=now + datetime.timedelta(days=1))
    ArticleFactory.create(title="Entwurf", published=False)

    items = _filled("news")

    assert [item.title for item in items] == ["Gestern", "Neue Halle"]
    assert items[1].url == f"https://portal.example/aktuelles/{fresh.slug}/"
    assert items[1].summary == fresh.teaser
