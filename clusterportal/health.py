"""Health checks for the proxy, the load balancer and monitoring.

``/health/`` (liveness): the process answers; touches nothing else, so a database outage
does not get every web worker restarted. ``/health/ready/`` (readiness): the database
answers a query, the search index can be read and the task queue can be reached; 200
when all do, 503 naming what failed. Neither is cached nor sets a cookie, and both answer
over plain http despite ``SECURE_SSL_REDIRECT`` (``SECURE_REDIRECT_EXEMPT``), so that a
proxy can ask a node directly. They say nothing about users or data but counts.
docs/operations/health.md.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_search() -> dict[str, Any]:
    from search import services

    engine = services.engine()
    problems = engine.problems()
    if problems:
        raise RuntimeError("search index not usable")
    return {"engine": engine.name, "documents": engine.count()}


def check_tasks() -> dict[str, Any]:
    """The task backend can be reached: a backend that keeps results (the database
    backend, Redis) is asked for one that does not exist; one that runs tasks in the
    process (immediate) needs nothing."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.exceptions import TaskResultDoesNotExist

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    info = {"backend": type(backend).__name__}
    if not backend.supports_get_result:
        return info
    with contextlib.suppress(TaskResultDoesNotExist):
        backend.get_result(str(uuid.uuid4()))
    return info


# Looked up by name on every request, so that a test can replace one.
CHECKS = ("database", "search", "tasks")


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    healthy = True
    for name in CHECKS:
        check: Callable[[], dict[str, Any]] = globals()[f"check_{name}"]
        started = time.perf_counter()
        try:
            detail = check()
            result = {"status": "ok", **detail}
        except Exception as exc:
            logger.warning("readiness check %s failed", name, exc_info=True)
            result = {"status": "failing", "error": type(exc).__name__}
            healthy = False
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return healthy, results


@never_cache
@require_safe
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def ready(request: HttpRequest) -> HttpResponse:
    healthy, results = run_checks()
    failing = [name for name, result in results.items() if result["status"] != "ok"]
    body = {"status": "ok" if healthy else "failing", "failing": failing, "checks": results}
    return JsonResponse(body, status=200 if healthy else 503)
