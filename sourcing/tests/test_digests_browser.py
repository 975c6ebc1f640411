"""The digest opt-in page in a real browser, checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check, sign_in_with_code
from search.tests.helpers import make_org
from sourcing.models import DigestSubscription

from .posting_fixtures import editor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


def test_an_editor_chooses_a_weekly_digest(live_server: Any, page: Page, settings: Any) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    org = make_org("Dreherei Gera", description="Drehteile", place="gera")
    user = editor(org, "anna@dreherei.example")
    user.set_password("Werkbank-Fräse-2026")
    user.save()
    page.goto(live_server.url + "/konto/anmelden/")
    sign_in_with_code(page, "anna@dreherei.example", "Werkbank-Fräse-2026", user)
    page.goto(live_server.url + f"/gesuche/benachrichtigungen/{org.slug}/")
    assert page.locator("h1").inner_text() == "Benachrichtigungen über Gesuche"
    axe_check(page)
    page.get_by_label("wöchentlich").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "wöchentlich" in page.locator("main").inner_text()
    assert page.get_by_label("wöchentlich").is_checked()
    axe_check(page)
    assert DigestSubscription.objects.get(organisation=org).frequency == "weekly"
