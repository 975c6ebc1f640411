"""Leaving a list from the link in a mail, in a real browser, axe-checked."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from messaging import services
from messaging.choices import MailList
from messaging.models import Suppression

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


def test_the_unsubscribe_link_asks_then_confirms(live_server: Any, page: Page) -> None:
    services.enqueue(
        to="ute@beispiel-werk.de",
        subject="Ist Ihr Profil aktuell?",
        template="messaging/email/notice",
        context={"text": "Bitte bestätigen Sie Ihr Profil."},
        category=MailList.PROFILE_REMINDERS,
    )
    assert len(mail.outbox) == 1  # sent after the commit (no transaction around the test)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(live_server.url + link.removeprefix(settings.PORTAL_URL))
    assert page.locator("h1").inner_text() == "Abmelden"
    assert "ute@beispiel-werk.de" in page.locator("main").inner_text()
    axe_check(page)
    assert not Suppression.objects.exists()

    page.get_by_role("button", name="Abmelden").click()
    assert "erhält keine E-Mails dieser Art mehr" in page.locator("main").inner_text()
    axe_check(page)
    assert Suppression.objects.get().list_name == MailList.PROFILE_REMINDERS
