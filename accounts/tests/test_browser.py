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
    assert "Sie können sich jetzt anmelden" in page.locator(".messages").inner_text()
    assert page.locator("h1").inner_text() == "Anmelden"
    axe_check(page)

    page.get_by_role("textbox", name="E-Mail-Adresse").fill("lena@beispiel-werk.de")
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    assert page.locator("h1").inner_text() == "Ihr Konto"
    assert "lena@beispiel-werk.de" in page.locator("main").inner_text()
    axe_check(page)

    page.get_by_role("button", name="Abmelden").click()
    assert page.get_by_role("link", name="Anmelden").is_visible()
    page.goto(live_server.url + reverse("accounts:account"))
    assert page.locator("h1").inner_text() == "Anmelden"


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
