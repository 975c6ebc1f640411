"""The start page (/): the offer, the search box and the way to help first; below, what
is new in the portal, each section showing only what every visitor may see."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from directory.choices import OrganisationKind, PublicationStatus, Source
from directory.tests.factories import GrowthFieldFactory, OrganisationFactory
from networks.models import GrowthFieldPage
from search.services import index_organisations
from sourcing.tests.postings_factories import PostingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_start_page_counts_by_kind(client: Client) -> None:
    OrganisationFactory.create_batch(3, kind=OrganisationKind.COMPANY)
    OrganisationFactory.create(kind=OrganisationKind.UNIVERSITY, source=Source.GENERATED)
    OrganisationFactory.create(kind=OrganisationKind.NETWORK, status=PublicationStatus.DRAFT)

    html = client.get("/").content.decode()

    assert "4 Organisationen im Verzeichnis" in html
    assert re.search(r'\?kind=company"><span class="kind-count">3</span>', html)
    assert re.search(r'\?kind=university"><span class="kind-count">1</span>', html)
    assert "?kind=network" not in html
    assert "1 dieser Einträge ist ein erzeugter Demodatensatz" in html


def test_the_first_part_offers_the_search_and_the_way_to_help(client: Client) -> None:
    html = client.get("/").content.decode()

    top = html[html.index('class="home-top"') : html.index('class="home-offers"')]
    form = top[top.index('<form class="hero-search"') :]
    form = form[: form.index("</form>")]
    assert 'action="/suche/"' in form and 'name="q"' in form
    assert 'href="/anfrage/"' in top  # ask the agency's experts
    assert 'href="/bedarf/"' in top  # describe a need and see fitting suppliers
    offers = _section(html.replace("</nav>", "</section>"), "offers-heading")
    for address in ("/organisationen/", "/netzwerke/", "/wachstumsfelder/"):
        assert f'href="{address}' in offers


def test_current_requests_are_the_newest_open_public_requests(client: Client) -> None:
    now = timezone.now()
    hidden = OrganisationFactory.create(status=PublicationStatus.DRAFT)
    for days, title in [(1, "Gestern gesucht"), (3, "Vor drei Tagen"), (2, "Vorgestern")]:
        PostingFactory.create(title=title, published_at=now - datetime.timedelta(days=days))
    PostingFactory.create(title="Ein Angebot", kind="offer")
    PostingFactory.create(title="Wartet auf Prüfung", status="pending", published_at=None)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PostingFactory.create(title="Abgelaufen", expires_on=yesterday)
    PostingFactory.create(title="Verborgene Firma", organisation=hidden)

    section = _section(client.get("/").content.decode(), "requests-heading")

    titles = re.findall(r"<h3><a [^>]+>([^<]+)</a></h3>", section)
    assert titles == ["Gestern gesucht", "Vorgestern", "Vor drei Tagen"]


def test_requests_of_hidden_organisations_do_not_crowd_out_older_visible_ones(
    client: Client,
) -> None:
    now = timezone.now()
    PostingFactory.create(title="Ältere sichtbare", published_at=now - datetime.timedelta(days=9))
    hidden = OrganisationFactory.create(status=PublicationStatus.DRAFT)
    for n in range(25):
        PostingFactory.create(
            title=f"Verborgen {n}",
            organisation=hidden,
            published_at=now - datetime.timedelta(hours=n),
        )

    section = _section(client.get("/").content.decode(), "requests-heading")

    assert re.findall(r"<h3><a [^>]+>([^<]+)</a></h3>", section) == ["Ältere sichtbare"]


def test_upcoming_events_soonest_first_without_drafts_and_past_ones(client: Client) -> None:
    from content.events.choices import EventFormat, EventStatus
    from content.tests.events.factories import EventFactory, in_days

    EventFactory.create(title="Übermorgen in Jena", start=in_days(2), venue_place="Jena")
    EventFactory.create(title="Morgen online", start=in_days(1), format=EventFormat.ONLINE)
    EventFactory.create(title="Vorbei", start=in_days(-2))
    EventFactory.create(title="Entwurf", start=in_days(1), status=EventStatus.DRAFT)
    EventFactory.create(title="Abgesagt", start=in_days(1), status=EventStatus.CANCELLED)
    for n in range(4):
        EventFactory.create(title=f"Später {n}", start=in_days(30 + n))

    section = _section(client.get("/").content.decode(), "events-heading")

    titles = re.findall(r"<h3><a [^>]+>([^<]+)</a></h3>", section)
    assert titles == ["Morgen online", "Übermorgen in Jena", "Später 0", "Später 1"]
    assert "Jena" in section and "online" in section.lower()
    assert 'href="/veranstaltungen/"' in section


def test_latest_news_are_those_every_visitor_may_see(client: Client) -> None:
    from content.tests.news.factories import ArticleFactory

    now = timezone.now()
    ArticleFactory.create(title="Neue Halle", publish_at=now - datetime.timedelta(days=1))
    ArticleFactory.create(title="Älter", publish_at=now - datetime.timedelta(days=5))
    ArticleFactory.create(title="Ganz alt", publish_at=now - datetime.timedelta(days=50))
    ArticleFactory.create(title="Vorige Woche", publish_at=now - datetime.timedelta(days=7))
    ArticleFactory.create(title="Geplant", publish_at=now + datetime.timedelta(hours=1))
    ArticleFactory.create(title="Entwurf", published=False)

    section = _section(client.get("/").content.decode(), "news-heading")

    titles = re.findall(r"<h3><a [^>]+>([^<]+)</a></h3>", section)
    assert titles == ["Neue Halle", "Älter", "Vorige Woche"]


def test_growth_fields_show_the_strategy_fields_a_visitor_may_see(client: Client) -> None:
    shown = GrowthFieldFactory.create(name="Mobilität")
    GrowthFieldPage.objects.create(growth_field=shown, order=2)
    first = GrowthFieldFactory.create(name="Zukunft Wasser")
    GrowthFieldPage.objects.create(growth_field=first, order=1)
    sector = GrowthFieldFactory.create(name="Ernährung")
    GrowthFieldPage.objects.create(growth_field=sector, kind="sector")
    secret = GrowthFieldFactory.create(name="Geheimes Feld")
    GrowthFieldPage.objects.create(growth_field=secret, published=False)

    section = _section(client.get("/").content.decode(), "fields-heading")

    names = re.findall(r"<li><a [^>]+>([^<]+)</a></li>", section)
    assert names[:2] == ["Zukunft Wasser", "Mobilität"]  # the strategy's order first
    assert "Ernährung" not in names and "Geheimes Feld" not in names
    assert f'href="/wachstumsfelder/{first.slug}/"' in section


def test_the_start_page_costs_the_same_queries_for_few_and_many_rows(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    from content.tests.events.factories import EventFactory

    PostingFactory.create()
    EventFactory.create()
    GrowthFieldPage.objects.create(growth_field=GrowthFieldFactory.create())
    few = count()
    PostingFactory.create_batch(6)
    EventFactory.create_batch(6)
    for _ in range(5):
        GrowthFieldPage.objects.create(growth_field=GrowthFieldFactory.create())
    OrganisationFactory.create_batch(5, kind=OrganisationKind.UNIVERSITY)
    assert count() == few


def test_with_the_page_cache_the_counts_follow_each_change(settings: Any) -> None:
    """Kept with the search generation: a new organisation is counted on the next page."""
    settings.PAGE_CACHE_SECONDS = 300
    OrganisationFactory.create_batch(2, kind=OrganisationKind.COMPANY)
    assert "2 Organisationen im Verzeichnis" in Client().get("/").content.decode()

    assert "2 Organisationen im Verzeichnis" in Client().get("/").content.decode()  # kept

    added = OrganisationFactory.create(kind=OrganisationKind.COMPANY)
    index_organisations([added.pk])  # as the index task does once the change is committed

    assert "3 Organisationen im Verzeichnis" in Client().get("/").content.decode()
