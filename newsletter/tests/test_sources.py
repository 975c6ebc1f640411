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
