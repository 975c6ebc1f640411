"""Log lines an operator can follow: a request id on every line, one access line per
request, and JSON (one object per line) for a log collector (``LOG_FORMAT=json``).

``RequestLogMiddleware`` gives each request an id (the proxy's ``X-Request-ID`` when it
is a sane one, else a new uuid4), returns it in the response's ``X-Request-ID`` header
and logs one line on the logger ``clusterportal.request``. ``RequestContextFilter``
puts that id on every record logged while the request runs (Django's own error
records included), ``JsonFormatter`` and ``TextFormatter`` write them. No line holds a
name, an email address or (unless ``LOG_CLIENT_IP``) the client's address; user text
cannot start a new line (JSON escapes it, the text format shows ``\\n``).
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path

REQUEST_HEADER = "HTTP_X_REQUEST_ID"
RESPONSE_HEADER = "X-Request-ID"
ACCESS_LOGGER = "clusterportal.request"
# What a proxy's request id may look like (a uuid, a hex digest, nginx's $request_id).
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{7,99}$")

_current: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "clusterportal_request", default=None
)

access_log = logging.getLogger(ACCESS_LOGGER)


def current_request() -> HttpRequest | None:
    """The request this thread (or task) is answering, for code without one in hand:
    signal receivers such as the audit log's."""
    return _current.get()


def request_id(request: HttpRequest | None = None) -> str:
    request = request if request is not None else _current.get()
    return str(getattr(request, "request_id", "")) if request is not None else ""


def incoming_id(value: str) -> str:
    """The proxy's id where it is sane, else a new one (a client may send anything)."""
    return value if _SANE_ID.match(value) else uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    # request.user exists only after AuthenticationMiddleware ran (not for a request it
    # never reached); reading it does not query again once the view has read it.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk  # type: ignore[no-any-return]
    return None


class RequestLogMiddleware:
    """First in ``MIDDLEWARE``: times the whole request, including the other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = incoming_id(request.META.get(REQUEST_HEADER, ""))  # type: ignore[attr-defined]
        token = _current.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[RESPONSE_HEADER] = request.request_id  # type: ignore[attr-defined]
            duration = (time.perf_counter() - started) * 1000
            self._log(request, response, duration)
        finally:
            _current.reset(token)
        return response

    def _log(self, request: HttpRequest, response: HttpResponse, duration: float) -> None:
        # The path as it travels (percent-encoded): a newline or a quote in it stays %0A, %22.
        path = escape_uri_path(request.path)
        extra: dict[str, Any] = {
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": round(duration, 1),
            "user_id": _user_id(request),
        }
        if settings.LOG_CLIENT_IP:
            from .abuse import client_ip

            extra["client_ip"] = client_ip(request)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        access_log.log(
            level,
            "%s %s %s %.1f ms",
            request.method,
            path,
            response.status_code,
            duration,
            extra=extra,
        )


class RequestContextFilter(logging.Filter):
    """Adds the current request's id to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a 4xx answer after the middleware returned: from its record's request.
            record.request_id = request_id(getattr(record, "request", None))
        return True


# Attributes a record may carry (``extra``) that the JSON line names as such.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id", "client_ip")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (ISO 8601, UTC), ``level``, ``logger``,
    ``message``, ``request_id`` and, on access lines, the request's fields; ``exception``
    holds the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id()
        if rid:
            entry["request_id"] = rid
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a value passed in ``extra`` that JSON does not know still logs.
        return json.dumps(entry, ensure_ascii=False, default=str)


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


class TextFormatter(logging.Formatter):
    """``2026-12-07 05:30:00,123 INFO clusterportal.request [id] message``; the message on
    one line (a traceback follows on its own lines, as Python writes it)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        record.message = _one_line(record.message)
        return super().formatMessage(record)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """Django's ``LOGGING`` for ``LOG_FORMAT`` ("text" or "json") and ``LOG_LEVEL``."""
    if log_format not in ("text", "json"):
        raise RuntimeError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "core.logs.RequestContextFilter"}},
        "formatters": {
            "text": {"()": "core.logs.TextFormatter"},
            "json": {"()": "core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own loggers write through the same handler (one format, one line each).
        "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
    }
