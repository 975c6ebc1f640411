"""Helpers for the test suite."""

from __future__ import annotations

from typing import Any

# Apps a transactional test (live server, browser) may flush: everything but the
# reference data, which the session imported once (see the root conftest.py).
TRANSACTIONAL_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "messaging",
    "directory",
    "accounts",
]


def sign_in(client: Any, user: Any) -> None:
    """Log ``user`` in on a test client as the login page would, second factor included.

    Staff accounts need a verified one-time code (``accounts.middleware``); this gives
    the user a confirmed authenticator and marks the session as verified with it, so
    that tests of other pages need not type codes. The login itself is tested in
    ``accounts/tests``.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
