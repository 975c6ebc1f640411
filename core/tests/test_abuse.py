"""The public forms' defences: the honeypot, the rate limit per client, the text cleaning
(core/abuse.py), through the existing public forms (registration, password reset,
correction suggestion)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.abuse import clean_text
from directory.models import ChangeRequest
from directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "email": "lena@beispiel-werk.de",
    "password1": "Werkbank-Fräse-2026",
    "password2": "Werkbank-Fräse-2026",
    "accept_privacy": "on",
}


def test_the_honeypot_is_in_the_form_but_hidden_from_people(client: Client) -> None:
    html = client.get(reverse("accounts:register")).content.decode()
    assert 'name="website_url"' in html
    assert 'class="hp-field" aria-hidden="true"' in html
    assert 'tabindex="-1"' in html


def test_a_filled_honeypot_registers_nobody(client: Client) -> None:
    response = client.post(
        reverse("accounts:register"), {**REGISTRATION, "website_url": "http://spam.example"}
    )
    assert response.status_code == 400
    assert "leave the last field empty" in response.content.decode().lower() or (
        "letzte feld leer" in response.content.decode().lower()
    )
    assert not get_user_model().objects.filter(email=REGISTRATION["email"]).exists()


def test_an_empty_honeypot_registers(client: Client) -> None:
    response = client.post(reverse("accounts:register"), {**REGISTRATION, "website_url": ""})
    assert response.status_code == 302
    assert get_user_model().objects.filter(email=REGISTRATION["email"]).exists()


def test_a_filled_honeypot_sends_no_correction(client: Client) -> None:
    organisation = OrganisationFactory.create()
    url = reverse("directory:correction", args=[organisation.slug])
    response = client.post(url, {"message": "Adresse falsch", "website_url": "x"})
    assert response.status_code == 400
    assert not ChangeRequest.objects.filter(organisation=organisation).exists()


def test_too_many_registrations_from_one_client_get_429_and_nothing_is_written(
    settings: Any,
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "default": (2, 3600)}
    client = Client(REMOTE_ADDR="198.51.100.9")
    for number in range(2):
        data = {**REGISTRATION, "email": f"person{number}@beispiel-werk.de"}
        assert client.post(reverse("accounts:register"), data).status_code == 302
    response = client.post(
        reverse("accounts:register"), {**REGISTRATION, "email": "person9@beispiel-werk.de"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert not get_user_model().objects.filter(email="person9@beispiel-werk.de").exists()
    # another client is not affected
    other = Client(REMOTE_ADDR="198.51.100.10")
    data = {**REGISTRATION, "email": "person10@beispiel-werk.de"}
    assert other.post(reverse("accounts:register"), data).status_code == 302


def test_too_many_password_resets_from_one_client_get_429(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "address": (1, 600)}
    client = Client(REMOTE_ADDR="198.51.100.11")
    url = reverse("accounts:password-reset")
    assert client.post(url, {"email": "a@beispiel-werk.de"}).status_code == 302
    response = client.post(url, {"email": "b@beispiel-werk.de"})
    assert response.status_code == 429
    assert "10" in response.content.decode()  # "within 10 minutes"


def test_a_limit_of_zero_switches_the_limit_off(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "address": (0, 600)}
    client = Client(REMOTE_ADDR="198.51.100.12")
    url = reverse("accounts:password-reset")
    for number in range(5):
        assert client.post(url, {"email": f"p{number}@beispiel-werk.de"}).status_code == 302


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Guten Tag,\r\nwir suchen Drehteile.\r\n", "Guten Tag,\nwir suchen Drehteile."),
        ("Preis: 100\u202e€ 001", "Preis: 100€ 001"),  # a direction override hides text
        ("Null\x00Byte und\x07Klingel", "NullByte undKlingel"),
        ("unsicht\u200bbar", "unsichtbar"),
        ("a\n\n\n\n\n\nb", "a\n\n\nb"),
        ("Zeile mit Leerzeichen   \nnächste", "Zeile mit Leerzeichen\nnächste"),
        ("Cafe\u0301", "Café"),  # NFC
        ("Familie 👨\u200d👩\u200d👧", "Familie 👨\u200d👩\u200d👧"),  # the joiner stays
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@given(st.text(max_size=300))
def test_clean_text_leaves_no_control_or_override_character(text: str) -> None:
    cleaned = clean_text(text, max_length=200)
    assert len(cleaned) <= 200
    assert "\r" not in cleaned
    assert not any(
        (ord(ch) < 32 and ch not in "\t\n") or 0x202A <= ord(ch) <= 0x202E for ch in cleaned
    )
    assert clean_text(cleaned) == cleaned  # cleaning twice changes nothing
