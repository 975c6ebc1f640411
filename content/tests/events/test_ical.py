"""The calendar files and feeds are valid iCalendar: parsed back by the independent
``icalendar`` library, with lines of at most 75 octets, escaped text, a stable UID and
cancelled events marked so."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.test import Client

from content.events.choices import EventStatus
from content.events.ical import escape_text, fold
from directory.tests.factories import GrowthFieldFactory
from networks.tests.factories import NetworkFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def parse(body: bytes) -> Any:
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    return icalendar.Calendar.from_ical(body)


def test_an_events_file_holds_its_title_times_place_and_a_stable_uid(client: Client) -> None:
    event = EventFactory.create(
        title="Forum; Wasserstoff, Brennstoffzelle \\ Speicher",
        summary="Zeile eins\nZeile zwei " + "mit Umlauten äöü " * 10,
    )
    response = client.get(f"/veranstaltungen/{event.slug}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")

    (vevent,) = parse(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent["DTSTART"].dt == event.start
    assert vevent["DTEND"].dt == event.end
    assert "Zeile eins\nZeile zwei" in str(vevent["DESCRIPTION"])
    assert "99084 Erfurt" in str(vevent["LOCATION"])
    assert str(vevent["STATUS"]) == "CONFIRMED"
    uid = str(vevent["UID"])

    event.title = "Neuer Titel"
    event.save()
    (again,) = parse(client.get(f"/veranstaltungen/{event.slug}.ics").content).walk("VEVENT")
    assert str(again["UID"]) == uid and str(again["SUMMARY"]) == "Neuer Titel"


def test_a_cancelled_event_says_so_and_stays_in_the_feed(client: Client) -> None:
    event = EventFactory.create(status=EventStatus.CANCELLED)
    EventFactory.create(status=EventStatus.DRAFT, title="Entwurf")
    calendar = parse(client.get("/veranstaltungen/kalender.ics").content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == [event.title]
    assert str(events[0]["STATUS"]) == "CANCELLED"


def test_the_feeds_per_growth_field_and_per_network_hold_their_events(client: Client) -> None:
    field = GrowthFieldFactory.create(slug="photonik-test", name="Photonik Test")
    network = NetworkFactory.create(slug="optonet-test")
    in_field = EventFactory.create(title="Im Feld")
    in_field.growth_fields.add(field)
    of_network = EventFactory.create(title="Im Netzwerk", network=network)
    EventFactory.create(title="Anderes")
    old = EventFactory.create(
        title="Lange her",
        start=datetime.datetime(2001, 1, 1, 10, tzinfo=datetime.UTC),
        end=datetime.datetime(2001, 1, 1, 12, tzinfo=datetime.UTC),
    )

    by_field = parse(client.get("/veranstaltungen/wachstumsfeld/photonik-test.ics").content)
    assert [str(e["SUMMARY"]) for e in by_field.walk("VEVENT")] == ["Im Feld"]
    assert "Photonik Test" in [str(c) for c in by_field.walk("VEVENT")[0]["CATEGORIES"].cats]
    by_network = parse(client.get("/veranstaltungen/netzwerk/optonet-test.ics").content)
    assert [str(e["SUMMARY"]) for e in by_network.walk("VEVENT")] == ["Im Netzwerk"]
    everything = parse(client.get("/veranstaltungen/kalender.ics").content)
    titles = {str(e["SUMMARY"]) for e in everything.walk("VEVENT")}
    assert titles == {"Im Feld", "Im Netzwerk", "Anderes"}
    assert old.title not in titles and of_network.pk
    assert client.get("/veranstaltungen/wachstumsfeld/gibt-es-nicht.ics").status_code == 404
    assert client.get("/veranstaltungen/netzwerk/gibt-es-nicht.ics").status_code == 404


def test_a_drafts_file_is_not_public(client: Client) -> None:
    event = EventFactory.create(status=EventStatus.DRAFT)
    assert client.get(f"/veranstaltungen/{event.slug}.ics").status_code == 404


def test_folding_never_splits_a_character_and_escaping_round_trips() -> None:
    line = "DESCRIPTION:" + escape_text("ä,ö;ü\\ß\n" * 30)
    folded = fold(line)
    for piece in folded.split("\r\n"):
        assert len(piece.encode("utf-8")) <= 75
    unfolded = folded.replace("\r\n ", "")
    assert unfolded == line
