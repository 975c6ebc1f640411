"""The status page of the back office (``admin:status``)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import audit
from core.choices import AuditAction

from . import services


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Staff only (the admin site's ``admin_view``, which also sends a staff session
    without a second factor to sign in again). The drift check runs on the button."""
    drift = None
    if request.method == "POST" and "drift" in request.POST:
        drift = services.drift_check()
        audit.record(
            AuditAction.OPERATION,
            request=request,
            summary="search drift check",
            details={"clean": drift.clean},
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Operations status"),
        "status": services.status(),
        "drift": drift,
    }
    return TemplateResponse(request, "clusterportal/status.html", context)
