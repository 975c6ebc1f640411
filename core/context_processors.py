from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .attribution import ATTRIBUTIONS


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "DATA_ATTRIBUTIONS": ATTRIBUTIONS,
    }
