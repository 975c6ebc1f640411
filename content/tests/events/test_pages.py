"""The events' pages as visitors and organisers see them: the list with upcoming and
past events, the month calendar, the filters (a bad value is named, never a server
error), the detail with its schema.org data, drafts only for their organisers, and the
organisers' own pages."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationEditor
from content.events.choices import EventFormat, EventStatus
from content.events.models import Event
from core.testing import sign_in
from directory.choices import Source
from directory.tests.factories import GrowthFieldFactory
from geo.models import District
from networks.tests.factories import NetworkFactory

from .factories import EventFactory, in_days

pytestmark = pytest.mark.django_db
GERMAN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "de"}


def html(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url, **GERMAN)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def manager_of(network: Any, name: str = "managerin") -> User:
    user = User.objects.create_user(name, f"{name}@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=user, organisation=network, via="staff")
    return user


def test_the_list_shows_upcoming_events_first_and_past_ones_apart(client: Client) -> None:
    EventFactory.create(title="Bald", start=in_days(3))
    EventFactory.create(title="Später", start=in_days(30))
    EventFactory.create(title="Vorbei", start=in_days(-10))
    EventFactory.create(title="Geheimer Entwurf", status=EventStatus.DRAFT)

    page = html(client, "/veranstaltungen/")
    upcoming, past = page.split('id="past-heading"')
    assert upcoming.index("Bald") < upcoming.index("Später")
    assert "Vorbei" in past and "Vorbei" not in upcoming
    assert "Geheimer Entwurf" not in page
    assert "/veranstaltungen/kalender.ics" in page


def test_filters_narrow_the_list_and_a_bad_value_is_named(client: Client) -> None:
    field = GrowthFieldFactory.create(slug="energie-test", name="Energie Test")
    network = NetworkFactory.create(slug="netz-test", name="Netz Test e. V.")
    online = EventFactory.create(
        title="Online-Seminar", format=EventFormat.ONLINE, online_url="https://x.example.org"
    )
    paid = EventFactory.create(title="Kostenpflichtig", is_free=False, price="99 €")
    paid.growth_fields.add(field)
    by_network = EventFactory.create(title="Netzwerkabend", network=network)
    in_jena = EventFactory.create(title="In Jena", venue_postal_code="07743", venue_place="Jena")
    from content.events.services import resolve_place

    resolve_place(in_jena)
    in_jena.save()
    assert in_jena.district is not None

    assert "Online-Seminar" in html(client, "/veranstaltungen/?format=online")
    assert "Kostenpflichtig" not in html(client, "/veranstaltungen/?format=online")
    assert "Kostenpflichtig" in html(client, "/veranstaltungen/?cost=paid")
    assert "Online-Seminar" not in html(client, "/veranstaltungen/?cost=paid")
    assert "Kostenpflichtig" in html(client, "/veranstaltungen/?field=energie-test")
    assert "Netzwerkabend" in html(client, "/veranstaltungen/?network=netz-test")
    assert "Online-Seminar" not in html(client, "/veranstaltungen/?network=netz-test")
    by_district = html(client, f"/veranstaltungen/?district={in_jena.district.ags}")
    assert "In Jena" in by_district and "Online-Seminar" not in by_district
    soon = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "Netzwerkabend" not in html(client, f"/veranstaltungen/?date_to={soon}")

    page = html(client, "/veranstaltungen/?format=teleportation&date_from=gestern")
    assert "Einige Filter ließen sich nicht anwenden" in page
    assert "Format" in page and "Von" in page
    assert online.title in page and by_network.title in page  # bad filters are left out


def test_the_month_calendar_is_a_table_with_links_to_the_neighbouring_months(
    client: Client,
) -> None:
    event = EventFactory.create(title="Kalender-Event", start=in_days(0, hour=14))
    today = timezone.localdate()
    page = html(client, f"/veranstaltungen/kalender/{today.year}/{today.month}/?format=on_site")
    assert "<table" in page and "Kalender-Event" in page
    assert 'aria-current="date"' in page
    assert 'rel="prev"' in page and 'rel="next"' in page
    assert "format=on_site" in re.search(r'href="([^"]+)" rel="next"', page).group(1)  # type: ignore[union-attr]
    assert (
        html(client, f"/veranstaltungen/kalender/{today.year}/{today.month}/?format=online").count(
            "Kalender-Event"
        )
        == 0
    )
    assert client.get("/veranstaltungen/kalender/").status_code == 302
    html(client, "/veranstaltungen/kalender/2024/13/", 404)
    html(client, "/veranstaltungen/kalender/99999/1/", 404)
    assert event.pk


def test_the_detail_page_carries_schema_org_event_data(client: Client) -> None:
    network = NetworkFactory.create(name="Optonet e. V.")
    event = EventFactory.create(
        title="Hybrid-Forum",
        format=EventFormat.HYBRID,
        online_url="https://meet.example.org/forum",
        network=network,
        is_free=False,
        price="120 € zzgl. MwSt.",
        description="## Programm\n- Vortrag <script>alert(1)</script>",
        source=Source.GENERATED,
    )
    page = html(client, event.get_absolute_url())
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert script is not None
    data = json.loads(script.group(1))
    assert data["@type"] == "Event"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert {loc["@type"] for loc in data["location"]} == {"Place", "VirtualLocation"}
    assert data["organizer"]["name"] == "Optonet e. V."
    assert data["offers"]["description"] == "120 € zzgl. MwSt."
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Demodaten" in page

    event.status = EventStatus.CANCELLED
    event.save()
    page = html(client, event.get_absolute_url())
    assert "https://schema.org/EventCancelled" in page
    assert "Diese Veranstaltung ist abgesagt." in page


def test_a_draft_is_seen_only_by_its_networks_managers(client: Client) -> None:
    network = NetworkFactory.create()
    draft = EventFactory.create(status=EventStatus.DRAFT, network=network)
    html(client, draft.get_absolute_url(), 404)
    client.force_login(manager_of(network))
    assert "Entwurf" in html(client, draft.get_absolute_url())


def test_a_network_manager_adds_and_edits_only_their_networks_events(client: Client) -> None:
    network = NetworkFactory.create(slug="mein-netz")
    other = NetworkFactory.create(slug="fremdes-netz")
    foreign = EventFactory.create(network=other, title="Fremde Veranstaltung")
    client.force_login(manager_of(network))

    form = html(client, "/veranstaltungen/neu/?netzwerk=mein-netz")
    assert "Veranstaltung anlegen" in form
    start = in_days(20)
    response = client.post(
        "/veranstaltungen/neu/?netzwerk=mein-netz",
        {
            "title": "Netzwerktreffen Herbst",
            "slug": "",
            "summary": "Treffen",
            "description": "",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "format": "on_site",
            "venue_name": "Volkshaus",
            "venue_postal_code": "07743",
            "venue_place": "Jena",
            "is_free": "on",
            "capacity": "30",
            "status": "published",
        },
        **GERMAN,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Event.objects.get(slug="netzwerktreffen-herbst")
    assert created.network == network and created.district is not None

    assert client.get("/veranstaltungen/neu/?netzwerk=fremdes-netz").status_code == 403
    assert client.get(f"/veranstaltungen/{foreign.slug}/bearbeiten/").status_code == 403
    mine = html(client, "/veranstaltungen/meine/")
    assert "Netzwerktreffen Herbst" in mine and "Fremde Veranstaltung" not in mine

    bad = client.post(
        f"/veranstaltungen/{created.slug}/bearbeiten/",
        {"title": "X", "slug": "kalender", "start": "gestern", "format": "online"},
        **GERMAN,
    )
    assert bad.status_code == 200
    assert "Diese Adresse gehört zu einer anderen Seite" in bad.content.decode()


def test_strangers_are_sent_to_sign_in_for_the_organisers_pages(client: Client) -> None:
    event = EventFactory.create()
    for url in (
        "/veranstaltungen/neu/",
        "/veranstaltungen/meine/",
        f"/veranstaltungen/{event.slug}/bearbeiten/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_staff_edit_events_in_the_back_office(client: Client, admin_user: Any) -> None:
    event = EventFactory.create()
    sign_in(client, admin_user)
    response = client.get(f"/veranstaltungen/{event.slug}/bearbeiten/")
    assert response.status_code == 302 and f"/content/event/{event.pk}/" in response["Location"]
    assert District.objects.exists()


def test_adding_without_a_network_leads_to_the_choice_of_ones_networks(client: Client) -> None:
    only = NetworkFactory.create(slug="einziges-netz")
    manager = manager_of(only)
    client.force_login(manager)
    response = client.get("/veranstaltungen/neu/")
    assert response["Location"] == "/veranstaltungen/neu/?netzwerk=einziges-netz"
    second = NetworkFactory.create(slug="zweites-netz")
    OrganisationEditor.objects.create(user=manager, organisation=second, via="staff")
    assert client.get("/veranstaltungen/neu/")["Location"] == "/veranstaltungen/meine/"
    page = html(client, "/veranstaltungen/meine/")
    assert "?netzwerk=einziges-netz" in page and "?netzwerk=zweites-netz" in page


def test_many_upcoming_events_are_paged(client: Client, monkeypatch: Any) -> None:
    from content.events import views

    monkeypatch.setattr(views, "UPCOMING_PAGE_SIZE", 2)
    for n in range(5):
        EventFactory.create(title=f"Forum {n}", start=in_days(n + 1))

    first = html(client, "/veranstaltungen/")
    last = html(client, "/veranstaltungen/?kommende=3")

    titles = re.findall(r">(Forum \d)<", first)
    assert titles == ["Forum 0", "Forum 1"]
    assert "Seite 1 von 3" in first and "?kommende=2#upcoming-heading" in first
    assert re.findall(r">(Forum \d)<", last) == ["Forum 4"]
    assert 'rel="next"' not in last.split('id="past-heading"')[0]
