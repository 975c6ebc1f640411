"""The back office around sending: an editor composes and sends, a sent issue stays as
it was sent, and a worker backend writes one batch per task run."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.roles import EDITOR
from accounts.services import grant_role
from core.testing import sign_in
from messaging.models import Message
from newsletter import tasks
from newsletter.choices import IssueStatus, SubscriberStatus
from newsletter.models import NewsletterIssue, Subscriber

pytestmark = pytest.mark.django_db


def editor() -> Client:
    user = User.objects.create_user("rita", "rita@agentur.example", "x" * 16, is_staff=True)
    grant_role(user, EDITOR)
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    sign_in(client, user)
    return client


def test_an_editor_composes_and_sends_but_does_not_see_subscribers(
    django_capture_on_commit_callbacks: Any,
) -> None:
    Subscriber.objects.create(
        email="a@beispiel.de", status=SubscriberStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    client = editor()
    response = client.post(
        "/admin/newsletter/newsletterissue/add/",
        {
            "subject": "Dezember",
            "intro": "Hallo",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-position": "1",
            "items-0-title": "Gesuch: Drehteile",
            "items-0-url": "https://portal.example/gesuche/1/",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    issue = NewsletterIssue.objects.get()
    assert issue.items.get().title == "Gesuch: Drehteile"
    confirm = client.get(f"/admin/newsletter/newsletterissue/{issue.pk}/send/")
    assert "an 1 bestätigte(n) Abonnenten senden" in confirm.content.decode()
    assert issue.status == IssueStatus.DRAFT  # asking changed nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/newsletter/newsletterissue/{issue.pk}/send/")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert Message.objects.filter(key__startswith=f"newsletter:{issue.pk}:").count() == 1
    # What was sent stays as it was sent.
    client.post(f"/admin/newsletter/newsletterissue/{issue.pk}/change/", {"subject": "Anders"})
    issue.refresh_from_db()
    assert issue.subject == "Dezember"
    assert client.post(f"/admin/newsletter/newsletterissue/{issue.pk}/fill/").status_code == 403
    assert client.get("/admin/newsletter/subscriber/").status_code == 403


def test_a_worker_backend_writes_one_batch_per_run(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(3):
        Subscriber.objects.create(
            email=f"p{n}@beispiel.de",
            status=SubscriberStatus.CONFIRMED,
            confirmed_at=timezone.now(),
        )
    issue = NewsletterIssue.objects.create(subject="Dezember", status=IssueStatus.SENDING)
    assert tasks.send_issue.call(issue.pk) == f"wrote 2 mail(s) of issue {issue.pk}"
    backend: Any = tasks.send_issue.get_backend()
    assert [r.args for r in backend.results if r.task.name == "send_issue"] == [[issue.pk]]
    assert tasks.send_issue.call(issue.pk) == f"wrote 1 mail(s) of issue {issue.pk}"
    assert tasks.send_issue.call(issue.pk) == f"wrote 0 mail(s) of issue {issue.pk}"
    assert NewsletterIssue.objects.get().status == IssueStatus.SENT
