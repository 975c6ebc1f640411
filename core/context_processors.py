from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import pagecache
from .attribution import ATTRIBUTIONS


def portal(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "DATA_ATTRIBUTIONS": ATTRIBUTIONS,
    }
    if pagecache.capturing(request):
        # A page being kept for every visitor: each gets their own token in its place.
        context["csrf_token"] = pagecache.CSRF_PLACEHOLDER
    return context
