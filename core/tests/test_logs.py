"""Structured logs: one parseable JSON object per line with the request's fields, the
request id on every line of a request, tracebacks kept, no line forged by user input."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from core.logs import logging_config
from core.testing import sign_in

pytestmark = pytest.mark.django_db


def _configure(log_format: str) -> Callable[[], str]:
    """Logging as settings.LOGGING sets it up for ``log_format``, its console handler
    writing to a buffer; returns what was written since the last call."""
    logging.config.dictConfig(logging_config(log_format, "INFO"))
    [handler] = logging.getLogger().handlers
    buffer = io.StringIO()
    handler.setStream(buffer)  # type: ignore[attr-defined]

    def read() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    return read


@pytest.fixture
def json_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    read = _configure("json")
    yield lambda: [json.loads(line) for line in read().splitlines()]
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def text_lines() -> Iterator[Callable[[], list[str]]]:
    read = _configure("text")
    yield lambda: read().splitlines()
    logging.config.dictConfig(settings.LOGGING)


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "clusterportal.request"]


def test_a_request_logs_one_json_line_with_its_fields(
    json_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    user = User.objects.create_user("bea", "bea@example.org", "x" * 16, first_name="Bea")
    client = Client()
    sign_in(client, user)

    response = client.get("/suche/?q=Laser", REMOTE_ADDR="192.0.2.9")

    [line] = access_lines(json_lines())
    assert line["level"] == "INFO" and line["message"].startswith("GET /suche/ 200")
    assert line["time"].endswith("Z") and "T" in line["time"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/suche/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == user.pk
    assert line["request_id"] == response["X-Request-ID"]
    text = json.dumps(line)
    assert "bea@example.org" not in text and "Bea" not in text and "192.0.2.9" not in text


def test_the_client_address_is_logged_only_when_asked(
    json_lines: Callable[[], list[dict[str, Any]]], settings: Any
) -> None:
    Client().get("/", REMOTE_ADDR="192.0.2.9")
    [anonymous] = access_lines(json_lines())
    assert "client_ip" not in anonymous and "user_id" not in anonymous

    settings.LOG_CLIENT_IP = True
    Client().get("/", REMOTE_ADDR="192.0.2.9")
    [line] = access_lines(json_lines())
    assert line["client_ip"] == "192.0.2.9"


def test_the_proxys_request_id_is_kept_when_sane_and_replaced_when_not(
    json_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    sane = Client().get("/", HTTP_X_REQUEST_ID="nginx-5f2b9c0d1e")
    assert sane["X-Request-ID"] == "nginx-5f2b9c0d1e"
    forged = Client().get("/", HTTP_X_REQUEST_ID='x"\n{"level": "ERROR"}')
    assert uuid.UUID(forged["X-Request-ID"])
    assert [line["request_id"] for line in access_lines(json_lines())] == [
        "nginx-5f2b9c0d1e",
        forged["X-Request-ID"],
    ]


@pytest.mark.urls("core.tests.boom_urls")
def test_an_exception_is_logged_with_its_traceback_and_the_request_id(
    json_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    lines = json_lines()
    [error] = [line for line in lines if "exception" in line]
    assert error["logger"] == "django.request" and error["level"] == "ERROR"
    assert "Traceback" in error["exception"] and "the disk is full" in error["exception"]
    assert error["request_id"] == response["X-Request-ID"]
    [access] = access_lines(lines)
    assert access["status"] == 500 and access["level"] == "ERROR"


HOSTILE = '/suche/%0A{"level":"ERROR","message":"forged"}%0D%22/'


def test_newlines_and_quotes_in_the_path_cannot_forge_a_json_line(
    json_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    Client().get(HOSTILE)

    lines = json_lines()  # every line parses
    assert not any(line["message"] == "forged" for line in lines)
    [access] = access_lines(lines)
    assert "\n" not in access["path"] and '"' not in access["path"]
    assert access["path"].startswith("/suche/%0A%7B%22level%22")


def test_newlines_cannot_forge_a_text_line(text_lines: Callable[[], list[str]]) -> None:
    Client().get(HOSTILE)
    logging.getLogger("core.tests").warning("user said %s", "hello\nERROR forged line")

    lines = text_lines()
    assert not any(line.startswith(("{", "ERROR forged")) for line in lines)
    assert any(line.endswith("user said hello\\nERROR forged line") for line in lines)
    [access] = [line for line in lines if " clusterportal.request " in line]
    assert "GET /suche/%0A%7B%22level%22" in access and "%0D%22/ 404" in access
    [not_found] = [line for line in lines if " django.request " in line]
    assert access.split("[")[1][:32] == not_found.split("[")[1][:32]
    assert not_found.endswith('Not Found: /suche/\\n{"level":"ERROR","message":"forged"}\\r"/')


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        logging_config("xml", "INFO")
