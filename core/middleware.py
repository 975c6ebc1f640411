"""Request checks that hold for every view, so that no view has to repeat them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    """Answers 400 (API: 422) to an address whose path or query holds a NUL character.

    No text the portal stores or looks up may contain NUL: PostgreSQL refuses it in
    any text value (a server error for every view that queries with it), SQLite
    stores it. Django's form fields for text check it, choice fields and URL path
    segments do not, so the check sits here, once, for every GET parameter and path
    segment of every page and API route.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = nul_location(request)
        if found is None:
            return self.get_response(request)
        field, where = found
        message = _(
            "The address contains a NUL character (in %(where)s), which no value here may "
            "contain. Remove it and try again."
        ) % {"where": where}
        if request.path.startswith("/api/"):
            # The API's one error body (core.api.ErrorOut), with its code for a refused value.
            return JsonResponse(
                {"detail": message, "errors": [{"field": field, "message": message}]},
                status=422,
            )
        return render(request, "core/bad_request.html", {"message": message}, status=400)


def nul_location(request: HttpRequest) -> tuple[str, str] | None:
    """Where the address holds a NUL (the parameter's name, or "" for the path, and the
    words for a person), or None."""
    if "\x00" in request.path_info:
        return "", _("the path")
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            shown = name.replace("\x00", "\\0")
            return shown, _("the parameter “%(name)s”") % {"name": shown}
    return None
