"""Answers every search request with a clear 503 while the index cannot answer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .backends.base import SearchUnavailable


class SearchUnavailableMiddleware:
    """Turns ``SearchUnavailable`` from any view into a 503 page (or JSON), logged once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SearchUnavailable):
            return None
        import logging

        logging.getLogger("search").error("%s", exception)
        wants_json = request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")
        if wants_json:
            return JsonResponse(
                {"error": "The search is being rebuilt; please try again in a few minutes."},
                status=503,
                headers={"Retry-After": "300"},
            )
        if request.headers.get("HX-Request"):
            # htmx swaps no error responses: send the browser to the page itself.
            return HttpResponse(status=204, headers={"HX-Redirect": request.get_full_path()})
        response = render(request, "search/unavailable.html", status=503)
        response["Retry-After"] = "300"
        return response
