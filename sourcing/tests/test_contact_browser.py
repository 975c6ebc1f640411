"""Contacting organisations in a real browser: a visitor writes to an organisation and
confirms with the one-time link, the editor answers on the portal; a visitor sends one
message to three organisations selected on the need page. Every page axe-checked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page

from accounts.models import Account
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check, sign_in_with_code
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory
from messaging.models import Conversation
from sourcing import services as need_services
from sourcing.matching import Need

from .helpers import SENTENCE, landscape
from .postings_factories import editor_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]

VISITOR = "vera.besucherin@privat.example"


def link_to(live_server: Any, pattern: str, recipient: str) -> str:
    """The link of the last mail to ``recipient``, pointed at the live server."""
    body = next(str(m.body) for m in reversed(mail.outbox) if m.to == [recipient])
    found = re.search(pattern, body)
    assert found, body
    return live_server.url + found.group(0).removeprefix(django_settings.PORTAL_URL)


def write(page: Page, subject: str) -> None:
    page.get_by_label("Ihr Name").fill("Vera Besucherin")
    page.get_by_label("Ihre E-Mail-Adresse").fill(VISITOR)
    page.get_by_label("Betreff").fill(subject)
    page.get_by_label("Nachricht").fill("Können Sie 500 Drehteile liefern?")


def test_a_visitor_writes_and_the_editor_answers_on_the_portal(
    live_server: Any, page: Page
) -> None:
    firm = OrganisationFactory.create(name="Drehteile Gera GmbH", email="info@drehteile.example")
    editor = editor_of(firm, "ina")
    Account.objects.update_or_create(user=editor, defaults={"email_verified_at": timezone.now()})

    page.goto(live_server.url + firm.get_absolute_url())
    page.locator("#main").get_by_role("link", name="Kontakt", exact=True).click()
    page.wait_for_url(re.compile("/kontakt/organisation/"))
    assert "An Drehteile Gera GmbH schreiben" in page.locator("h1").inner_text()
    axe_check(page)
    write(page, "Drehteile gesucht")
    page.get_by_role("button", name="Nachricht senden").click()
    assert page.locator("h1").inner_text() == "Bitte bestätigen Sie Ihre Adresse"
    axe_check(page)
    assert not Conversation.objects.exists()

    page.goto(link_to(live_server, r"\S+/kontakt/bestaetigen/[\w-]+/", VISITOR))
    axe_check(page)
    page.get_by_role("button", name="Adresse bestätigen und Nachricht senden").click()
    assert page.locator("h1").inner_text() == "Nachricht gesendet"
    assert "info@drehteile.example" not in page.content() and editor.email not in page.content()
    axe_check(page)

    # The editor follows the link in their mail and answers on the portal.
    editor_page = page.context.browser.new_page(locale="de-DE")  # type: ignore[union-attr]
    editor_page.goto(link_to(live_server, r"\S+/nachrichten/c/[\w-]+/", editor.email))
    assert "Können Sie 500 Drehteile liefern?" in editor_page.content()
    assert VISITOR not in editor_page.content()
    axe_check(editor_page)
    editor_page.get_by_label("Ihre Antwort").fill("Ja, ab März.")
    editor_page.get_by_role("button", name="Antwort senden").click()
    assert "Ja, ab März." in editor_page.content()
    editor_page.close()

    # The visitor reads the answer on their conversation page.
    page.get_by_role("link", name="Drehteile Gera GmbH").click()
    assert "Ja, ab März." in page.content()
    assert editor.email not in page.content()
    axe_check(page)


def test_one_message_to_three_organisations_selected_on_the_need_page(
    live_server: Any, page: Page, settings: Any, tmp_path: Any
) -> None:
    settings.SEARCH_AUTO_UPDATE = False
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    landscape()
    for n, organisation in enumerate(Organisation.objects.order_by("pk")):
        Organisation.objects.filter(pk=organisation.pk).update(email=f"info{n}@firma.example")
    need_services.match(Need("Sensoren"))  # loads the model outside the page's time

    page.goto(live_server.url + "/bedarf/?q=" + SENTENCE.replace(" ", "+"))
    boxes = page.locator(".need-hits input[type=checkbox]")
    assert boxes.count() >= 3
    for index in range(3):
        boxes.nth(index).check()
    axe_check(page)
    page.get_by_role("button", name="Ausgewählte Organisationen kontaktieren").click()
    assert page.locator(".contact-recipients li").count() == 3
    axe_check(page)
    write(page, "Sensoren gesucht")
    page.get_by_role("button", name="Nachricht senden").click()
    page.goto(link_to(live_server, r"\S+/kontakt/bestaetigen/[\w-]+/", VISITOR))
    page.get_by_role("button", name="Adresse bestätigen und Nachricht senden").click()
    assert page.locator(".contact-sent li").count() == 3
    axe_check(page)
    assert Conversation.objects.count() == 3
    assert User.objects.count() == 0  # nobody needed an account


def test_an_editor_lets_only_registered_users_write_and_unblocks_a_sender(
    live_server: Any, page: Page
) -> None:
    from messaging import relay
    from sourcing.contact import services as contact

    firm = OrganisationFactory.create(name="Drehteile Gera GmbH", email="info@drehteile.example")
    editor = editor_of(firm, "anna")
    editor.set_password("Werkbank-Fräse-2026")
    editor.save()
    relay.block(contact.organisation_key(firm), "visitor:abc", "Vera Lästig")
    page.goto(live_server.url + "/konto/anmelden/")
    sign_in_with_code(page, editor.email, "Werkbank-Fräse-2026", editor)
    page.goto(live_server.url + firm.get_absolute_url())
    page.get_by_role("link", name="Kontakteinstellungen").click()
    assert page.locator("h1").inner_text() == "Kontakteinstellungen von Drehteile Gera GmbH"
    axe_check(page)
    page.get_by_label("nur registrierte Nutzer").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert page.get_by_label("nur registrierte Nutzer").is_checked()
    assert contact.setting_of(firm) == "registered"
    page.get_by_role("button", name=re.compile("Blockierung aufheben.*Vera Lästig")).click()
    page.wait_for_load_state()
    assert "Vera Lästig" not in page.locator("main").inner_text()
    axe_check(page)
