"""A visitor reads about the cluster management in a real browser: overview, a page of
a cross-cutting topic, the team and the supporters, each checked with axe-core and
under the Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from directory.choices import Visibility
from inquiries.models import Expert, Team

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True, available_apps=[*TRANSACTIONAL_APPS, "inquiries", "content"]
    ),
]


def test_a_visitor_reads_about_the_cluster_management(live_server: Any, page: Page) -> None:
    call_command("generate_demo_about", "--if-empty")
    team = Team.objects.create(name="Innovation und Transfer", slug="innovation")
    lead = Expert.objects.create(
        name="Leonie Offen",
        role="Teamleiterin",
        email="leonie@example.org",
        phone="0361 555 100",
        responsibility="Technologietransfer",
        contact_visibility=Visibility.PUBLIC,
        team=team,
    )
    team.lead = lead
    team.save()
    Expert.objects.create(name="Stefan Intern", email="stefan@example.org", team=team)

    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/netzwerke/")
    page.get_by_role("contentinfo").get_by_role("link", name="Clustermanagement").click()
    page.wait_for_url("**/clustermanagement/")
    assert page.locator("h1").inner_text() == "Clustermanagement"
    assert page.get_by_role("heading", name="Querschnittsthemen").is_visible()
    axe_check(page)

    page.get_by_role("link", name="GreenTech").click()
    page.wait_for_url("**/clustermanagement/greentech/")
    assert page.locator("h1").inner_text() == "GreenTech"
    assert page.get_by_role("note", name="Demodaten").is_visible()
    assert page.get_by_role("link", name="Fachkräftesicherung").is_visible()
    axe_check(page)

    page.get_by_role("link", name="Team und Ansprechpartner").first.click()
    page.wait_for_url("**/clustermanagement/team/")
    assert page.get_by_role("heading", name="Leonie Offen").is_visible()
    assert page.get_by_role("link", name="leonie@example.org").is_visible()
    assert page.get_by_role("heading", name="Stefan Intern").is_visible()
    assert page.get_by_text("stefan@example.org").count() == 0
    axe_check(page)

    page.goto(live_server.url + "/clustermanagement/foerderer/")
    assert page.locator("h1").inner_text() == "Förderer"
    axe_check(page)
    assert blocked == []


def test_a_visitor_reaches_the_imprint_and_reports_a_barrier(live_server: Any, page: Page) -> None:
    import re

    from inquiries.models import InquiryTopic

    call_command("generate_demo_about", "--if-empty")
    InquiryTopic.objects.create(name="Barrierefreiheit", slug="barrierefreiheit")
    page.goto(live_server.url + "/netzwerke/")
    page.get_by_role("contentinfo").get_by_role("link", name="Impressum").click()
    page.wait_for_url(re.compile(r"/impressum/$"))
    assert page.locator("h1").inner_text() == "Impressum"
    axe_check(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Barrierefreiheit").click()
    page.wait_for_url(re.compile(r"/barrierefreiheit/$"))
    assert page.get_by_role("heading", name="Barriere melden").is_visible()
    axe_check(page)
    page.get_by_role(
        "link", name="Barriere melden oder barrierefreie Informationen anfragen"
    ).click()
    page.wait_for_url(re.compile(r"/anfrage/\?thema=barrierefreiheit"))
    selected = page.get_by_label("Thema").locator("option:checked").inner_text()
    assert selected == "Barrierefreiheit"
