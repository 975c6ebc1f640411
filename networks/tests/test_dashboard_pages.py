"""The dashboards as people reach them: who may open which, what the page and its CSV
files show, and how a bad period is answered."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, EDITOR, EXPERT
from accounts.services import grant_editor, grant_role
from core.testing import sign_in
from directory.choices import EmployeeSizeClass, PublicationStatus
from directory.models import Membership
from directory.tests.factories import OrganisationFactory
from networks.models import WorkingGroup
from networks.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

OVERVIEW = "/intern/kennzahlen/netzwerke/"


@pytest.fixture
def world(django_user_model: Any) -> dict[str, Any]:
    network = NetworkFactory.create(name="Kunststoffnetz e. V.", slug="kunststoffnetz")
    other = NetworkFactory.create(name="Logistiknetz e. V.", slug="logistiknetz")
    for n in range(3):
        Membership.objects.create(
            network=network,
            organisation=OrganisationFactory.create(
                name=f"=Mitglied {n} GmbH", employee_size_class=EmployeeSizeClass.MICRO
            ),
        )
    Membership.objects.create(
        network=network,
        organisation=OrganisationFactory.create(
            name="Verborgen GmbH", status=PublicationStatus.HIDDEN
        ),
    )
    WorkingGroup.objects.create(network=network, name="Recycling")
    users = {}
    for name, role in (
        ("registered", None),
        ("expert", EXPERT),
        ("editor", EDITOR),
        ("administrator", ADMINISTRATOR),
        ("manager", None),
    ):
        users[name] = django_user_model.objects.create_user(name, f"{name}@example.org", "x" * 16)
        if role:
            grant_role(users[name], role)
    grant_editor(users["manager"], network, "review")
    return {"network": network, "other": other, "users": users}


def client_of(world: dict[str, Any], name: str) -> Client:
    client = Client()
    sign_in(client, world["users"][name])
    return client


def board(slug: str) -> str:
    return reverse("networks:dashboard", args=[slug])


def test_a_visitor_is_asked_to_sign_in(world: dict[str, Any]) -> None:
    for url in (board("kunststoffnetz"), board("kunststoffnetz") + "monate.csv", OVERVIEW):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"


@pytest.mark.parametrize(
    ("name", "own", "foreign", "overview"),
    [
        ("registered", 403, 403, 403),
        ("expert", 403, 403, 403),
        ("manager", 200, 403, 403),
        ("editor", 200, 200, 200),
        ("administrator", 200, 200, 200),
    ],
)
def test_who_sees_which_dashboard(
    world: dict[str, Any], name: str, own: int, foreign: int, overview: int
) -> None:
    client = client_of(world, name)
    assert client.get(board("kunststoffnetz")).status_code == own
    assert client.get(board("kunststoffnetz") + "kennzahlen.csv").status_code == own
    assert client.get(board("logistiknetz")).status_code == foreign
    assert client.get(OVERVIEW).status_code == overview
    assert client.get(OVERVIEW + "netzwerke.csv").status_code == overview


def test_a_company_has_no_dashboard(world: dict[str, Any]) -> None:
    company = OrganisationFactory.create(slug="firma")
    assert client_of(world, "administrator").get(board(company.slug)).status_code == 404


def test_the_manager_finds_the_dashboard_on_the_network_page(world: dict[str, Any]) -> None:
    detail = reverse("networks:detail", args=["kunststoffnetz"])
    assert board("kunststoffnetz") in client_of(world, "manager").get(detail).content.decode()
    assert board("kunststoffnetz") not in Client().get(detail).content.decode()
    assert board("kunststoffnetz") not in client_of(world, "expert").get(detail).content.decode()


def test_the_dashboard_shows_charts_with_their_tables(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = client_of(world, "manager")
    today = timezone.localdate()
    with django_assert_max_num_queries(40):
        response = client.get(board("kunststoffnetz"))
    page = response.content.decode()
    assert response.status_code == 200
    # Three charts, each an image with a name; the hidden member is not counted.
    assert page.count('role="img"') == 3
    assert '<title id="chart-members-title">Mitglieder am Ende jedes Monats</title>' in page
    assert f"{today:%m/%Y}: 3." in page
    assert "Verborgen" not in page
    for table in ("kennzahlen", "monate", "jahre", "zusammensetzung", "arbeitsgruppen", "siegel"):
        assert f'id="table-{table}"' in page
        assert f"/netzwerke/kunststoffnetz/kennzahlen/{table}.csv?from=" in page


def test_the_key_figures_as_csv(world: dict[str, Any]) -> None:
    client = client_of(world, "editor")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    response = client.get(
        board("kunststoffnetz") + "kennzahlen.csv",
        {"from": start.isoformat(), "to": today.isoformat()},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename="
        f'"kennzahlen-kunststoffnetz-kennzahlen-{start.isoformat()}-{today.isoformat()}.csv"'
    )
    content = response.content
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Kennzahl;Wert;Indikator des ECEI-Benchmarkings"
    assert "Mitglieder am Ende des Zeitraums;3;Anzahl der Clusterakteure" in lines
    assert "Beigetreten im Zeitraum;3;Entwicklung der Anzahl der Clusterakteure" in lines
    assert any(line.startswith("Arbeitsgruppen;1;") for line in lines)


def test_the_composition_as_csv_with_a_decimal_comma(world: dict[str, Any]) -> None:
    client = client_of(world, "manager")
    response = client.get(board("kunststoffnetz") + "zusammensetzung.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Gruppe;Mitglieder;Anteil (%)"
    assert "KMU (weniger als 250 Beschäftigte);3;100,0" in lines
    assert "Insgesamt;3;100,0" in lines


def test_the_overview_lists_every_published_network_with_totals(world: dict[str, Any]) -> None:
    NetworkFactory.create(name="Verborgenes Netz", status=PublicationStatus.HIDDEN)
    client = client_of(world, "administrator")
    page = client.get(OVERVIEW).content.decode()
    assert "Kunststoffnetz e. V." in page and "Logistiknetz e. V." in page
    assert "Verborgenes Netz" not in page
    assert board("kunststoffnetz") in page
    lines = client.get(OVERVIEW + "netzwerke.csv").content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Netzwerk oder Cluster;Mitglieder zu Beginn;Mitglieder am Ende;")
    assert lines[1].startswith("Kunststoffnetz e. V.;0;3;3;0;3;;1;")
    assert lines[2].startswith("Logistiknetz e. V.;0;0;0;0;0;;0;")
    assert lines[3].startswith("Insgesamt (Mitgliedschaften);0;3;3;0;3;;1;")


def test_text_that_a_spreadsheet_would_run_is_quoted(world: dict[str, Any]) -> None:
    WorkingGroup.objects.create(network=world["network"], name="=SUMME(A1)")
    client = client_of(world, "manager")
    lines = (
        client.get(board("kunststoffnetz") + "arbeitsgruppen.csv")
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert "'=SUMME(A1);0;" in lines


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-05-01", "to": "2026-04-01"}, "liegt nach dem letzten Tag"),
        ({"from": "2001-01-01", "to": "2026-04-01"}, "höchstens 10 Jahre"),
        ({"from": "1999-12-31"}, "zwischen 2000-01-01 und 2099-12-31"),
        ({"to": "kein Datum"}, "gültiges Datum"),
    ],
)
def test_a_bad_period_is_named_not_counted(
    world: dict[str, Any], query: dict[str, str], message: str
) -> None:
    client = client_of(world, "administrator")
    for url in (board("kunststoffnetz"), OVERVIEW):
        response = client.get(url, query)
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert 'id="table-' not in page
    assert client.get(board("kunststoffnetz") + "monate.csv", query).status_code == 400


def test_an_unknown_table_is_not_found(world: dict[str, Any]) -> None:
    client = client_of(world, "administrator")
    assert client.get(board("kunststoffnetz") + "geheim.csv").status_code == 404
    assert client.get(OVERVIEW + "geheim.csv").status_code == 404


def test_the_account_page_links_the_overview_for_the_staff(world: dict[str, Any]) -> None:
    assert OVERVIEW in client_of(world, "editor").get("/konto/").content.decode()
    assert OVERVIEW not in client_of(world, "expert").get("/konto/").content.decode()
