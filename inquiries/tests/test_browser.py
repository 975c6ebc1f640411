"""Filing an inquiry and working it in the inbox, in a real browser, with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from accounts.roles import EXPERT
from accounts.services import grant_role
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check, sign_in_with_code
from inquiries.models import Expert, Inquiry, InquiryTopic, RoutingRule, Team

from .files import PDF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=[*TRANSACTIONAL_APPS, "inquiries"]),
]
PASSWORD = "Lange-genug-1234"


def test_file_an_inquiry_and_answer_it_in_the_inbox(
    live_server: Any, page: Page, django_user_model: Any, tmp_path: Any, settings: Any
) -> None:
    settings.INQUIRY_ATTACHMENT_DIR = tmp_path
    topic = InquiryTopic.objects.create(name="Förderung", slug="foerderung")
    InquiryTopic.objects.create(name="Sonstiges", slug="sonstiges", order=9)
    user = django_user_model.objects.create_user(
        "anna@agentur.example", "anna@agentur.example", PASSWORD, is_staff=True
    )
    grant_role(user, EXPERT)
    team = Team.objects.create(name="Förderteam", slug="foerderteam")
    anna = Expert.objects.create(name="Anna Förder", email=user.email, user=user, team=team)
    RoutingRule.objects.create(topic=topic, expert=anna)
    RoutingRule.objects.create(fallback=True, team=team)
    pdf = tmp_path / "hallenplan.pdf"
    pdf.write_bytes(PDF)

    # A visitor finds the form from any page.
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Kontakt", exact=True
    ).click()
    page.wait_for_url(re.compile("/anfrage/$"))
    axe_check(page)
    page.get_by_role("textbox", name="Ihr Name").fill("Eva Fragend")
    page.get_by_role("textbox", name="Ihre E-Mail-Adresse").fill("eva@firma.example")
    page.get_by_label("Thema").select_option(label="Förderung")
    page.get_by_label("Dringlichkeit").select_option("high")
    page.get_by_role("textbox", name="Ihre Frage").fill(
        "Welche Förderung gibt es für eine neue Fertigungshalle in Erfurt?"
    )
    page.get_by_label("Anhang (optional)").set_input_files(str(pdf))
    page.get_by_role("checkbox", name=re.compile("Ich bin einverstanden")).check()
    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_url(re.compile("/anfrage/status/"))
    inquiry = Inquiry.objects.get()
    assert inquiry.reference in page.locator("main").inner_text()
    assert "Fertigungshalle" in page.locator("main").inner_text()
    axe_check(page)
    status_url = page.url

    # The expert signs in (with the second factor) and works the case.
    page.goto(live_server.url + "/intern/anfragen/")
    sign_in_with_code(page, "anna@agentur.example", PASSWORD, user)
    page.wait_for_url(re.compile("/intern/anfragen/"))
    axe_check(page)
    page.get_by_role("link", name=inquiry.reference).click()
    page.wait_for_url(re.compile(inquiry.reference))
    main = page.locator("main").inner_text()
    assert "eva@firma.example" in main and "hallenplan.pdf" in main
    axe_check(page)
    page.get_by_role("textbox", name="Interne Notiz").fill("Programm X prüfen")
    page.get_by_role("button", name="Notiz hinzufügen").click()
    page.get_by_role("textbox", name="Antwort an die anfragende Person").fill(
        "Das Programm X passt; wir rufen Sie an."
    )
    page.get_by_role("button", name="Antwort senden").click()
    page.get_by_text("Antwort an die anfragende Person gesendet.").wait_for()
    assert page.locator("#case-status").inner_text() == "beantwortet"
    axe_check(page)
    inquiry.refresh_from_db()
    assert inquiry.status == "answered" and inquiry.first_answer_at is not None

    # The mail's feedback link opens a page whose button records (none pressed here).
    page.goto(status_url + "rueckmeldung/no/")
    page.get_by_role("button", name="Nein, hat nicht geholfen").wait_for()
    axe_check(page)
    # The asker sees the answer on the status page and says it helped.
    page.goto(status_url)
    assert "Das Programm X passt" in page.locator("main").inner_text()
    assert "Programm X prüfen" not in page.content()
    axe_check(page)
    page.get_by_role("button", name="Ja, hat geholfen").click()
    page.get_by_text("Vielen Dank für Ihre Rückmeldung.").wait_for()
    inquiry.refresh_from_db()
    assert inquiry.helped == "yes"
