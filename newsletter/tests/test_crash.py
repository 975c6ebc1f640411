"""Exactly once after a crash: a sending worker (``manage.py send_newsletter`` in its own
process) is killed with SIGKILL in the middle of an issue, a second run completes it,
and every subscriber has received exactly one mail on a real SMTP server on loopback,
with the unsubscribe headers and both parts.

The worker runs in its own database (a fresh SQLite file, or a fresh PostgreSQL
database beside the test database), because the test's own database is a transaction
no other process sees."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from messaging.testing import free_port

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 20
STALL_AT = 8  # the server takes the 8th mail and then keeps the sender waiting

SET_UP = """
from django.utils import timezone
from newsletter.models import IssueItem, NewsletterIssue, Subscriber
for n in range(COUNT):
    Subscriber.objects.create(email=f"leser{n:02d}@beispiel.de", status="confirmed",
                              confirmed_at=timezone.now())
issue = NewsletterIssue.objects.create(subject="Neues aus dem Cluster", intro="Hallo")
IssueItem.objects.create(issue=issue, title="Gesuch: Drehteile", url="https://portal.example/g/1/")
print(issue.pk)
""".replace("COUNT", str(SUBSCRIBERS))

STATE = """
import json
from newsletter.models import Delivery, NewsletterIssue
from newsletter.services import figures
issue = NewsletterIssue.objects.get()
f = figures(issue)
print(json.dumps({"deliveries": Delivery.objects.count(), "status": issue.status,
                  "sent": f.sent, "unknown": f.unknown, "waiting": f.waiting}))
"""


class StallingInbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        if len(self.envelopes) == STALL_AT:
            await asyncio.sleep(60)  # the worker is killed while it waits for the answer
        return "250 Message accepted for delivery"


@pytest.fixture
def worker_database(tmp_path: Path) -> Iterator[str]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    name = f"{db['NAME']}_worker"[:63]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    import psycopg

    admin = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def manage(env: dict[str, str], *args: str, timeout: int = 240) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_a_killed_worker_and_a_restart_send_each_subscriber_exactly_one_mail(
    worker_database: str, tmp_path: Path
) -> None:
    inbox = StallingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {
        **os.environ,
        "DATABASE_URL": worker_database,
        "DATA_DIR": str(tmp_path / "data"),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "EMAIL_TIMEOUT": "120",
        "PORTAL_URL": "https://portal.example",
        "MESSAGING_RATE_PER_MINUTE": "0",
        "NEWSLETTER_BATCH_SIZE": "5",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    try:
        manage(env, "migrate", "-v0")
        issue_id = last_line(manage(env, "shell", "-c", SET_UP))

        worker = subprocess.Popen(
            [sys.executable, "manage.py", "send_newsletter", "--issue", issue_id, "--wait"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(inbox.envelopes) < STALL_AT and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker ended before the test could kill it"
            time.sleep(0.1)
        assert len(inbox.envelopes) == STALL_AT
        time.sleep(0.5)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

        middle = json.loads(last_line(manage(env, "shell", "-c", STATE)))
        # Killed half-way: part of the issue written, part sent, one mail in the air.
        assert 0 < middle["deliveries"] < SUBSCRIBERS
        assert middle["status"] == "sending"
        assert middle["sent"] == STALL_AT - 1

        # The restart (cron's run) finds the one the worker was handing over: its
        # outcome is unknown, so it is reported and not sent again.
        output = manage({**env, "MESSAGING_SENDING_TIMEOUT": "0"}, "send_newsletter", "--wait")
        assert "unknown outcome" in output

        final = json.loads(last_line(manage(env, "shell", "-c", STATE)))
        assert final == {
            "deliveries": SUBSCRIBERS,
            "status": "sent",
            "sent": SUBSCRIBERS - 1,
            "unknown": 1,
            "waiting": 0,
        }
    finally:
        controller.stop()

    received = Counter(r for e in inbox.envelopes for r in e.rcpt_tos)
    assert received == Counter({f"leser{n:02d}@beispiel.de": 1 for n in range(SUBSCRIBERS)})
    for envelope in inbox.envelopes:
        parsed: Any = message_from_bytes(envelope.content, policy=policy.default)
        assert str(parsed["List-Unsubscribe"]).strip().startswith("<https://portal.example/")
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "Gesuch: Drehteile" in parsed.get_body(("plain",)).get_content()
        assert "Gesuch: Drehteile" in parsed.get_body(("html",)).get_content()
    assert connection.vendor in ("sqlite", "postgresql")
