"""Continue sending newsletter issues: compose what is left (batch by batch) and hand it
to the outbox. Cron runs it every few minutes as the safety net of the task; with
``--issue`` it starts a draft first, with ``--wait`` it stays until every mail of the
issues being sent has left (respecting the outbox's rate)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from messaging import services as outbox
from messaging.choices import Status
from messaging.models import Message

from ... import services
from ...choices import IssueStatus
from ...models import Delivery, NewsletterIssue


class Command(BaseCommand):
    help = "Compose and send what is left of newsletter issues being sent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--issue", type=int, help="Start this draft issue first.")
        parser.add_argument(
            "--wait", action="store_true", help="Stay until every mail has left the outbox."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        issue_id = options["issue"]
        if issue_id is not None:
            issue = NewsletterIssue.objects.filter(pk=issue_id).first()
            if issue is None:
                raise CommandError(f"There is no newsletter issue {issue_id}.")
            if issue.status == IssueStatus.DRAFT:
                NewsletterIssue.objects.filter(pk=issue.pk).update(
                    status=IssueStatus.SENDING, send_started=timezone.now()
                )
        written = services.continue_sending(issue_id)
        self.stdout.write(f"wrote {written} newsletter mail(s)")
        report = outbox.send_due()
        self.stdout.write(str(report))
        while options["wait"] and self._waiting(issue_id):
            time.sleep(1)
            report = outbox.send_due()
            self.stdout.write(str(report))

    def _waiting(self, issue_id: int | None) -> bool:
        deliveries = Delivery.objects.all()
        if issue_id is not None:
            deliveries = deliveries.filter(issue_id=issue_id)
        return Message.objects.filter(
            pk__in=deliveries.values("message_id"), status=Status.QUEUED
        ).exists()
