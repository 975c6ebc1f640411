"""Liveness and readiness for the proxy and monitoring: cheap, never cached, no cookie,
over plain http despite the https redirect, 503 naming what failed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks.backends.dummy import DummyBackend

from clusterportal import health

pytestmark = pytest.mark.django_db


def test_liveness_answers_ok_without_touching_the_database(client: Client) -> None:
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert len(queries) == 0
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    # Load balancers ask with HEAD too; nothing is changed through it.
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


def test_readiness_reports_each_check_with_its_time(client: Client) -> None:
    response = client.get("/health/ready/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "search", "tasks"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert check["ms"] >= 0
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_a_failing_database_makes_readiness_503_and_says_which(client: Client, monkeypatch) -> None:
    def unreachable() -> dict[str, object]:
        raise OperationalError('connection to server at "db.internal" failed: password for x')

    monkeypatch.setattr(health, "check_database", unreachable)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["failing"] == ["database"]
    assert body["checks"]["database"] == {
        "status": "failing",
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["search"]["status"] == "ok"
    # The error's text (host names, user names) stays in the log.
    assert "db.internal" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_failing_task_queue_is_named(client: Client, monkeypatch) -> None:
    def down() -> dict[str, object]:
        raise ConnectionError("redis down")

    monkeypatch.setattr(health, "check_tasks", down)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["tasks"]


class QueueBackend(DummyBackend):
    """Stands for a backend with a queue elsewhere (database, Redis): keeps results."""

    supports_get_result = True
    reachable = True

    def get_result(self, result_id: str) -> Any:
        if not QueueBackend.reachable:
            raise ConnectionError("queue down")
        return super().get_result(result_id)


@pytest.mark.parametrize("reachable", [True, False])
def test_a_task_backend_with_a_queue_is_asked(
    settings, client: Client, monkeypatch, reachable: bool
) -> None:
    monkeypatch.setattr(QueueBackend, "reachable", reachable)
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.QueueBackend"}}
    response = client.get("/health/ready/")
    tasks = response.json()["checks"]["tasks"]
    if reachable:
        assert response.status_code == 200
        assert tasks["status"] == "ok" and tasks["backend"] == "QueueBackend"
    else:
        assert response.status_code == 503
        assert tasks == {"status": "failing", "error": "ConnectionError", "ms": tasks["ms"]}


@pytest.mark.parametrize("path", ["/health/", "/health/ready/"])
def test_health_answers_over_plain_http_despite_the_https_redirect(settings, path: str) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portal.example.org", "127.0.0.1"]
    client = Client()
    # The proxy asks the node directly: plain http, Host 127.0.0.1.
    response = client.get(path, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    # Every other page is sent to https.
    page = client.get("/", HTTP_HOST="portal.example.org")
    assert page.status_code == 301 and page["Location"].startswith("https://")


def test_a_host_missing_from_allowed_hosts_is_refused(settings) -> None:
    """Why docs/operations/health.md asks for 127.0.0.1 in ALLOWED_HOSTS (or the public
    name in the check's Host header)."""
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    assert Client().get("/health/", HTTP_HOST="127.0.0.1").status_code == 400
    assert Client().get("/health/", HTTP_HOST="portal.example.org").status_code == 200


def test_readiness_says_nothing_personal(client: Client, django_user_model) -> None:
    django_user_model.objects.create_user("erika", "erika@example.org", "a-long-password-1")
    body = json.dumps(client.get("/health/ready/").json())
    assert "erika" not in body and "@" not in body
