"""The portal's own 404 page under DEBUG too, unless a developer asks for Django's."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found


class PortalNotFoundMiddleware:
    """With ``DEBUG`` on, Django answers a page not found with its technical page (the
    URL list). ``make run`` is what a newcomer sees, so the portal's ``404.html`` is shown
    instead; ``DEBUG_TECHNICAL_404`` brings the technical page back. With ``DEBUG`` off
    Django shows ``404.html`` itself and this does nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No view matched the address: the technical page came from URL resolution.
        if response.status_code == 404 and request.resolver_match is None and _replaces():
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and _replaces():
            return page_not_found(request, exception)
        return None


def _replaces() -> bool:
    return bool(settings.DEBUG) and not getattr(settings, "DEBUG_TECHNICAL_404", False)
