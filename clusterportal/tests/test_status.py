"""The operations status page (/admin/status/): staff only, shows the index, the vectors,
the task queue, the outbox and the last backup; the drift check runs on the button."""

from __future__ import annotations

import datetime
import re
import sys
import types
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from accounts.roles import EDITOR
from accounts.services import grant_role
from clusterportal.status import services
from core.choices import AuditAction
from core.models import AuditEntry
from core.testing import TRANSACTIONAL_APPS, sign_in
from core.testing.browser import axe_check, sign_in_with_code
from messaging.choices import Status
from messaging.models import Message
from search.services import rebuild_index

URL = "/admin/status/"
PASSWORD = "Thueringen-2024!"


def staff_client() -> tuple[Client, User]:
    user = User.objects.create_user("betrieb", "betrieb@agentur.example", PASSWORD)
    grant_role(user, EDITOR)
    client = Client()
    sign_in(client, user)
    return client, user


def page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.django_db
def test_the_address_is_the_admin_sites() -> None:
    assert reverse("admin:status") == URL


@pytest.mark.django_db
def test_visitors_and_signed_in_non_staff_are_sent_to_the_login() -> None:
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")

    user = User.objects.create_user("bea", "bea@example.org", PASSWORD)
    client = Client()
    sign_in(client, user)
    refused = client.get(URL)
    assert refused.status_code == 302 and refused["Location"].startswith("/admin/login/")
    assert client.post(URL, {"drift": "1"}).status_code == 302


@pytest.mark.django_db
def test_staff_without_the_second_factor_must_sign_in_again() -> None:
    user = User.objects.create_user("stefan", "stefan@agentur.example", PASSWORD, is_staff=True)
    client = Client()
    client.force_login(user)  # no verified one-time code in this session

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_staff_see_index_queue_outbox_and_that_no_backup_is_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No backup module (this branch), as after the merge with no backup made yet.
    monkeypatch.setitem(sys.modules, "core.backup", None)
    now = timezone.now()
    later = now + datetime.timedelta(hours=1)
    for n, (status, due) in enumerate(
        [
            (Status.FAILED, now),
            (Status.UNKNOWN, now),
            (Status.UNKNOWN, now),
            (Status.QUEUED, now),
            (Status.QUEUED, later),
        ]
    ):
        Message.objects.create(
            key=f"status-{n}", to="a@example.org", subject="x", status=status, next_attempt=due
        )
    client, _user = staff_client()

    response = client.get(URL)

    assert response.status_code == 200
    text = page_text(response)
    assert "Betriebsstatus" in text and "Suchindex" in text
    assert "Suchmaschine tantivy" in text
    assert "Veröffentlichte Organisationen 0" in text
    assert "Aufgabenwarteschlange" in text and "ImmediateBackend" in text
    assert "Zum Versand fällig 1" in text and "Wartend (mit späteren Wiederholungen) 2" in text
    assert "Fehlgeschlagen 1" in text and "Ergebnis unbekannt 2" in text
    assert "Keine Sicherung verzeichnet." in text
    assert "Index und Vektoren stimmen" not in text  # the drift check waits for its button


@pytest.mark.django_db
def test_the_last_backup_is_shown_when_the_backup_module_reports_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = timezone.now() - datetime.timedelta(hours=3)
    last = types.SimpleNamespace(
        created=made, path="/var/backups/portal-1.sql.gz", size=3 * 1024 * 1024, ok=True
    )
    module = types.ModuleType("core.backup")
    module.last_backup = lambda: last  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "core.backup", module)
    client, _user = staff_client()

    text = page_text(client.get(URL))

    assert "/var/backups/portal-1.sql.gz" in text and "3,0 MB" in text
    assert timezone.localtime(made).strftime("%d.%m.%Y %H:%M") in text
    assert "Ergebnis vollständig" in text


@pytest.mark.django_db
def test_a_part_that_cannot_be_read_says_so_and_the_rest_is_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> dict[str, Any]:
        raise OSError("index folder missing")

    monkeypatch.setattr(services, "vectors", broken)
    client, _user = staff_client()

    response = client.get(URL)

    assert response.status_code == 200
    text = page_text(response)
    assert "Nicht lesbar: OSError: index folder missing" in text
    assert "Suchmaschine tantivy" in text and "Postausgang" in text


@pytest.mark.django_db
def test_the_drift_check_runs_on_the_button_only_and_is_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from search import consistency

    runs: list[int] = []
    real_check = consistency.check

    def counted() -> Any:
        runs.append(1)
        return real_check()

    monkeypatch.setattr(consistency, "check", counted)
    rebuild_index()  # the index of this test's database (other tests leave theirs)
    client, user = staff_client()

    client.get(URL)
    assert runs == []
    response = client.post(URL, {"drift": "1"})

    assert runs == [1]
    assert "Index und Vektoren stimmen mit der Datenbank überein" in page_text(response)
    entry = AuditEntry.objects.get(action=AuditAction.OPERATION)
    assert entry.actor == user and entry.summary == "search drift check"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_staff_open_the_status_page_and_run_the_drift_check(live_server: Any, page: Page) -> None:
    user = User.objects.create_user("betrieb", "betrieb@agentur.example", PASSWORD)
    grant_role(user, EDITOR)
    rebuild_index()

    page.goto(live_server.url + "/admin/")
    sign_in_with_code(page, "betrieb@agentur.example", PASSWORD, user)
    page.wait_for_url(re.compile(r"/admin/$"))
    axe_check(page)
    page.get_by_role("link", name="Betriebsstatus").click()
    page.wait_for_url(re.compile(r"/admin/status/$"))
    assert page.get_by_role("heading", name="Suchindex").is_visible()
    axe_check(page)

    page.get_by_role("button", name="Abgleich prüfen").click()
    page.locator("#drift-result").wait_for()
    assert "stimmen mit der Datenbank überein" in page.locator("#drift-result").inner_text()
    axe_check(page)
