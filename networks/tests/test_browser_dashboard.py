"""A network manager opens the network's dashboard from its page, picks a period and
downloads a table; a staff member reads the overview of all networks. Every page passes
axe-core under the portal's Content-Security-Policy."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from accounts.roles import EDITOR
from accounts.services import grant_editor, grant_role
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check, sign_in_with_code
from directory.choices import EmployeeSizeClass, OrganisationKind
from directory.models import Membership
from directory.tests.factories import OrganisationFactory
from networks.models import QualityLabel, WorkingGroup
from networks.tests.factories import NetworkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True,
        available_apps=[*TRANSACTIONAL_APPS, "networks", "sourcing", "inquiries"],
    ),
]
PASSWORD = "Lange-genug-1234"
HistoricalMembership = Membership.history.model  # type: ignore[attr-defined]


def _csp_watch(page: Page) -> list[str]:
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return blocked


def _network() -> Any:
    network = NetworkFactory.create(name="Kunststoffnetz e. V.", slug="kunststoffnetz")
    today = timezone.localdate()
    for n in range(4):
        membership = Membership.objects.create(
            network=network,
            organisation=OrganisationFactory.create(
                name=f"Mitglied {n} GmbH",
                kind=OrganisationKind.COMPANY if n else OrganisationKind.UNIVERSITY,
                employee_size_class=EmployeeSizeClass.SMALL if n else "",
            ),
        )
        # Two joined 100 days ago, two this week.
        joined = timezone.now() - datetime.timedelta(days=100 if n < 2 else 1)
        Membership.objects.filter(pk=membership.pk).update(created=joined)
        HistoricalMembership.objects.filter(id=membership.pk).update(
            history_date=joined, created=joined
        )
    WorkingGroup.objects.create(network=network, name="Recycling")
    QualityLabel.objects.create(
        network=network,
        scheme="ecei",
        level="silver",
        awarded=today - datetime.timedelta(days=400),
        valid_until=today + datetime.timedelta(days=300),
    )
    return network


def test_a_manager_reads_the_dashboard_and_downloads_a_table(
    live_server: Any, page: Page, django_user_model: Any
) -> None:
    network = _network()
    user = django_user_model.objects.create_user("nina", "nina@netz.example", PASSWORD)
    grant_editor(user, network, "review")
    blocked = _csp_watch(page)

    page.goto(live_server.url + "/konto/")
    sign_in_with_code(page, "nina@netz.example", PASSWORD, user)
    page.wait_for_url(re.compile("/konto/$"))
    page.goto(live_server.url + "/netzwerke/kunststoffnetz/")
    page.get_by_role("link", name="Kennzahlen", exact=True).click()
    page.wait_for_url(re.compile("/netzwerke/kunststoffnetz/kennzahlen/$"))
    assert page.locator("h1").inner_text() == "Kennzahlen von Kunststoffnetz e. V."
    axe_check(page)
    assert page.get_by_role("img", name="Mitglieder am Ende jedes Monats").is_visible()
    key = page.locator("#table-kennzahlen")
    row = key.locator("tr", has_text="Mitglieder am Ende des Zeitraums")
    assert row.locator("td").first.inner_text() == "4"
    assert "ECEI-Label für Clustermanagement-Exzellenz: Silber" in key.inner_text()

    # The last 30 days: two members were there already, two joined.
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    page.get_by_label("Von").fill(start.isoformat())
    page.get_by_label("Bis").fill(today.isoformat())
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(rf"from={start.isoformat()}"))
    axe_check(page)
    row = page.locator("#table-kennzahlen tr", has_text="Mitglieder zu Beginn des Zeitraums")
    assert row.locator("td").first.inner_text() == "2"
    row = page.locator("#table-kennzahlen tr", has_text="Wachstum der Mitglieder (%)")
    assert row.locator("td").first.inner_text() == "100,0"

    with page.expect_download() as info:
        page.get_by_role(
            "link", name="Als CSV herunterladen (Zusammensetzung der Mitglieder heute)"
        ).click()
    download = info.value
    assert download.suggested_filename == (
        f"kennzahlen-kunststoffnetz-zusammensetzung-{start.isoformat()}-{today.isoformat()}.csv"
    )
    lines = Path(download.path()).read_bytes().decode("utf-8-sig").splitlines()
    assert "KMU (weniger als 250 Beschäftigte);3;75,0" in lines
    assert "Forschungseinrichtungen und Hochschulen;1;25,0" in lines

    # Another network's figures are not the manager's business.
    NetworkFactory.create(name="Logistiknetz e. V.", slug="logistiknetz")
    page.goto(live_server.url + "/netzwerke/logistiknetz/kennzahlen/")
    assert "für sein Netzwerkmanagement" in page.locator("main").inner_text()
    axe_check(page)
    assert blocked == []


def test_the_staff_compares_the_networks(
    live_server: Any, page: Page, django_user_model: Any
) -> None:
    _network()
    NetworkFactory.create(name="Logistiknetz e. V.", slug="logistiknetz")
    user = django_user_model.objects.create_user("stefan", "stefan@agentur.example", PASSWORD)
    grant_role(user, EDITOR)
    blocked = _csp_watch(page)

    page.goto(live_server.url + "/konto/")
    sign_in_with_code(page, "stefan@agentur.example", PASSWORD, user)
    page.wait_for_url(re.compile("/konto/$"))
    page.get_by_role("link", name="Kennzahlen der Netzwerke").click()
    page.wait_for_url(re.compile("/intern/kennzahlen/netzwerke/$"))
    axe_check(page)
    table = page.locator("#table-netzwerke")
    assert (
        table.locator("tr", has_text="Kunststoffnetz e. V.").locator("td").nth(1).inner_text()
        == "4"
    )
    assert "Insgesamt (Mitgliedschaften)" in table.inner_text()
    assert page.get_by_role(
        "img", name="Mitglieder am Ende des Zeitraums pro Netzwerk"
    ).is_visible()

    # A bad period is named; then to one network's dashboard.
    page.get_by_label("Von").fill("1999-01-01")
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_text("Wählen Sie einen Tag zwischen").first.wait_for()
    axe_check(page)
    page.go_back()
    page.get_by_role("link", name="Logistiknetz e. V.").click()
    page.wait_for_url(re.compile("/netzwerke/logistiknetz/kennzahlen/"))
    axe_check(page)
    assert "Keine Arbeitsgruppen." in page.locator("#table-arbeitsgruppen").inner_text()
    assert blocked == []
