"""Registration, sign-in and the staff's second factor in a real browser, axe-checked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]

PASSWORD = "Werkbank-Fräse-2026"


def test_register_confirm_sign_in_and_out(live_server: Any, page: Page) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Registrieren").click()
    assert page.locator("h1").inner_text() == "Registrieren"
    axe_check(page)

    # A mistake is shown at its field, the rest of the input stays.
    page.get_by_role("textbox", name="E-Mail-Adresse").fill("lena@beispiel-werk.de")
    page.get_by_role("textbox", name="Vorname").fill("Lena")
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen:", exact=True).fill("etwas-anderes-2026")
    page.get_by_label(re.compile("Ich bin einverstanden")).check()
    page.get_by_role("button", name="Registrieren").click()
    error = page.locator("#id_password2_error")
    assert "unterscheiden sich" in error.inner_text()
    assert (
        page.get_by_label("Passwort wiederholen:", exact=True).get_attribute("aria-invalid")
        == "true"
    )
    assert page.get_by_role("textbox", name="Vorname").input_value() == "Lena"
    axe_check(page)

    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen:", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile("Ich bin einverstanden")).check()
    page.get_by_role("button", name="Registrieren").click()
    assert page.locator("h1").inner_text() == "Prüfen Sie Ihre E-Mails"
    assert "lena@beispiel-werk.de" in page.locator("main").inner_text()
    axe_check(page)

    link = re.search(r"http://\S+", str(mail.outbox[-1].body))
    assert link
    page.goto(link.group(0))
    assert page.locator("h1").inner_text() == "Konto aktivieren"
    axe_check(page)
    page.get_by_label("Ihr Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aktivieren und anmelden").click()
    assert page.locator("h1").inner_text() == "Ihr Konto"
    assert "bestätigt" in page.locator(".messages").inner_text()
    assert "lena@beispiel-werk.de" in page.locator("main").inner_text()
    axe_check(page)

    page.get_by_label(re.compile("Newsletter")).check()
    page.get_by_role("button", name="Einwilligungen speichern").click()
    assert "gespeichert" in page.locator(".messages").inner_text()
    assert page.get_by_label(re.compile("Newsletter")).is_checked()
    axe_check(page)
    page.get_by_role("link", name="Konto löschen").click()
    assert page.locator("h1").inner_text() == "Konto löschen"
    axe_check(page)
    page.get_by_role("link", name="Datenschutzerklärung").first.click()
    axe_check(page)

    page.get_by_role("button", name="Abmelden").click()
    assert page.get_by_role("link", name="Anmelden", exact=True).is_visible()
    page.goto(live_server.url + reverse("accounts:account"))
    assert page.locator("h1").inner_text() == "Anmelden"
    page.get_by_role("textbox", name="E-Mail-Adresse").fill("lena@beispiel-werk.de")
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    assert page.locator("h1").inner_text() == "Ihr Konto"


def test_staff_set_up_the_authenticator_and_reach_the_back_office(
    live_server: Any, page: Page, django_user_model: Any
) -> None:
    staff = django_user_model.objects.create_user(
        "eva@agentur.example", "eva@agentur.example", PASSWORD, is_staff=True, is_superuser=True
    )
    page.goto(live_server.url + "/admin/")
    assert page.locator("h1").inner_text() == "Anmelden"
    page.get_by_role("textbox", name="E-Mail-Adresse").fill(staff.email)
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    assert page.locator("h1").inner_text() == "Anmeldung mit Code einrichten"
    assert page.get_by_role("img", name="QR-Code für die Authenticator-App").is_visible()
    axe_check(page)
    device = TOTPDevice.objects.get(user=staff)
    code = str(totp(device.bin_key, device.step, device.t0, device.digits)).zfill(6)
    page.get_by_role("textbox", name="Code").fill(code)
    page.get_by_role("button", name="Bestätigen und anmelden").click()

    assert page.locator("h1").inner_text() == "Ihre Wiederherstellungscodes"
    assert page.locator(".recovery-codes li").count() == 10
    axe_check(page)
    page.goto(live_server.url + "/admin/")
    assert "Verwaltung" in page.title()


def test_claim_a_profile_by_domain_code_and_edit_it(
    live_server: Any, page: Page, django_user_model: Any
) -> None:
    from core.testing.browser import sign_in_with_code
    from directory.tests.factories import OrganisationFactory, SiteFactory

    organisation = OrganisationFactory.create(
        name="Ilm Sensorik GmbH", website="https://www.ilm-sensorik.de", phone="03677 1"
    )
    SiteFactory.create(organisation=organisation, postal_code="98693", place="Ilmenau")
    user = django_user_model.objects.create_user("tom@web.example", "tom@web.example", PASSWORD)
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in_with_code(page, "tom@web.example", PASSWORD, user)
    page.goto(live_server.url + organisation.get_absolute_url())
    page.get_by_role("link", name=re.compile("Dieses Profil pflegen")).click()
    assert "ilm-sensorik.de" in page.locator("main").inner_text()
    axe_check(page)

    page.get_by_role("textbox", name="Ihre Adresse bei der Organisation").fill(
        "tom@ilm-sensorik.de"
    )
    page.get_by_role("button", name="Code senden").click()
    assert page.locator("h1").inner_text() == "Code eingeben"
    axe_check(page)
    code = re.search(r"^\s+(\d{6})\s*$", str(mail.outbox[-1].body), re.M)
    assert code
    page.get_by_role("textbox", name="Code aus der E-Mail").fill(code.group(1))
    page.get_by_role("button", name="Bestätigen").click()

    assert page.locator("h1").inner_text() == "Ilm Sensorik GmbH bearbeiten"
    axe_check(page)
    page.get_by_role("textbox", name="Telefon").fill("03677 2")
    page.get_by_role("textbox", name="Name:", exact=True).fill("Ilm Sensorik und Optik GmbH")
    page.get_by_role("button", name="Speichern").click()
    messages = page.locator(".messages").inner_text()
    assert "gespeichert" in messages
    assert "wartet auf die Prüfung" in messages
    assert "Ilm Sensorik und Optik GmbH" in page.locator(".notice").inner_text()
    axe_check(page)

    page.get_by_role("link", name="Kontakt hinzufügen").click()
    axe_check(page)
    page.get_by_role("textbox", name="Nachname").fill("Berger")
    page.get_by_label("Sichtbarkeit").select_option("public")
    page.get_by_role("button", name="Speichern").click()
    assert "Berger" in page.locator("main").inner_text()
    organisation.refresh_from_db()
    assert organisation.phone == "03677 2"
    assert organisation.name == "Ilm Sensorik GmbH"
