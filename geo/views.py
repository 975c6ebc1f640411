"""Geography the browser fetches from the portal itself (no third-party map service)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from .maplayers import places_layer


@require_GET
def places(request: HttpRequest) -> JsonResponse:
    """Place names for the offline map of the portal's state."""
    response = JsonResponse(places_layer(settings.PORTAL_STATE_AGS))
    response["Cache-Control"] = "public, max-age=86400"
    # The attribution follows the visitor's language (cookie or Accept-Language).
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
