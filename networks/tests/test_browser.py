"""The network list and a network's profile in a real browser, each checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from directory.choices import OrganisationKind, Source
from directory.tests.factories import (
    ContactPersonFactory,
    GrowthFieldFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
)
from geo.models import District
from networks.tests.factories import NetworkFactory, NetworkProfileFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=[*TRANSACTIONAL_APPS, "networks"]),
]


def test_a_visitor_finds_a_network_and_filters_its_members(live_server: Any, page: Page) -> None:
    growth = GrowthFieldFactory.create(name="Mobilität der Zukunft")
    profile = NetworkProfileFactory.create(
        organisation=NetworkFactory.create(
            name="Automotive Thüringen e. V.",
            kind=OrganisationKind.CLUSTER,
            source=Source.GENERATED,
        ),
        mission="Wir bringen Zulieferer und Forschung zusammen.",
    )
    network = profile.organisation
    network.growth_fields.add(growth)
    NetworkFactory.create(name="Logistiknetz Thüringen")
    ContactPersonFactory.create(organisation=network, last_name="Clustermanagerin")
    erfurt = District.objects.get(ags="16051")
    jena = District.objects.get(ags="16053")
    for n in range(6):
        organisation = OrganisationFactory.create(
            name=f"Zulieferer {n}",
            kind=OrganisationKind.RESEARCH_INSTITUTE if n % 3 == 0 else OrganisationKind.COMPANY,
        )
        SiteFactory.create(
            organisation=organisation,
            district=erfurt if n % 2 else jena,
            latitude=50.9 + n / 50,
            longitude=11.0 + n / 50,
        )
        MembershipFactory.create(network=network, organisation=organisation)

    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + reverse("networks:list"))
    assert page.locator("h1").inner_text() == "Netzwerke und Cluster"
    axe_check(page)
    page.get_by_label("Wachstumsfeld").select_option(label="Mobilität der Zukunft")
    page.wait_for_url(re.compile(r"growth="))
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    page.get_by_role("link", name="Automotive Thüringen e. V.").click()

    page.wait_for_url(re.compile(r"/netzwerke/"))
    assert page.locator("h1").inner_text() == "Automotive Thüringen e. V."
    assert page.get_by_text("Wir bringen Zulieferer und Forschung zusammen.").is_visible()
    assert page.get_by_text("Clustermanagerin").is_visible()
    assert page.locator("#members tbody tr").count() == 6
    page.wait_for_selector("#site-map[data-map-ready='6']")
    assert page.get_by_role("region", name="Karte der Mitglieder").is_visible()
    axe_check(page)

    members = page.get_by_role("search", name="Mitglieder filtern")
    members.get_by_label("Art").select_option("research")
    members.get_by_label("Kreis").select_option("16053")
    members.get_by_role("button", name="Mitglieder filtern").click()

    page.wait_for_url(re.compile(r"kind=research"))
    assert page.locator("#members tbody th a").all_inner_texts() == ["Zulieferer 0"]
    assert page.get_by_text("1 Mitglied entspricht den Filtern").is_visible()
    page.wait_for_selector("#site-map[data-map-ready='1']")
    axe_check(page)
    assert blocked == []


def test_a_manager_adds_a_working_group_and_visitors_see_groups_projects_partners_labels(
    live_server: Any, page: Page
) -> None:
    import datetime

    from django.contrib.auth.models import User

    from accounts.models import OrganisationEditor
    from core.testing.browser import sign_in_with_code
    from networks.models import NetworkProject, PartnerCluster, QualityLabel

    network = NetworkFactory.create(name="Photonik Netz e. V.")
    partner = NetworkFactory.create(name="Optence Hessen")
    member = OrganisationFactory.create(name="Laserwerk Jena GmbH")
    MembershipFactory.create(network=network, organisation=member)
    contact = ContactPersonFactory.create(
        organisation=network, last_name="Lichtmann", visibility="public"
    )
    NetworkProject.objects.create(
        network=network, title="Quantenbildgebung 2030", summary="Ein Verbund.", start_year=2025
    )
    PartnerCluster.objects.create(network=network, partner=partner, cooperation="exchange")
    QualityLabel.objects.create(
        network=network,
        scheme="ecei",
        level="silver",
        awarded=datetime.date.today() - datetime.timedelta(days=30),
        valid_until=datetime.date.today() + datetime.timedelta(days=700),
    )
    manager = User.objects.create_user("photonik", "photonik@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=manager, organisation=network, via="staff")

    page.goto(live_server.url + "/konto/anmelden/")
    sign_in_with_code(page, "photonik@example.org", "x" * 16, manager)
    page.wait_for_url(re.compile(r"^(?!.*anmelden)"))
    page.goto(live_server.url + reverse("networks:detail", args=[network.slug]))
    page.get_by_role("link", name="Arbeitsgruppe hinzufügen").click()
    page.wait_for_url(re.compile(r"/arbeitsgruppen/neu/"))
    axe_check(page)
    page.get_by_label("Name").fill("AG Ultrakurzpuls")
    page.get_by_label("Thema").fill("Laser für die Mikrobearbeitung")
    page.get_by_label("Laserwerk Jena GmbH").check()
    page.get_by_label("Ansprechperson").select_option(str(contact.pk))
    page.get_by_role("button", name="Speichern").click()

    page.wait_for_url(re.compile(r"#working-groups$"))
    assert page.get_by_text("Ihre Änderungen sind gespeichert.").is_visible()
    groups = page.locator("#working-groups")
    assert "AG Ultrakurzpuls" in groups.inner_text()
    assert "Laserwerk Jena GmbH" in groups.inner_text()
    assert "Lichtmann" in groups.inner_text()
    assert "Quantenbildgebung 2030" in page.locator("#projects").inner_text()
    assert "Optence Hessen" in page.locator("#partner-clusters").inner_text()
    assert "Silber" in page.locator("#labels").inner_text()
    axe_check(page)

    # The partner's page shows the cooperation, for a visitor too.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("networks:detail", args=[partner.slug]))
    assert "Photonik Netz e. V." in page.locator("#partner-clusters").inner_text()
    assert page.get_by_role("link", name="Partnercluster hinzufügen").count() == 0
    axe_check(page)


def test_a_visitor_downloads_the_brochure_from_the_network_list(
    live_server: Any, page: Page, settings: Any, tmp_path: Any
) -> None:
    from networks.brochure import run_build
    from networks.models import BrochureBuild

    settings.NETWORK_DOCUMENT_DIR = tmp_path / "documents"
    NetworkProfileFactory.create(organisation=NetworkFactory.create(name="Optonet e. V."))
    page.goto(live_server.url + reverse("networks:list"))
    assert page.get_by_text("Broschüre als PDF").count() == 0

    run_build(BrochureBuild.objects.create(language="de").pk)
    page.goto(live_server.url + reverse("networks:list"))
    link = page.get_by_role("link", name="Deutsch")
    assert link.get_attribute("href") == "/netzwerke/broschuere/de.pdf"
    assert link.get_attribute("hreflang") == "de"
    assert "Broschüre als PDF" in page.locator(".brochure-links").inner_text()
    axe_check(page)
    answer = page.request.get(live_server.url + "/netzwerke/broschuere/de.pdf")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-1.7")
