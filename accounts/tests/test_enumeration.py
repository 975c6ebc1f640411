"""Nobody learns who has an account from how long registration or sign-in takes.

Password hashing is what costs (tens to hundreds of milliseconds, by design), so each
path is measured by how often it hashes a password: the same count on every path means
the same time, without timing anything here (bench/account_timing.py times it).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

pytestmark = pytest.mark.django_db

PASSWORD = "Werkbank-Fräse-2026"


@pytest.fixture
def hashing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every password hash computed (each hasher's ``encode``)."""
    calls: list[str] = []
    for path in settings.PASSWORD_HASHERS:
        hasher = import_string(path)
        original = hasher.encode

        def encode(self: Any, password: str, salt: str, *args: Any, _o: Any = original) -> str:
            calls.append(self.algorithm)
            return _o(self, password, salt, *args)

        monkeypatch.setattr(hasher, "encode", encode)
    return calls


def hashes_for(calls: list[str], action: Any) -> tuple[int, Any]:
    before = len(calls)
    result = action()
    return len(calls) - before, result


def register(client: Client, email: str) -> Any:
    return client.post(
        reverse("accounts:register"),
        {
            "email": email,
            "first_name": "Anna",
            "last_name": "Berger",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_privacy": "on",
        },
    )


def test_registering_a_taken_address_costs_what_a_new_one_costs(hashing: list[str]) -> None:
    get_user_model().objects.create_user("rita@beispiel-werk.de", "rita@beispiel-werk.de", "x")
    new, new_response = hashes_for(hashing, lambda: register(Client(), "anna@beispiel-werk.de"))
    taken, taken_response = hashes_for(hashing, lambda: register(Client(), "rita@beispiel-werk.de"))
    assert new == taken == 1
    # The same answer, and one email each: one says how to sign in instead.
    assert new_response.status_code == taken_response.status_code == 302
    assert new_response["Location"] == taken_response["Location"]
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["anna@beispiel-werk.de", "rita@beispiel-werk.de"]


def test_sign_in_costs_the_same_whoever_the_address_belongs_to(hashing: list[str]) -> None:
    users = get_user_model().objects
    users.create_user("aktiv@beispiel-werk.de", "aktiv@beispiel-werk.de", PASSWORD)
    register(Client(), "neu@beispiel-werk.de")  # registered, not confirmed
    attempts = {
        "unknown address": ("niemand@beispiel-werk.de", "falsch-falsch-2026"),
        "wrong password": ("aktiv@beispiel-werk.de", "falsch-falsch-2026"),
        "unconfirmed, wrong password": ("neu@beispiel-werk.de", "falsch-falsch-2026"),
        "unconfirmed, right password": ("neu@beispiel-werk.de", PASSWORD),
        "right password": ("aktiv@beispiel-werk.de", PASSWORD),
    }
    counts, pages = {}, {}
    for name, (email, password) in attempts.items():
        counts[name], response = hashes_for(
            hashing,
            lambda e=email, p=password: Client().post(
                reverse("accounts:login"), {"email": e, "password": p}
            ),
        )
        pages[name] = response.content.decode() if response.status_code == 400 else ""
    assert set(counts.values()) == {1}, counts
    # A wrong password says the same for an unknown and an unconfirmed address.
    refusal = "stimmen mit keinem Konto überein"
    assert refusal in pages["unknown address"]
    assert refusal in pages["unconfirmed, wrong password"]
    assert "nicht bestätigt" in pages["unconfirmed, right password"]
