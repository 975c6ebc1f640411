"""The main search finds published and cancelled events, not drafts, with facets by
growth field, format, organiser and upcoming/past; every write path keeps the index in
step: the back office, the organisers' form, cancelling, deleting, the demo command."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from content.events import services
from content.events.choices import EventStatus
from content.events.models import Event
from core.testing import sign_in
from directory.tests.factories import GrowthFieldFactory
from search import content
from search.content import ContentQuery, search_content

from .factories import EventFactory, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


def found(text: str, **filters: list[str]) -> set[int]:
    query = ContentQuery(type="event", text=text, filters=filters, page_size=50)
    return {hit.id for hit in search_content(query).hits}


def no_drift() -> None:
    (drift,) = [d for d in content.check() if d.type == "event"]
    assert drift.clean, (drift.missing, drift.stale, drift.extra)


def test_events_are_found_with_facets_and_drafts_are_not(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        field = GrowthFieldFactory.create(slug="mobilitaet-test")
        upcoming = EventFactory.create(title="Batterieforum Zukunft")
        upcoming.growth_fields.add(field)
        past = EventFactory.create(title="Batterieforum Rückblick", start=in_days(-30))
        EventFactory.create(title="Batterieforum Entwurf", status=EventStatus.DRAFT)
    assert found("Batterieforum") == {upcoming.pk, past.pk}
    assert found("Batterieforum", when=["upcoming"]) == {upcoming.pk}
    assert found("Batterieforum", when=["past"]) == {past.pk}
    assert found("Batterieforum", field=["mobilitaet-test"]) == {upcoming.pk}
    assert found("Batterieforum", format=["online"]) == set()
    no_drift()


def test_cancelling_changing_and_deleting_keep_the_index_in_step(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = EventFactory.create(title="Quantenabend")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event)
    no_drift()
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Sensorikabend"
        services.save_event(event)
    assert found("Sensorikabend") == {event.pk} and found("Quantenabend") == set()
    with django_capture_on_commit_callbacks(execute=True):
        event.status = EventStatus.DRAFT
        event.save()
    assert found("Sensorikabend") == set()
    with django_capture_on_commit_callbacks(execute=True):
        event.status = EventStatus.PUBLISHED
        event.save()
        Event.objects.get(pk=event.pk).delete()
    assert found("Sensorikabend") == set()
    no_drift()


def test_the_back_office_keeps_the_index_in_step(
    client: Client, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = EventFactory.create(title="Alter Titel")
        field = GrowthFieldFactory.create(slug="feld-admin")
    sign_in(client, admin_user)
    data = {
        "title": "Wasserstoffgipfel",
        "slug": event.slug,
        "summary": "",
        "description": "",
        "status": "published",
        "start_0": event.start.strftime("%d.%m.%Y"),
        "start_1": "10:00:00",
        "end_0": event.end.strftime("%d.%m.%Y"),
        "end_1": "18:00:00",
        "format": "on_site",
        "venue_name": "Kaisersaal",
        "venue_postal_code": "99084",
        "venue_place": "Erfurt",
        "growth_fields": [str(field.pk)],
        "is_free": "on",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/content/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert found("Wasserstoffgipfel", field=["feld-admin"]) == {event.pk}
    event.refresh_from_db()
    assert event.district is not None
    no_drift()


def test_the_demo_command_indexes_its_events(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_events", verbosity=0)
    count = Event.objects.count()
    assert count >= 20
    assert Event.objects.filter(source="generated").count() == count
    no_drift()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_events", "--if-empty", verbosity=0)
    assert Event.objects.count() == count


def test_the_search_page_shows_events_with_their_facets(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = EventFactory.create(title="Lasersymposium Jena", slug="lasersymposium")
        EventFactory.create(title="Lasersymposium Archiv", start=in_days(-50))

    response = client.get(
        "/suche/", {"type": "event", "q": "Lasersymposium"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Veranstaltungen" in html
    assert f'href="{event.get_absolute_url()}"' in html
    assert "Bevorstehend" in html and "Vergangen" in html  # the upcoming/past facet
    only_upcoming = client.get(
        "/suche/", {"type": "event", "q": "Lasersymposium", "when": "upcoming"}
    ).content.decode()
    assert "Lasersymposium Jena" in only_upcoming and "Lasersymposium Archiv" not in only_upcoming
