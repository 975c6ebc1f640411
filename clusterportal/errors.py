"""The portal's answers when something fails on the server: a clear page, no traceback.

``server_error`` is Django's ``handler500``. It tells two cases apart:

- the **database cannot be reached** (PostgreSQL restarting, the network to it down, a
  SQLite file locked past its timeout): a 503 page "briefly unavailable" with
  ``Retry-After``, JSON for the API. The next request opens a new connection (Django
  checks a kept connection before using it: ``CONN_HEALTH_CHECKS``), so the portal is
  back by itself as soon as the database is; nothing needs a restart.
- **any other error**: the 500 page.

Both pages are rendered without the request's context processors, the session or the
signed-in user: those read the database, which may be what failed.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("clusterportal.errors")

# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database could not be reached or used just now."""
    return isinstance(error, OperationalError | InterfaceError)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")


def _page(template: str, status: int) -> HttpResponse:
    context = {"portal_name": settings.PORTAL_NAME, "retry_after": RETRY_AFTER_SECONDS}
    response = HttpResponse(loader.get_template(template).render(context), status=status)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if database_unavailable(error):
        # One line, not a traceback per request while the database restarts.
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, error)
        if _wants_json(request):
            response: HttpResponse = JsonResponse(
                {"error": _("The portal is briefly unavailable. Please try again shortly.")},
                status=503,
            )
        else:
            response = _page("errors/503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    if _wants_json(request):
        return JsonResponse({"error": _("An error occurred on the server.")}, status=500)
    return _page("errors/500.html", 500)
