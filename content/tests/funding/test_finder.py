"""The funding finder: for varied answers, which programmes fit and why, and what excludes
the others (the service the page calls; German, as visitors read it)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from content.funding.finder import Answers, find
from content.funding.models import Programme
from directory.tests.factories import GrowthFieldFactory

from .factories import (
    CallFactory,
    DistrictFactory,
    PostalCodeFactory,
    ProgrammeFactory,
    StateFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def german() -> Iterator[None]:
    with translation.override("de"):
        yield


def verdicts(answers: Answers) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    result = find(answers, today=TODAY)
    return (
        {v.programme.slug: v.reasons for v in result.fitting},
        {v.programme.slug: v.exclusions for v in result.excluded},
    )


def test_a_small_company_planning_digitalisation_gets_reasons_and_exclusions() -> None:
    thuringia = StateFactory.create()
    saxony = StateFactory.create(ags="14", name="Sachsen")
    ProgrammeFactory.create(
        slug="digitalbonus",
        level="state",
        state=thuringia,
        company_sizes=["micro", "small", "medium"],
        topics=["digital", "investment"],
        continuous=False,
    )
    CallFactory.create(
        programme=Programme.objects.get(slug="digitalbonus"), closes=datetime.date(2027, 3, 31)
    )
    ProgrammeFactory.create(slug="forschung", target_groups=["research"], topics=["digital"])
    ProgrammeFactory.create(slug="sachsen", level="state", state=saxony, topics=["digital"])
    ProgrammeFactory.create(slug="gross", company_sizes=["large"], topics=["digital"])
    ProgrammeFactory.create(slug="export", topics=["export"])
    expired = ProgrammeFactory.create(slug="vorbei", topics=["digital"], continuous=False)
    CallFactory.create(programme=expired, closes=datetime.date(2027, 1, 15))
    ProgrammeFactory.create(slug="ohne-aufruf", topics=["digital"], continuous=False)
    ProgrammeFactory.create(slug="entwurf", topics=["digital"], status="draft")
    PostalCodeFactory.create()

    fitting, excluded = verdicts(
        Answers(
            who="company",
            size="small",
            state=thuringia,
            district=DistrictFactory.create(),
            topics=["digital"],
        )
    )

    assert list(fitting) == ["digitalbonus"]
    assert fitting["digitalbonus"] == [
        "für Unternehmen",
        "für kleine Unternehmen",
        "in Thüringen",
        "Thema Digitalisierung",
        "Frist 31.03.2027",
    ]
    assert excluded == {
        "forschung": ["nur für Forschungseinrichtungen"],
        "sachsen": ["nur in Sachsen"],
        "gross": ["nur für Großunternehmen"],
        "export": ["andere Themen: Export und Internationalisierung"],
        "vorbei": ["Frist abgelaufen (15.01.2027)"],
        "ohne-aufruf": ["keine Ausschreibung offen oder angekündigt"],
    }


def test_unanswered_questions_exclude_nothing_and_a_state_programme_says_where() -> None:
    saxony = StateFactory.create(ags="14", name="Sachsen")
    ProgrammeFactory.create(slug="sachsen", level="state", state=saxony, company_sizes=["large"])
    ProgrammeFactory.create(slug="bund", topics=["energy"])

    fitting, excluded = verdicts(Answers(who="company"))

    assert set(fitting) == {"sachsen", "bund"} and excluded == {}
    assert "nur in Sachsen (keine Postleitzahl angegeben)" in fitting["sachsen"]


def test_a_start_up_may_use_company_programmes_and_ranks_its_own_first() -> None:
    ProgrammeFactory.create(
        slug="firmen", name="A Firmen", target_groups=["company"], topics=["founding"]
    )
    ProgrammeFactory.create(
        slug="gruender", name="B Gründer", target_groups=["startup"], topics=["founding"]
    )
    ProgrammeFactory.create(slug="kommunen", target_groups=["municipality"], topics=["founding"])

    result = find(Answers(who="startup", topics=["founding"]), today=TODAY)

    assert [v.programme.slug for v in result.fitting] == ["gruender", "firmen"]
    assert result.fitting[1].reasons[0] == "für Unternehmen"
    assert [v.programme.slug for v in result.excluded] == ["kommunen"]
    assert result.excluded[0].exclusions == ["nur für Kommunen"]


def test_district_growth_field_and_amount_narrow_and_rank() -> None:
    thuringia = StateFactory.create()
    jena = DistrictFactory.create()
    gera = DistrictFactory.create(ags="16052", name="Gera", state=thuringia)
    optics = GrowthFieldFactory.create(name="Photonik")
    energy = GrowthFieldFactory.create(name="Energie")
    local = ProgrammeFactory.create(slug="jena", name="Z Jena", topics=["rd"], max_amount=50_000)
    local.districts.set([jena])
    elsewhere = ProgrammeFactory.create(slug="gera", topics=["rd"])
    elsewhere.districts.set([gera])
    field = ProgrammeFactory.create(
        slug="photonik", name="Y Photonik", topics=["rd"], max_amount=10_000
    )
    field.growth_fields.set([optics])
    other_field = ProgrammeFactory.create(slug="energie", topics=["rd"])
    other_field.growth_fields.set([energy])
    ProgrammeFactory.create(slug="offen", name="X Offen", topics=["rd"])

    result = find(
        Answers(
            who="company",
            state=thuringia,
            district=jena,
            topics=["rd"],
            growth_field=optics,
            amount=20_000,
        ),
        today=TODAY,
    )
    reasons = {v.programme.slug: v.reasons for v in result.fitting}
    exclusions = {v.programme.slug: v.exclusions for v in result.excluded}

    assert [v.programme.slug for v in result.fitting] == ["jena", "photonik", "offen"]
    assert "in Jena" in reasons["jena"] and "bis 50.000 €" in reasons["jena"]
    assert "Wachstumsfeld Photonik" in reasons["photonik"]
    assert "höchstens 10.000 €, weniger als geplant" in reasons["photonik"]
    assert exclusions == {
        "gera": ["nur in Gera"],
        "energie": ["nur für die Wachstumsfelder Energie"],
    }


def test_a_call_that_opens_later_fits_and_says_when() -> None:
    later = ProgrammeFactory.create(slug="spaeter", continuous=False)
    CallFactory.create(
        programme=later, opens=datetime.date(2027, 5, 1), closes=datetime.date(2027, 6, 30)
    )

    fitting, _excluded = verdicts(Answers(who="company"))

    assert "nächste Ausschreibung ab 01.05.2027, Frist 30.06.2027" in fitting["spaeter"]


def test_the_finder_page_answers_in_german_and_keeps_answers_out_of_storage(client: Client) -> None:
    PostalCodeFactory.create()
    ProgrammeFactory.create(slug="forschung", name="Forschung Plus", target_groups=["research"])
    ProgrammeFactory.create(
        slug="firmen", name="Firmen Plus", company_sizes=["small"], topics=["digital"]
    )

    response = client.get(
        "/foerderprogramme/finder/",
        {"who": "company", "size": "small", "plz": "07743", "topics": "digital"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 Programm passt" in html
    assert "Thema Digitalisierung" in html and "für kleine Unternehmen" in html
    assert "Forschung Plus" in html and "nur für Forschungseinrichtungen" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"who": "company", "plz": "0774"}, "Eine deutsche Postleitzahl hat fünf Ziffern"),
        ({"who": "company", "plz": "99999"}, "Die Postleitzahl 99999 kennen wir nicht"),
        ({"who": "alien"}, "Bitte eine gültige Auswahl treffen"),
        ({"plz": "07743"}, "Dieses Feld ist zwingend erforderlich"),
        ({"who": "company", "amount": "-5"}, "größer oder gleich 1"),
        ({"who": "company", "topics": "magic"}, "Bitte eine gültige Auswahl treffen"),
    ],
)
def test_bad_answers_get_a_clear_message_and_no_result(
    client: Client, params: dict[str, str], message: str
) -> None:
    ProgrammeFactory.create(name="Irgendein Programm")

    response = client.get("/foerderprogramme/finder/", params, HTTP_ACCEPT_LANGUAGE="de")

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Bitte prüfen Sie die markierten Antworten" in html
    assert "Irgendein Programm" not in html


def test_the_finder_costs_the_same_queries_for_few_and_many_programmes(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    field = GrowthFieldFactory.create(name="Photonik-Test")
    params = {
        "who": "company",
        "size": "small",
        "plz": "07743",
        "topics": "rd",
        "growth": field.slug,
    }
    for _ in range(2):
        CallFactory.create().programme.growth_fields.set([field])
    client.get("/foerderprogramme/finder/", params)
    with django_assert_max_num_queries(14):
        client.get("/foerderprogramme/finder/", params)
    for _ in range(20):
        programme = CallFactory.create().programme
        programme.growth_fields.set([field])
        programme.districts.set([DistrictFactory.create()])
    with django_assert_max_num_queries(14):
        assert client.get("/foerderprogramme/finder/", params).status_code == 200
