"""The outbox holds personal data too: the data download lists it, deleting the account
deletes it, retention clears old mail (suppressions stay)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from core.testing import sign_in
from messaging import services as outbox
from messaging.choices import MailList, Status, SuppressionReason
from messaging.models import Message, Suppression

pytestmark = pytest.mark.django_db

PASSWORD = "Werkbank-Fräse-2026"


@pytest.fixture
def member(django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("mia@beispiel.de", "mia@beispiel.de", PASSWORD)
    Account.objects.create(user=user, email_verified_at=timezone.now())
    return user


def write(to: str, key: str) -> Message:
    return outbox.enqueue(
        to=to,
        subject="Ihr Code",
        template="messaging/email/notice",
        context={"text": "Code 123456"},
        key=key,
        category=MailList.PROFILE_REMINDERS,
    )


def test_the_data_download_lists_the_emails_without_their_codes(
    client: Client, member: Any
) -> None:
    write("mia@beispiel.de", "a")
    write("jemand@anders.de", "b")
    sign_in(client, member)
    data = json.loads(client.get(reverse("accounts:data-download")).content)
    assert [e["subject"] for e in data["emails"]] == ["Clusterportal: Ihr Code"]
    assert "123456" not in json.dumps(data["emails"])


def test_deleting_the_account_deletes_its_mail_but_keeps_its_unsubscribes(
    client: Client, member: Any
) -> None:
    write("mia@beispiel.de", "a")
    write("jemand@anders.de", "b")
    outbox.suppress("mia@beispiel.de", MailList.PROFILE_REMINDERS, SuppressionReason.UNSUBSCRIBE)
    sign_in(client, member)
    assert client.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code == 302
    assert list(Message.objects.values_list("to", flat=True)) == ["jemand@anders.de"]
    assert Suppression.objects.filter(address="mia@beispiel.de").exists()


def test_retention_deletes_old_finished_mail_and_keeps_unknown_and_recent(settings: Any) -> None:
    old = timezone.now() - datetime.timedelta(days=settings.RETENTION_MESSAGES_DAYS + 1)
    for key, status in [("sent", Status.SENT), ("unknown", Status.UNKNOWN)]:
        Message.objects.filter(pk=write("a@b.de", key).pk).update(status=status, modified=old)
    write("a@b.de", "recent")
    call_command("apply_retention", verbosity=0)
    assert sorted(Message.objects.values_list("key", flat=True)) == ["recent", "unknown"]
