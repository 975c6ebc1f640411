"""The outbox as an operator sees it: what arrives, what is retried, what is reported."""

from __future__ import annotations

import email
import logging
import smtplib
from datetime import timedelta
from email import policy
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from messaging import services
from messaging.choices import MailList, Status, SuppressionReason
from messaging.models import Message, Suppression
from messaging.tasks import send_queued_mail

from .backends import Crash, FailingBackend

pytestmark = pytest.mark.django_db

NOTICE = "messaging/email/notice"


def write(key: str | None = None, to: str = "ute@beispiel-werk.de", **kwargs: Any) -> Message:
    return services.enqueue(
        to=to,
        subject=kwargs.pop("subject", "Ihre Nachricht"),
        template=NOTICE,
        context={"text": kwargs.pop("text", "Guten Tag & willkommen"), "link": ""},
        key=key,
        **kwargs,
    )


@pytest.fixture
def failing(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "messaging.tests.backends.FailingBackend"
    FailingBackend.script = []
    yield FailingBackend
    FailingBackend.script = []


def test_a_message_written_in_a_committed_transaction_arrives_with_text_and_html(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write("welcome:1")
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(mail.outbox) == 1
    raw = mail.outbox[0].message().as_bytes()
    received = email.message_from_bytes(raw, policy=policy.default)
    assert received["To"] == "ute@beispiel-werk.de"
    assert received["Subject"].endswith("Ihre Nachricht")
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None and "Guten Tag & willkommen" in text.get_content()
    assert html is not None and "Guten Tag &amp; willkommen" in html.get_content()
    message = Message.objects.get(key="welcome:1")
    assert message.status == Status.SENT and message.sent_at is not None


def test_the_same_key_twice_is_one_message(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = write("claim-decided:7", text="erste Fassung")
        second = write("claim-decided:7", text="zweite Fassung")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "erste Fassung" in str(mail.outbox[0].body)


def test_a_long_key_is_shortened_and_still_unique() -> None:
    address = "a" * 60 + "@" + "b" * 60 + ".example"
    first = write(f"reverify:1:2026-12-06T05:00:00+00:00:{address}", to=address)
    again = write(f"reverify:1:2026-12-06T05:00:00+00:00:{address}", to=address)
    other = write(f"reverify:1:2026-12-06T05:00:00+00:00:x{address}", to="x" + address)
    assert first.pk == again.pk != other.pk
    assert len(first.key) <= 200


def test_a_rolled_back_cause_leaves_no_message(django_capture_on_commit_callbacks: Any) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        write("doomed:1")
        raise RuntimeError("the change failed")
    assert not Message.objects.exists()
    assert callbacks == []
    assert mail.outbox == []


def test_temporary_errors_are_retried_with_growing_pauses_then_fail(
    failing: Any, settings: Any
) -> None:
    settings.MESSAGING_MAX_ATTEMPTS = 3
    settings.MESSAGING_RETRY_SECONDS = 60
    failing.script = [
        smtplib.SMTPResponseException(451, b"try again later"),
        smtplib.SMTPServerDisconnected("connection lost"),
        ConnectionRefusedError(111, "refused"),
    ]
    message = write("retry:1")
    now = timezone.now()

    report = services.send_due(now)
    message.refresh_from_db()
    assert (report.retried, message.status, message.attempts) == (1, Status.QUEUED, 1)
    assert "451" in message.last_error
    assert message.next_attempt == now + timedelta(seconds=60)
    assert services.send_due(now + timedelta(seconds=30)).retried == 0  # not due yet

    services.send_due(now + timedelta(seconds=61))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 2)
    assert message.next_attempt == now + timedelta(seconds=61 + 120)

    report = services.send_due(now + timedelta(seconds=400))
    message.refresh_from_db()
    assert (report.failed, message.status, message.attempts) == (1, Status.FAILED, 3)
    assert "refused" in message.last_error
    assert mail.outbox == []


def test_a_worker_comes_back_when_the_retry_is_due(failing: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    failing.script = [smtplib.SMTPResponseException(451, b"try again later")]
    write("retry:3")
    send_queued_mail.call()
    message = Message.objects.get()
    assert message.status == Status.QUEUED
    deferred = send_queued_mail.get_backend().results  # type: ignore[attr-defined]
    assert [r.task.run_after for r in deferred] == [message.next_attempt]


def test_a_temporary_error_then_success_delivers_once(failing: Any) -> None:
    failing.script = [smtplib.SMTPResponseException(421, b"busy")]
    write("retry:2")
    now = timezone.now()
    services.send_due(now)
    services.send_due(now + timedelta(minutes=5))
    services.send_due(now + timedelta(minutes=10))
    assert len(mail.outbox) == 1
    assert Message.objects.get().status == Status.SENT


def test_a_refused_recipient_fails_at_once_and_is_suppressed_as_a_bounce(failing: Any) -> None:
    failing.script = [
        smtplib.SMTPRecipientsRefused({"weg@beispiel-werk.de": (550, b"no such user")})
    ]
    write("bounce:1", to="weg@beispiel-werk.de")
    report = services.send_due()
    assert report.failed == 1
    assert Message.objects.get().status == Status.FAILED
    entry = Suppression.objects.get(address="weg@beispiel-werk.de")
    assert (entry.list_name, entry.reason) == ("", SuppressionReason.BOUNCE)

    write("bounce:2", to="weg@beispiel-werk.de")
    assert services.send_due().suppressed == 1
    assert mail.outbox == []


def test_a_crash_while_sending_is_reported_as_unknown_and_never_resent(
    failing: Any, settings: Any, caplog: Any
) -> None:
    settings.MESSAGING_SENDING_TIMEOUT = 600
    failing.script = [Crash()]
    message = write("password-reset:9")
    now = timezone.now()
    with pytest.raises(Crash):
        services.send_due(now)
    message.refresh_from_db()
    assert message.status == Status.SENDING  # committed before the server was asked

    # A run while the first may still be talking to the server leaves it alone.
    assert services.send_due(now + timedelta(seconds=60)).new_unknown == []

    later = now + timedelta(seconds=601)
    with caplog.at_level(logging.WARNING, logger="messaging.services"):
        report = services.send_due(later)
    message.refresh_from_db()
    assert message.status == Status.UNKNOWN
    assert report.new_unknown == [message.pk] and report.unknown == 1
    assert "unknown outcome" in caplog.text
    assert mail.outbox == []

    out, err = StringIO(), StringIO()
    call_command("send_queued_mail", stdout=out, stderr=err)
    assert "1 message(s) with unknown outcome" in out.getvalue()
    assert "unknown outcome" in err.getvalue()
    assert mail.outbox == []  # still not sent again
    assert services.unknown_count() == 1


def test_staff_see_unknown_messages_and_resend_them_explicitly(admin_client: Client) -> None:
    message = write("unknown:1")
    Message.objects.filter(pk=message.pk).update(status=Status.UNKNOWN, attempts=1)
    changelist = reverse("admin:messaging_message_changelist")
    listed = admin_client.get(changelist, {"status__exact": Status.UNKNOWN})
    assert "ute@beispiel-werk.de" in listed.content.decode()

    detail = admin_client.get(reverse("admin:messaging_message_change", args=[message.pk]))
    assert "Guten Tag &amp; willkommen" in detail.content.decode()  # staff read what it said
    answer = admin_client.post(
        changelist, {"action": "resend", "_selected_action": [message.pk]}, follow=True
    )
    assert answer.status_code == 200
    message.refresh_from_db()
    assert message.status in (Status.QUEUED, Status.SENT)
    services.send_due()
    assert len(mail.outbox) == 1
    assert Message.objects.get().status == Status.SENT


def test_the_rate_holds_back_what_is_over_it(settings: Any) -> None:
    settings.MESSAGING_RATE_PER_MINUTE = 2
    for n in range(3):
        write(f"rate:{n}")
    report = services.send_due()
    assert (report.sent, report.held_back) == (2, 1)
    assert len(mail.outbox) == 2
    report = services.send_due(timezone.now() + timedelta(seconds=61))
    assert report.sent == 1
    assert len(mail.outbox) == 3


def test_unsubscribes_stop_their_list_but_not_transaction_mail() -> None:
    services.suppress(
        "ute@beispiel-werk.de", MailList.REVIEW_NOTICES, SuppressionReason.UNSUBSCRIBE
    )
    write("list:1", category=MailList.REVIEW_NOTICES)
    write("list:2", category=MailList.PROFILE_REMINDERS)
    write("transaction:1")
    report = services.send_due()
    assert (report.sent, report.suppressed) == (2, 1)
    assert Message.objects.get(key="list:1").status == Status.SUPPRESSED
    assert sorted(m.subject for m in mail.outbox) == ["Clusterportal: Ihre Nachricht"] * 2


def test_a_complaint_stops_every_mail_to_the_address() -> None:
    services.suppress("ute@beispiel-werk.de", "", SuppressionReason.COMPLAINT)
    write("transaction:2")
    write("list:3", category=MailList.PROFILE_REMINDERS)
    assert services.send_due().suppressed == 2
    assert mail.outbox == []


def test_list_unsubscribe_headers_only_on_list_mail() -> None:
    write("transaction:3")
    write("list:4", category=MailList.PROFILE_REMINDERS)
    services.send_due()
    by_kind = {
        "List-Unsubscribe" in m.extra_headers: m for m in mail.outbox
    }  # True: list mail, False: transaction mail
    assert set(by_kind) == {True, False}
    list_mail = by_kind[True]
    assert list_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert list_mail.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/abmelden/" in list_mail.extra_headers["List-Unsubscribe"]
    assert "List-Unsubscribe-Post" not in by_kind[False].extra_headers
    assert "/abmelden/" in str(list_mail.body)  # and a visible link in the text


def test_one_click_unsubscribe_needs_no_csrf_token_and_is_idempotent(settings: Any) -> None:
    write("list:5", category=MailList.PROFILE_REMINDERS)
    services.send_due()
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = header.strip("<>").split(settings.PORTAL_URL, 1)[1]
    client = Client(enforce_csrf_checks=True)

    page = client.get(path)
    assert page.status_code == 200
    assert b'type="submit"' in page.content
    assert not Suppression.objects.exists()  # a link scanner's GET unsubscribes nobody

    for _try in range(2):
        answer = client.post(path, {"List-Unsubscribe": "One-Click"})
        assert answer.status_code == 200
    entry = Suppression.objects.get()
    assert (entry.address, entry.list_name, entry.reason) == (
        "ute@beispiel-werk.de",
        MailList.PROFILE_REMINDERS,
        SuppressionReason.UNSUBSCRIBE,
    )
    write("list:6", category=MailList.PROFILE_REMINDERS)
    assert services.send_due().suppressed == 1


def test_a_forged_unsubscribe_link_changes_nothing() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/abmelden/nicht-echt/").status_code == 404
    token = services.unsubscribe_token("ute@beispiel-werk.de", MailList.TRANSACTIONAL)
    assert client.post(f"/abmelden/{token}/").status_code == 404
    assert not Suppression.objects.exists()


def test_an_unknown_list_or_a_broken_address_is_refused_when_writing() -> None:
    with pytest.raises(ValueError, match="Unknown mailing list"):
        write("x:1", category="newsletter-typo")
    for address in ["", "a@b.de, c@d.de", "kein-at"]:
        with pytest.raises(ValueError, match="one recipient address"):
            write("x:2", to=address)
    assert not Message.objects.exists()


def test_a_line_break_in_the_subject_does_not_stop_the_mail() -> None:
    write("subject:1", subject="Profil von Müller\nGmbH")
    services.send_due()
    assert mail.outbox[0].subject == "Clusterportal: Profil von Müller GmbH"
