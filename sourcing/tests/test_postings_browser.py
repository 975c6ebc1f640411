"""An organisation editor posts a request in a real browser (with a suggested WZ code),
finds it on /gesuche/ and filters the list; axe-core finds nothing on the form, the
detail and the list."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from accounts.services import grant_editor
from classification import suggestions
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check, sign_in_with_code
from directory.tests.factories import OrganisationFactory, SiteFactory
from sourcing.models import Posting

from .postings_factories import PostingFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]
PASSWORD = "Lange-genug-1234"


def test_post_a_request_with_a_suggested_code_and_find_it(
    live_server: Any, page: Page, django_user_model: Any
) -> None:
    suggestions.suggest("Metallbearbeitung", 1)  # built once, not within the click's wait
    organisation = OrganisationFactory.create(
        name="Werra Zerspanung GmbH", last_verified=timezone.localdate()
    )
    SiteFactory.create(organisation=organisation, postal_code="98693", place="Ilmenau")
    PostingFactory.create(kind="offer", title="Freie Kapazität Laserschneiden", lat=50.9, lon=11.0)
    user = django_user_model.objects.create_user("ina@werra.example", "ina@werra.example", PASSWORD)
    grant_editor(user, organisation, "domain")
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in_with_code(page, "ina@werra.example", PASSWORD, user)

    page.goto(live_server.url + reverse("sourcing:posting-create"))
    axe_check(page)
    page.get_by_role("radio", name="Gesuch").check()
    page.get_by_label("Kategorie").select_option("product")
    page.get_by_role("textbox", name="Titel").fill("Drehteile aus Edelstahl gesucht")
    page.get_by_role("textbox", name="Beschreibung").fill(
        "Wir suchen Lohnfertigung: Drehteile und Frästeile aus Metall nach Zeichnung."
    )
    page.get_by_role("textbox", name="Ort (Postleitzahl oder Ortsname)").fill("Erfurt")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Codes vorschlagen").click()
    listed = page.get_by_role("list", name="Vorgeschlagene WZ-2008-Codes")
    listed.wait_for()
    assert "25.62.0" in listed.inner_text()
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.get_by_role("textbox", name="Titel").input_value() == (
        "Drehteile aus Edelstahl gesucht"
    )
    axe_check(page)
    page.get_by_role("button", name="Hinzufügen 25.62.0").click()
    page.get_by_role("status").filter(has_text="25.62.0").wait_for()
    assert "25.62.0" in page.get_by_role("textbox", name="WZ-2008-Codes").input_value()
    page.get_by_role("button", name="Einstellen").click()

    page.get_by_role("heading", level=1, name="Drehteile aus Edelstahl gesucht").wait_for()
    posting = Posting.objects.get(title="Drehteile aus Edelstahl gesucht")
    assert posting.status == "published" and [c.code for c in posting.wz_codes.all()] == ["25.62.0"]
    assert "25.62.0" in page.content()
    axe_check(page)

    page.goto(live_server.url + reverse("sourcing:posting-list"))
    results = page.locator("#results")
    assert "Drehteile aus Edelstahl gesucht" in results.inner_text()
    assert "Freie Kapazität Laserschneiden" in results.inner_text()
    axe_check(page)
    page.get_by_role("checkbox", name="Gesuch").check()
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_function(
        "() => !document.querySelector('#results').innerText.includes('Laserschneiden')"
    )
    assert "Drehteile aus Edelstahl gesucht" in results.inner_text()
    assert "kind=request" in page.url
    axe_check(page)
