"""The list of funding programmes with its filters and text search, a programme's page,
and who sees drafts (runs on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from directory.tests.factories import GrowthFieldFactory

from .factories import CallFactory, ProgrammeFactory, StateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


def names(client: Client, **params: Any) -> set[str]:
    response = client.get("/foerderprogramme/", params, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return {row[0].name for row in response.context["rows"]}


@pytest.fixture
def programmes() -> dict[str, Any]:
    today = timezone.localdate()
    field = GrowthFieldFactory.create(name="Wasserstoff")
    state = ProgrammeFactory.create(
        name="Landesbonus",
        level="state",
        state=StateFactory.create(),
        target_groups=["company", "startup"],
        topics=["digital"],
        funding_type="grant",
    )
    loan = ProgrammeFactory.create(
        name="Bundeskredit", target_groups=["company"], topics=["investment"], funding_type="loan"
    )
    research = ProgrammeFactory.create(
        name="Forschungsaufruf",
        level="eu",
        target_groups=["research"],
        topics=["rd", "energy"],
        continuous=False,
    )
    research.growth_fields.set([field])
    CallFactory.create(programme=research, closes=today + datetime.timedelta(days=10))
    later = ProgrammeFactory.create(name="Späterer Aufruf", continuous=False, topics=["energy"])
    CallFactory.create(
        programme=later,
        opens=today + datetime.timedelta(days=20),
        closes=today + datetime.timedelta(days=80),
    )
    ProgrammeFactory.create(name="Entwurf", status="draft")
    return {"field": field, "state": state, "loan": loan}


def test_filters_narrow_the_list(client: Client, programmes: dict[str, Any]) -> None:
    everything = {"Landesbonus", "Bundeskredit", "Forschungsaufruf", "Späterer Aufruf"}
    assert names(client) == everything
    assert names(client, level="state") == {"Landesbonus"}
    assert names(client, level=["state", "eu"]) == {"Landesbonus", "Forschungsaufruf"}
    assert names(client, kind="loan") == {"Bundeskredit"}
    assert names(client, target="startup") == {"Landesbonus"}
    assert names(client, target=["startup", "research"]) == {"Landesbonus", "Forschungsaufruf"}
    assert names(client, topic="energy") == {"Forschungsaufruf", "Späterer Aufruf"}
    assert names(client, topic="energy", level="eu") == {"Forschungsaufruf"}
    assert names(client, growth=programmes["field"].slug) == {"Forschungsaufruf"}
    assert names(client, open_now="on") == everything - {"Späterer Aufruf"}
    assert names(client, within_days="14") == {"Forschungsaufruf"}
    assert names(client, within_days="90") == {"Forschungsaufruf", "Späterer Aufruf"}


def test_a_refused_filter_says_so_and_the_others_still_apply(
    client: Client, programmes: dict[str, Any]
) -> None:
    response = client.get(
        "/foerderprogramme/", {"kind": "loan", "within_days": "7"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    assert {row[0].name for row in response.context["rows"]} == {"Bundeskredit"}


def test_text_search_goes_through_the_main_search(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ProgrammeFactory.create(
            name="Wasserstoffregion", summary="Elektrolyseure für Mittelständler"
        )
        ProgrammeFactory.create(name="Bundeskredit", funding_type="loan")
        ProgrammeFactory.create(name="Entwurf", summary="Elektrolyseure", status="draft")
    assert names(client, q="Elektrolyseur") == {"Wasserstoffregion"}
    assert names(client, q="Elektrolyseur", kind="loan") == set()
    assert names(client, q="Entwurf") == set()


def test_the_detail_page_shows_every_fact(client: Client, programmes: dict[str, Any]) -> None:
    programme = ProgrammeFactory.create(
        name="Innovationsgutschein",
        slug="innovationsgutschein",
        provider="Landesförderbank",
        company_sizes=["micro", "small"],
        topics=["innovation", "advice"],
        max_amount=15000,
        funding_rate=80,
        continuous=False,
        url="https://example.org/gutschein",
        summary="Gutscheine für kleine Firmen.",
        conditions="- Antrag vor Beginn",
        last_checked=datetime.date(2026, 11, 2),
    )
    CallFactory.create(
        programme=programme,
        title="Aufruf 2027",
        closes=timezone.localdate() + datetime.timedelta(days=40),
    )

    html = client.get(
        "/foerderprogramme/innovationsgutschein/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()

    for text in (
        "Landesförderbank",
        "Kleinstunternehmen, kleine Unternehmen",
        "Innovation, Beratung",
        "15000 €",
        "bis 80 % der Kosten",
        "Aufruf 2027",
        "02.11.2026",
        'href="https://example.org/gutschein"',
        "<li>Antrag vor Beginn</li>",
        "Anmelden, um diesem Programm zu folgen",
    ):
        assert text in html, text


def test_drafts_only_for_staff_and_stale_checks_flagged_to_staff(
    client: Client, admin_client: Client, programmes: dict[str, Any]
) -> None:
    draft = ProgrammeFactory.create(slug="geheim", status="draft")
    old = ProgrammeFactory.create(slug="alt", last_checked=datetime.date(2020, 1, 1))

    assert client.get("/foerderprogramme/geheim/").status_code == 404
    assert admin_client.get("/foerderprogramme/geheim/").status_code == 200
    assert "Entwurf" in names(admin_client)
    assert draft.name in admin_client.get("/foerderprogramme/").content.decode()
    public = client.get(f"/foerderprogramme/{old.slug}/", HTTP_ACCEPT_LANGUAGE="de")
    staff = admin_client.get(f"/foerderprogramme/{old.slug}/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Prüfung fällig" not in public.content.decode()
    assert "Prüfung fällig" in staff.content.decode()
    assert "01.01.2020" in public.content.decode()


def test_the_list_costs_the_same_queries_for_few_and_many(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        CallFactory.create()
    client.get("/foerderprogramme/")
    with django_assert_max_num_queries(12):
        client.get("/foerderprogramme/")
    for _ in range(15):
        CallFactory.create()
    with django_assert_max_num_queries(12):
        client.get("/foerderprogramme/")
