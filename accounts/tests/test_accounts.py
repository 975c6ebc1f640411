"""Registration, email verification, login, throttling, password reset, sessions.

Every flow goes through real requests on the test client; emails land in Django's
test outbox (``test_smtp.py`` sends them through a real SMTP server).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.consents import PRIVACY_CONSENT
from accounts.models import ConsentRecord, LoginFailure
from accounts.services import verification_tokens

pytestmark = pytest.mark.django_db

PASSWORD = "Werkbank-Fräse-2026"
REGISTER = reverse("accounts:register")
LOGIN = reverse("accounts:login")
ACCOUNT = reverse("accounts:account")


def register(client: Client, **overrides: Any) -> Any:
    data = {
        "email": "Anna.Berger@Beispiel-Werk.de",
        "first_name": "Anna",
        "last_name": "Berger",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_privacy": "on",
    }
    data.update(overrides)
    return client.post(REGISTER, data)


def link_in(message: Any) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return found.group(0)


def login(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"email": email, "password": password})


def test_registration_sends_a_link_that_activates_the_account(client: Client) -> None:
    response = register(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register-sent")
    assert "anna.berger@beispiel-werk.de" in client.get(response["Location"]).content.decode()

    user = get_user_model().objects.get(email="anna.berger@beispiel-werk.de")
    assert not user.is_active
    assert user.check_password(PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna.berger@beispiel-werk.de"]
    assert "confirm" in mail.outbox[0].subject.lower() or "bestätigen" in mail.outbox[0].subject

    # Not verified yet: the password alone does not sign in, and says why.
    refused = login(client, "anna.berger@beispiel-werk.de")
    assert refused.status_code == 400
    assert "bestätigt" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    # Opening the link changes nothing (mail scanners open links); the password does.
    link = link_in(mail.outbox[0])
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    wrong = client.post(link, {"password": "nicht-meins-2026"})
    assert wrong.status_code == 400
    assert not get_user_model().objects.get(pk=user.pk).is_active
    confirmed = client.post(link, {"password": PASSWORD})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == ACCOUNT
    user.refresh_from_db()
    assert user.is_active
    assert user.account.email_verified_at is not None
    # Used once: the link does not work again.
    assert Client().get(link).status_code == 400

    client.post(reverse("accounts:logout"))
    signed_in = login(client, "ANNA.BERGER@beispiel-werk.de ")
    assert signed_in.status_code == 302
    page = client.get(ACCOUNT).content.decode()
    assert "anna.berger@beispiel-werk.de" in page
    assert "Anna Berger" in page


def test_registration_records_the_consent_with_its_wording_and_version(client: Client) -> None:
    register(client)
    consent = ConsentRecord.objects.get(user__email="anna.berger@beispiel-werk.de")
    assert consent.purpose == "privacy"
    assert consent.granted
    assert consent.text_version == PRIVACY_CONSENT.version
    assert consent.text == str(PRIVACY_CONSENT.text)
    assert consent.source == "registration form"
    assert timezone.now() - consent.created < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "kein-at-zeichen"}, "email", "gültige E-Mail-Adresse"),
        ({"password2": "Anders-2026-Fräse"}, "password2", "unterscheiden sich"),
        ({"password1": "kurz-1", "password2": "kurz-1"}, "password1", "zu kurz"),
        ({"password1": "ichliebedich", "password2": "ichliebedich"}, "password1", "zu üblich"),
        (
            {"password1": "anna.berger@beispiel", "password2": "anna.berger@beispiel"},
            "password1",
            "zu ähnlich",
        ),
        (
            {"password1": "123456789012345", "password2": "123456789012345"},
            "password1",
            "komplett numerisch",
        ),
        ({"accept_privacy": ""}, "accept_privacy", "zwingend erforderlich"),
    ],
)
def test_registration_says_what_is_wrong_and_creates_nothing(
    client: Client, overrides: dict[str, str], field: str, message: str
) -> None:
    response = register(client, **overrides)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field]), form.errors[field]
    # The message is shown at its field, which points to it for screen readers.
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert not get_user_model().objects.exists()
    assert not mail.outbox


def test_a_taken_address_gets_an_email_not_a_second_account(client: Client) -> None:
    register(client)
    client.post(link_in(mail.outbox[0]), {"password": PASSWORD})
    client.post(reverse("accounts:logout"))
    mail.outbox.clear()
    again = register(client, first_name="Mallory")
    # The page is the same as for a new address: nobody learns who is registered.
    assert again.status_code == 302
    assert again["Location"] == reverse("accounts:register-sent")
    assert get_user_model().objects.count() == 1
    assert get_user_model().objects.get().first_name == "Anna"
    assert len(mail.outbox) == 1
    assert "already has an account" in mail.outbox[0].body or "bereits" in mail.outbox[0].body


def test_an_expired_or_tampered_link_is_refused_and_a_new_one_can_be_sent(
    client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    register(client)
    link = link_in(mail.outbox[0])
    real_now = verification_tokens._now
    monkeypatch.setattr(
        verification_tokens,
        "_now",
        lambda: real_now() + timedelta(days=settings.ACCOUNT_VERIFICATION_DAYS, hours=1),
    )
    expired = client.get(link)
    assert expired.status_code == 400
    assert "abgelaufen" in expired.content.decode()
    monkeypatch.setattr(verification_tokens, "_now", real_now)

    tampered = client.get(link[:-3] + "abc/")
    assert tampered.status_code == 400
    nonsense = client.get(reverse("accounts:verify", args=["xyz", "1-2"]))
    assert nonsense.status_code == 400
    assert not get_user_model().objects.get().is_active

    mail.outbox.clear()
    client.post(reverse("accounts:resend"), {"email": "anna.berger@beispiel-werk.de"})
    assert len(mail.outbox) == 1
    assert client.post(link_in(mail.outbox[0]), {"password": PASSWORD}).status_code == 302
    assert get_user_model().objects.get().is_active


def test_someone_who_registered_an_address_first_cannot_keep_it(client: Client) -> None:
    """Registering another person's address with one's own password must not lead to an
    account the owner later activates with that password."""
    register(client, password1="Angreifer-Pass-2026", password2="Angreifer-Pass-2026")
    attackers_link = link_in(mail.outbox[-1])
    # The owner registers; the address has no confirmed account, so it is registered anew.
    owner = Client()
    register(owner)
    owners_link = link_in(mail.outbox[-1])
    assert get_user_model().objects.count() == 1
    # The first link is void now, and the owner's link wants the owner's password.
    assert owner.get(attackers_link).status_code == 400
    assert owner.post(owners_link, {"password": "Angreifer-Pass-2026"}).status_code == 400
    assert owner.post(owners_link, {"password": PASSWORD}).status_code == 302
    assert login(Client(), "anna.berger@beispiel-werk.de", "Angreifer-Pass-2026").status_code == 400


def test_account_emails_to_one_address_are_limited_per_hour(client: Client, settings: Any) -> None:
    settings.ACCOUNT_EMAILS_PER_HOUR = 3
    register(client)
    for _ in range(5):
        client.post(reverse("accounts:resend"), {"email": "anna.berger@beispiel-werk.de"})
    assert len(mail.outbox) == 3
    page = client.get(reverse("accounts:register-sent")).content.decode()
    assert "mehrere E-Mails" in page


@pytest.fixture
def member(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        "rita@beispiel-werk.de", "rita@beispiel-werk.de", PASSWORD
    )


def test_wrong_passwords_lock_the_address_for_the_window(
    client: Client, member: Any, settings: Any
) -> None:
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        wrong = login(client, member.email, "falsch-falsch-falsch")
        assert wrong.status_code == 400
        assert "stimmen mit keinem Konto überein" in wrong.content.decode()
    locked = login(client, member.email)  # the right password, during the lock
    assert locked.status_code == 429
    assert "Zu viele fehlgeschlagene Versuche" in locked.content.decode()
    assert "15 Minuten" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # The table holds no address in readable form.
    keys = list(LoginFailure.objects.values_list("key", flat=True))
    assert keys and not any("rita" in key or "127.0.0.1" in key for key in keys)

    # When the window has passed, the right password signs in and clears the count.
    LoginFailure.objects.update(created=timezone.now() - timedelta(minutes=16))
    assert login(client, member.email).status_code == 302
    assert client.get(ACCOUNT).status_code == 200


def test_many_failures_from_one_client_lock_it_for_every_address(
    client: Client, member: Any, settings: Any
) -> None:
    settings.LOGIN_FAILURES_PER_IP = 4
    for n in range(4):
        login(client, f"unbekannt{n}@example.org", "irgendwas-irgendwas")
    assert login(client, member.email).status_code == 429
    other_client = Client(REMOTE_ADDR="192.0.2.7")
    assert login(other_client, member.email).status_code == 302


def test_logout_ends_the_session_and_needs_post(client: Client, member: Any) -> None:
    login(client, member.email)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(ACCOUNT).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    gone = client.get(ACCOUNT)
    assert gone.status_code == 302
    assert gone["Location"].startswith(LOGIN)


def test_login_goes_back_to_a_local_next_page_only(client: Client, member: Any) -> None:
    local = client.post(LOGIN + "?next=/suche/", {"email": member.email, "password": PASSWORD})
    assert local["Location"] == "/suche/"
    client.post(reverse("accounts:logout"))
    foreign = client.post(
        LOGIN + "?next=https://evil.example/", {"email": member.email, "password": PASSWORD}
    )
    assert foreign["Location"] == ACCOUNT


def test_sessions_expire(client: Client, member: Any, settings: Any) -> None:
    login(client, member.email)
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < remaining
    assert remaining <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(ACCOUNT).status_code == 302


def test_password_reset_by_email(client: Client, member: Any) -> None:
    start = client.post(reverse("accounts:password-reset"), {"email": "Rita@Beispiel-Werk.de"})
    assert start.status_code == 302
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    target = form_page.redirect_chain[-1][0]

    weak = client.post(target, {"new_password1": "kurz", "new_password2": "kurz"})
    assert weak.status_code == 200
    assert "zu kurz" in weak.content.decode()

    done = client.post(
        target, {"new_password1": "Neue-Drehbank-2027", "new_password2": "Neue-Drehbank-2027"}
    )
    assert done.status_code == 302
    assert login(client, member.email).status_code == 400
    assert login(client, member.email, "Neue-Drehbank-2027").status_code == 302

    client.post(reverse("accounts:logout"))
    reused = client.get(link, follow=True)
    assert "abgelaufen" in reused.content.decode()


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client: Client,
) -> None:
    response = client.post(reverse("accounts:password-reset"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert not mail.outbox


def test_password_change_needs_the_old_password(client: Client, member: Any) -> None:
    login(client, member.email)
    url = reverse("accounts:password-change")
    wrong = client.post(
        url,
        {
            "old_password": "nicht-das-alte-1",
            "new_password1": "Neue-Drehbank-2027",
            "new_password2": "Neue-Drehbank-2027",
        },
    )
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["form"].errors
    ok = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Neue-Drehbank-2027",
            "new_password2": "Neue-Drehbank-2027",
        },
    )
    assert ok.status_code == 302
    # Still signed in after the change (the session hash is updated).
    assert client.get(ACCOUNT).status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_the_client(member: Any, settings: Any) -> None:
    settings.LOGIN_FAILURES_PER_IP = 2
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(2):
        proxy.post(
            LOGIN,
            {"email": f"u{n}@example.org", "password": "x" * 12},
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )
    locked = proxy.post(
        LOGIN, {"email": member.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert locked.status_code == 429
    other = proxy.post(
        LOGIN, {"email": member.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert other.status_code == 302
