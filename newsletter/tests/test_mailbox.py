"""The mailbox reader: DSN bounce reports and ARF complaints in a Maildir or mbox
become bounces, suppressions and soft-bounce counts; a mail is read once."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from messaging.models import Suppression
from newsletter.models import Bounce

pytestmark = pytest.mark.django_db


def dsn(address: str, action: str, status: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example\r\nTo: bounces@agentur.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; {address}\r\nAction: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"To: {address}\r\nSubject: Neues aus dem Cluster\r\n\r\n--B--\r\n"
    ).encode()


def arf(address: str) -> bytes:
    return (
        "From: fbl@provider.example\r\nTo: abuse@agentur.example\r\nSubject: complaint\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="F"\r\n\r\n'
        "--F\r\nContent-Type: text/plain\r\n\r\nA complaint about a message.\r\n"
        "--F\r\nContent-Type: message/feedback-report\r\n\r\n"
        "Feedback-Type: abuse\r\nUser-Agent: FBL/1.0\r\nVersion: 1\r\n\r\n"
        "--F\r\nContent-Type: message/rfc822\r\n\r\n"
        f"From: portal@agentur.example\r\nTo: {address}\r\nSubject: Neues\r\n\r\nHallo\r\n"
        "--F--\r\n"
    ).encode()


def plain() -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = "Abwesenheitsnotiz"
    mail.set_content("Ich bin im Urlaub.")
    return mail


def test_a_maildir_is_read_once(tmp_path: Path, settings: Any) -> None:
    settings.NEWSLETTER_SOFT_BOUNCE_LIMIT = 3
    box = mailbox.Maildir(tmp_path / "bounces")
    box.add(dsn("weg@beispiel.de", "failed", "5.1.1"))
    box.add(dsn("voll@beispiel.de", "delayed", "4.2.2"))
    box.add(arf("genervt@beispiel.de"))
    box.add(plain())
    call_command("read_bounces", str(tmp_path / "bounces"))
    kinds = dict(Bounce.objects.values_list("email", "kind"))
    assert kinds == {
        "weg@beispiel.de": "hard",
        "voll@beispiel.de": "soft",
        "genervt@beispiel.de": "complaint",
    }
    suppressed = dict(Suppression.objects.values_list("address", "reason"))
    assert suppressed == {"weg@beispiel.de": "bounce", "genervt@beispiel.de": "complaint"}
    call_command("read_bounces", str(tmp_path / "bounces"))  # nothing new: nothing twice
    assert Bounce.objects.count() == 3


def test_an_mbox_is_emptied_with_delete(tmp_path: Path) -> None:
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(path)
    box.add(dsn("weg@beispiel.de", "failed", "5.1.1"))
    box.flush()
    box.close()
    call_command("read_bounces", str(path), "--delete")
    assert Bounce.objects.get().kind == "hard"
    assert len(mailbox.mbox(path)) == 0
