"""Staff sign in with a one-time code from an authenticator app (TOTP), always.

The codes are computed here as an authenticator app computes them (RFC 6238).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import views

pytestmark = pytest.mark.django_db

PASSWORD = "Werkbank-Fräse-2026"
LOGIN = reverse("accounts:login")
CODE = reverse("accounts:second-factor")
ADMIN = reverse("admin:index")


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an app shows now (or ``steps_ahead`` 30-second steps later)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead)
    return str(value).zfill(device.digits)


@pytest.fixture
def editor(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        "eva@agentur.example", "eva@agentur.example", PASSWORD, is_staff=True, is_superuser=True
    )


def password_step(client: Client, user: Any, next_url: str = ADMIN) -> Any:
    return client.post(f"{LOGIN}?next={next_url}", {"email": user.email, "password": PASSWORD})


def test_first_staff_login_sets_up_the_app_and_then_needs_its_code(
    client: Client, editor: Any
) -> None:
    after_password = password_step(client, editor)
    assert after_password["Location"] == CODE
    # The password alone signs nobody in.
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN)["Location"].startswith("/admin/login/")

    setup = client.get(CODE)
    html = setup.content.decode()
    assert "QR-Code" in html and "<svg" in html
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', html)
    assert secret and len(secret.group(1).replace(" ", "")) >= 32

    wrong = client.post(CODE, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "nicht gültig" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    device.refresh_from_db()
    device.throttle_reset()
    used = code_for(device)
    confirmed = client.post(CODE, {"code": used})
    assert confirmed["Location"] == reverse("accounts:recovery-codes")
    codes_page = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", codes_page)
    assert len(codes) == 10
    # Shown once only.
    assert client.get(reverse("accounts:recovery-codes"))["Location"] == reverse("accounts:account")
    assert client.get(ADMIN).status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    # The staff session is the short one.
    session = Session.objects.get()
    remaining = (session.expire_date - timezone.now()).total_seconds()
    from django.conf import settings

    assert settings.STAFF_SESSION_AGE - 60 < remaining <= settings.STAFF_SESSION_AGE

    # Next time: the code, no new set-up; a code already used does not work again.
    client.post(reverse("accounts:logout"))
    password_step(client, editor)
    again = client.get(CODE).content.decode()
    assert "<svg" not in again
    # The very code used at set-up (a new 30-second step would give a fresh, valid one).
    reused = client.post(CODE, {"code": used})
    assert reused.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a second
    later = client.post(CODE, {"code": code_for(device, steps_ahead=1)})
    assert later["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200

    # A recovery code instead of the app: once.
    client.post(reverse("accounts:logout"))
    password_step(client, editor)
    recovered = client.post(CODE, {"code": codes[0]})
    assert recovered.status_code == 302, recovered.content.decode()[-3000:]
    assert recovered["Location"] == ADMIN
    client.post(reverse("accounts:logout"))
    password_step(client, editor)
    assert client.post(CODE, {"code": codes[0]}).status_code == 400


def test_the_code_step_expires_and_needs_the_password_first(
    client: Client, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get(CODE)["Location"] == LOGIN
    password_step(client, editor)
    started = time.time()
    monkeypatch.setattr(views.time, "time", lambda: started + views.PENDING_SECONDS + 1)
    assert client.get(CODE)["Location"] == LOGIN


def test_guessing_codes_is_slowed_down(client: Client, editor: Any) -> None:
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    password_step(client, editor)
    for _ in range(3):
        client.post(CODE, {"code": "123456"})
    # After failures the device refuses even the right code for a while.
    refused = client.post(CODE, {"code": code_for(device)})
    assert refused.status_code == 400
    assert "Zu viele falsche Codes" in refused.content.decode()


def test_a_staff_session_without_a_verified_code_is_ended(
    client: Client, django_user_model: Any
) -> None:
    member = django_user_model.objects.create_user("max@example.org", "max@example.org", PASSWORD)
    client.post(LOGIN, {"email": member.email, "password": PASSWORD})
    assert client.get(reverse("accounts:account")).status_code == 200
    # Made staff while signed in: the next request ends the session.
    member.is_staff = True
    member.save()
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_the_back_office_login_is_the_portal_login(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/directory/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/directory/"
    # The back office sends a visitor to its login address, which leads here.
    assert client.get(ADMIN)["Location"] == "/admin/login/?next=/admin/"
