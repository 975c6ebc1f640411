"""The profile editor's WZ suggestions in a real browser: htmx swaps the form in place,
keeping what was typed; axe-core finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from accounts.services import grant_editor
from classification import suggestions
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check, sign_in_with_code
from directory.tests.factories import OrganisationFactory, SiteFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]
PASSWORD = "Lange-genug-1234"


def test_suggest_and_add_a_code_in_place(
    live_server: Any, page: Page, django_user_model: Any
) -> None:
    # Built once per process (the WZ texts embedded): not within the click's wait.
    suggestions.suggest("Metallbearbeitung", 1)
    organisation = OrganisationFactory.create(name="Werra Zerspanung GmbH", description="")
    SiteFactory.create(organisation=organisation, postal_code="98693", place="Ilmenau")
    user = django_user_model.objects.create_user("ina@werra.example", "ina@werra.example", PASSWORD)
    grant_editor(user, organisation, "domain")
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in_with_code(page, "ina@werra.example", PASSWORD, user)
    page.goto(live_server.url + reverse("directory:organisation-edit", args=[organisation.slug]))

    page.get_by_role("textbox", name="Beschreibung:", exact=True).fill(
        "Lohnfertigung: wir drehen, fräsen und schleifen Metallteile nach Zeichnung."
    )
    page.get_by_role("textbox", name="Telefon").fill("03677 4711")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Codes vorschlagen").click()
    listed = page.get_by_role("list", name="Vorgeschlagene WZ-2008-Codes")
    listed.wait_for()
    assert "25.62.0" in listed.inner_text()
    assert page.evaluate("window.stillTheSamePage") is True
    # The form came back as typed.
    assert page.get_by_role("textbox", name="Telefon").input_value() == "03677 4711"
    axe_check(page)

    page.get_by_role("button", name="Hinzufügen 25.62.0").click()
    page.get_by_role("status").filter(has_text="25.62.0").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    codes = [
        page.get_by_role("textbox", name=name).input_value()
        for name in ("Haupt-WZ-2008-Code", "Weitere WZ-2008-Codes")
    ]
    assert "25.62.0" in ", ".join(codes)
    axe_check(page)

    # Saved only now: a change of WZ codes by an editor waits for the staff's review.
    page.get_by_role("button", name="Speichern").click()
    assert "Prüfung" in page.locator(".messages").inner_text()
