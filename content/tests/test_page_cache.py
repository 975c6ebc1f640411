"""The start page and the pages of events, news and funding programmes kept for visitors
without a session (core.pagecache): served again while nothing they show changed, made
anew after every write that changes them (registrations, the waiting list, a published
article, a new deadline) and after the moment time alone changes them (a registration
deadline, an article scheduled for later)."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from content.events import privacy, registration
from content.events.choices import RegistrationStatus
from core.testing import sign_in
from networks.tests.factories import NetworkFactory

from .events.factories import EventFactory, RegistrationFactory
from .funding.factories import CallFactory, ProgrammeFactory
from .news.factories import ArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_sent_at_once")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
GERMAN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture
def kept(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 300


def visit(path: str) -> Any:
    """A new visitor without a session."""
    return Client().get(path, **GERMAN)


def text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def pages(kept: None) -> list[str]:
    event = EventFactory.create(title="Werkstofftag Jena", capacity=5)
    article = ArticleFactory.create(title="Neue Förderrunde eröffnet")
    programme = ProgrammeFactory.create(name="Innovationsgutschein Thüringen")
    today = timezone.localdate()
    return [
        "/",
        "/veranstaltungen/",
        f"/veranstaltungen/kalender/{today.year}/{today.month}/",
        event.get_absolute_url(),
        "/aktuelles/",
        article.get_absolute_url(),
        "/foerderprogramme/",
        programme.get_absolute_url(),
    ]


def test_the_second_visitor_gets_the_kept_page(pages: list[str]):
    for path in pages:
        first, second = visit(path), visit(path)
        assert first.status_code == second.status_code == 200, path
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit"), path
        assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())


def test_signed_in_people_never_get_a_kept_page(pages: list[str]):
    person = Client()
    sign_in(person, User.objects.create_user("besucherin", "b@agentur.example", "x" * 16))
    for path in pages:
        visit(path)
        mine = person.get(path, **GERMAN)
        assert "X-Page-Cache" not in mine, path
        assert "Abmelden" in mine.content.decode(), path
        anonymous = visit(path)
        assert anonymous["X-Page-Cache"] == "hit" and "Abmelden" not in anonymous.content.decode()


def register(client: Client, event: Any, email: str) -> Any:
    data = {"name": "Ada Muster", "email": email, "organisation": "", "consent": "on"}
    return client.post(event.get_absolute_url(), data, **GERMAN)


def test_a_registration_changes_the_places_left_of_the_kept_page(kept: None):
    event = EventFactory.create(capacity=3)
    url = event.get_absolute_url()
    assert "3 Plätze sind frei." in text(visit(url))
    assert visit(url)["X-Page-Cache"] == "hit"
    assert register(Client(), event, "ada@example.org").status_code == 302
    again = visit(url)
    assert again["X-Page-Cache"] == "miss"
    assert "2 Plätze sind frei." in text(again)


def test_a_registration_leaves_the_pages_that_do_not_show_it_kept(kept: None):
    """Registrations have a generation of their own: the event's page is made anew, the
    news, funding and network pages kept before are served on (a portal with many
    registrations would otherwise keep none of them)."""
    event = EventFactory.create(capacity=3)
    article = ArticleFactory.create(title="Neue Förderrunde eröffnet")
    programme = ProgrammeFactory.create(name="Innovationsgutschein Thüringen")
    network = NetworkFactory.create(name="Optonet Jena e. V.")
    others = [
        "/aktuelles/",
        article.get_absolute_url(),
        "/foerderprogramme/",
        programme.get_absolute_url(),
        network.get_absolute_url(),
    ]
    for path in [event.get_absolute_url(), *others]:
        assert visit(path)["X-Page-Cache"] == "miss", path
        assert visit(path)["X-Page-Cache"] == "hit", path
    assert register(Client(), event, "ada@example.org").status_code == 302
    assert visit(event.get_absolute_url())["X-Page-Cache"] == "miss"
    for path in others:
        assert visit(path)["X-Page-Cache"] == "hit", path
    # A cancellation by the event's staff, through the model, reaches the page too.
    registration_row = event.registrations.get()
    registration_row.status = RegistrationStatus.CANCELLED
    registration_row.save()
    again = visit(event.get_absolute_url())
    assert again["X-Page-Cache"] == "miss"
    assert "3 Plätze sind frei." in text(again)


def test_a_kept_registration_form_carries_the_visitors_own_token_that_works(kept: None):
    event = EventFactory.create(capacity=3)
    url = event.get_absolute_url()
    visit(url)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url, **GERMAN)
    assert page["X-Page-Cache"] == "hit"
    found = {a or b for a, b in TOKEN.findall(page.content.decode())}
    assert len(found) == 1 and "csrf-placeholder" not in page.content.decode()
    data = {
        "name": "Ada Muster",
        "email": "ada@example.org",
        "organisation": "",
        "consent": "on",
        "csrfmiddlewaretoken": found.pop(),
    }
    assert visitor.post(url, data, **GERMAN).status_code == 302
    assert event.registrations.filter(email="ada@example.org").exists()


def test_a_cancellation_by_link_frees_the_place_on_the_kept_page(kept: None):
    event = EventFactory.create(capacity=1)
    taken = RegistrationFactory.create(event=event)
    url = event.get_absolute_url()
    assert "Ein Platz ist frei." not in text(visit(url))
    assert visit(url)["X-Page-Cache"] == "hit"
    assert Client().post(taken.cancel_url(), **GERMAN).status_code == 302
    again = visit(url)
    assert again["X-Page-Cache"] == "miss"
    assert "Ein Platz ist frei." in text(again)


def test_a_move_up_from_the_waiting_list_and_an_erasure_make_the_page_anew(kept: None):
    event = EventFactory.create(capacity=1)
    taken = RegistrationFactory.create(event=event)
    waiting = RegistrationFactory.create(event=event, status=RegistrationStatus.WAITING)
    url = event.get_absolute_url()
    visit(url)
    assert visit(url)["X-Page-Cache"] == "hit"
    registration.cancel(taken)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert visit(url)["X-Page-Cache"] == "miss"  # still full, yet made anew
    # The person who moved up has their data erased (accounts' erasure): a place is free.
    person = User.objects.create_user("wartend", waiting.email, "x" * 16)
    Account.objects.update_or_create(user=person, defaults={"email_verified_at": timezone.now()})
    privacy.erase_registrations(person)
    assert not event.registrations.filter(email=waiting.email).exists()
    again = visit(url)
    assert again["X-Page-Cache"] == "miss"
    assert "Ein Platz ist frei." in text(again)


def test_a_new_capacity_shows_at_once(kept: None):
    event = EventFactory.create(capacity=2)
    url = event.get_absolute_url()
    visit(url)
    event.capacity = 40
    event.save()  # the organisers' form and the back office save the event
    again = visit(url)
    assert again["X-Page-Cache"] == "miss"
    assert "40 Plätze sind frei." in text(again)


def test_no_kept_page_offers_registration_after_the_deadline(kept: None):
    deadline = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=3)
    event = EventFactory.create(capacity=5, registration_deadline=deadline)
    url = event.get_absolute_url()
    assert "Anmelden" in text(visit(url))
    assert visit(url)["X-Page-Cache"] == "hit"
    time.sleep(max(0.0, (deadline - timezone.now()).total_seconds()) + 0.2)
    after = visit(url)
    assert after["X-Page-Cache"] == "miss"
    assert "Der Anmeldeschluss ist vorbei." in text(after)
    assert 'name="email"' not in after.content.decode()


def test_an_article_published_or_due_appears_on_the_kept_lists(kept: None):
    assert "Wasserstoff" not in text(visit("/aktuelles/"))
    assert visit("/aktuelles/")["X-Page-Cache"] == "hit"
    visit("/")
    ArticleFactory.create(title="Wasserstoff für den Mittelstand")
    for path in ("/aktuelles/", "/"):
        again = visit(path)
        assert again["X-Page-Cache"] == "miss" and "Wasserstoff" in text(again), path
    # Scheduled for a moment later: kept without it until then, shown from then on.
    due = timezone.now() + datetime.timedelta(seconds=2)
    ArticleFactory.create(title="Batteriezellen aus Arnstadt", publish_at=due)
    assert "Batteriezellen" not in text(visit("/aktuelles/"))
    assert visit("/aktuelles/")["X-Page-Cache"] == "hit"
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.2)
    assert "Batteriezellen" in text(visit("/aktuelles/"))
    assert "Batteriezellen" in text(visit("/"))


def test_a_new_event_reaches_the_kept_list_calendar_and_start_page(kept: None):
    today = timezone.localdate()
    paths = ["/", "/veranstaltungen/", f"/veranstaltungen/kalender/{today.year}/{today.month}/"]
    for path in paths:
        visit(path)
        assert visit(path)["X-Page-Cache"] == "hit"
    start = timezone.now() + datetime.timedelta(hours=2)
    EventFactory.create(title="Sensorik-Stammtisch", start=start)
    for path in paths:
        again = visit(path)
        assert again["X-Page-Cache"] == "miss", path
        if path != paths[2] or start.date() == today:
            assert "Sensorik-Stammtisch" in text(again), path


def test_a_new_deadline_reaches_the_kept_programme_pages(kept: None):
    programme = ProgrammeFactory.create(name="Digitalbonus Thüringen", continuous=False)
    for path in ("/foerderprogramme/", programme.get_absolute_url()):
        visit(path)
        assert visit(path)["X-Page-Cache"] == "hit"
    closes = timezone.localdate() + datetime.timedelta(days=12)
    CallFactory.create(programme=programme, closes=closes)
    for path in ("/foerderprogramme/", programme.get_absolute_url()):
        again = visit(path)
        assert again["X-Page-Cache"] == "miss", path
        assert closes.strftime("%d.%m.%Y") in text(again), path


def test_a_new_event_of_a_network_reaches_its_kept_page(kept: None):
    network = NetworkFactory.create(name="Optonet Jena e. V.")
    path = reverse("networks:detail", args=[network.slug])
    assert visit(path)["X-Page-Cache"] == "miss"
    assert visit(path)["X-Page-Cache"] == "hit"
    start = timezone.now() + datetime.timedelta(days=3)
    EventFactory.create(title="Photonik-Frühstück", network=network, start=start)
    again = visit(path)
    assert again["X-Page-Cache"] == "miss"
    assert "Photonik-Frühstück" in text(again)
