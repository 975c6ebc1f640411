"""Growth-field pages, a study, and the managers' history and delete pages in a real
browser, each checked with axe-core."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import OrganisationEditor
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check, sign_in_with_code
from directory.tests.factories import GrowthFieldFactory
from inquiries.models import Expert
from networks.models import GrowthFieldPage, RoadmapItem, Study, WorkingGroup
from networks.tests.factories import NetworkFactory
from networks.tests.pdfs import text_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True, available_apps=[*TRANSACTIONAL_APPS, "networks", "inquiries", "content"]
    ),
]


def test_a_visitor_goes_from_the_fields_to_a_field_and_its_study(
    live_server: Any, page: Page, settings: Any, tmp_path: Any
) -> None:
    settings.NETWORK_DOCUMENT_DIR = tmp_path / "documents"
    field = GrowthFieldFactory.create(name="Quantentechnologie")
    GrowthFieldPage.objects.create(
        growth_field=field, summary="Sensoren und Rechner.", body="Die Region ist stark."
    )
    sector = GrowthFieldFactory.create(name="Holzwirtschaft")
    GrowthFieldPage.objects.create(growth_field=sector, kind="sector")
    network = NetworkFactory.create(name="Quantennetz e. V.")
    network.growth_fields.add(field)
    RoadmapItem.objects.create(
        growth_field=field,
        network=network,
        title="Testfeld eröffnen",
        owner="AG Quantensensorik",
        due=datetime.date.today() - datetime.timedelta(days=5),
        status="delayed",
    )
    study = Study(title="Quantenstudie 2026", slug="quantenstudie", year=2026, size=1200)
    study.file.save("quanten.pdf", ContentFile(text_pdf("Qubits")), save=False)
    study.save()
    study.growth_fields.add(field)
    Expert.objects.create(name="Dr. Quanten", email="q@agentur.example").growth_fields.add(field)

    page.goto(live_server.url + reverse("networks:growth-fields"))
    assert page.locator("h1").inner_text() == "Wachstumsfelder und Branchen"
    assert page.get_by_role("heading", name="Branchen", exact=True).is_visible()
    axe_check(page)
    page.get_by_role("link", name="Quantentechnologie").click()
    page.wait_for_url(re.compile(r"/wachstumsfelder/quantentechnologie/"))
    assert page.get_by_text("Die Region ist stark.").is_visible()
    roadmap = page.locator("#roadmap")
    assert "Testfeld eröffnen" in roadmap.inner_text() and "überfällig" in roadmap.inner_text()
    assert page.get_by_role("link", name="Quantennetz e. V.").count() >= 1
    assert page.get_by_text("Dr. Quanten").is_visible()
    axe_check(page)
    page.get_by_role("link", name="Quantenstudie 2026").click()
    page.wait_for_url(re.compile(r"/studien/quantenstudie/"))
    assert page.get_by_role("link", name=re.compile("Studie herunterladen")).is_visible()
    axe_check(page)


def test_a_manager_reads_the_history_and_confirms_a_delete(live_server: Any, page: Page) -> None:
    network = NetworkFactory.create(name="Historiennetz e. V.")
    manager = User.objects.create_user("historie", "historie@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=manager, organisation=network, via="staff")
    group = WorkingGroup.objects.create(network=network, name="AG Archiv")

    page.goto(live_server.url + "/konto/anmelden/")
    sign_in_with_code(page, "historie@example.org", "x" * 16, manager)
    page.wait_for_url(re.compile(r"^(?!.*anmelden)"))
    page.goto(live_server.url + reverse("networks:detail", args=[network.slug]))
    page.get_by_role("link", name="„AG Archiv“ löschen").click()
    page.wait_for_url(re.compile(r"/loeschen/"))
    assert "Arbeitsgruppe „AG Archiv“ löschen?" in page.locator("h1").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Löschen").click()
    page.wait_for_url(re.compile(r"#working-groups$"))
    assert not WorkingGroup.objects.filter(pk=group.pk).exists()
    page.get_by_role("link", name="Änderungsverlauf").click()
    page.wait_for_url(re.compile(r"/verlauf/"))
    rows = page.locator("tbody tr")
    assert "gelöscht" in rows.first.inner_text() and "Sie" in rows.first.inner_text()
    axe_check(page)
