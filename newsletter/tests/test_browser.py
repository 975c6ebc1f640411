"""Subscribing in a real browser (German), confirming the link, choosing topics and
unsubscribing on the preference page; axe-core finds nothing on any of the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check
from newsletter.choices import SubscriberStatus
from newsletter.models import Subscriber, Topic

from .helpers import confirmation_link, path_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=[*TRANSACTIONAL_APPS, "newsletter"]),
]


def test_subscribe_confirm_choose_topics_and_unsubscribe(live_server: Any, page: Page) -> None:
    Topic.objects.create(name="Wasserstoff", description="Erzeugung und Nutzung", position=1)
    Topic.objects.create(name="Mobilität", position=2)

    page.goto(live_server.url + "/newsletter/")
    axe_check(page)
    page.get_by_role("textbox", name="Ihre E-Mail-Adresse").fill("lena@beispiel-werk.de")
    page.get_by_role("checkbox", name=re.compile("Wasserstoff")).check()
    page.get_by_role("button", name="Abonnieren").click()
    # Without the consent the form says what is missing, where.
    assert "Setzen Sie das Häkchen" in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_role("checkbox", name=re.compile("Newsletter der Agentur")).check()
    page.get_by_role("button", name="Abonnieren").click()
    page.wait_for_url(re.compile("/newsletter/danke/$"))
    assert "Bitte sehen Sie in Ihr Postfach" in page.locator("h1").inner_text()
    axe_check(page)

    page.goto(live_server.url + path_of(confirmation_link("lena@beispiel-werk.de")))
    axe_check(page)
    page.get_by_role("button", name="Abonnement bestätigen").click()
    page.wait_for_url(re.compile("/newsletter/einstellungen/"))
    assert "Ihr Abonnement ist bestätigt" in page.locator("main").inner_text()
    axe_check(page)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert [t.name for t in subscriber.topics.all()] == ["Wasserstoff"]

    page.get_by_role("checkbox", name="Mobilität").check()
    page.get_by_role("button", name="Themen speichern").click()
    page.wait_for_load_state()
    assert "Ihre Themen sind gespeichert" in page.locator("main").inner_text()
    assert sorted(t.name for t in subscriber.topics.all()) == ["Mobilität", "Wasserstoff"]
    page.get_by_role("button", name="Vom Newsletter abmelden").click()
    page.wait_for_load_state()
    assert "Sie sind abgemeldet" in page.locator("main").inner_text()
    axe_check(page)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert len(mail.outbox) == 1
