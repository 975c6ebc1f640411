"""The portal's JSON API: one NinjaAPI, one router per app, OpenAPI at /api/v1/openapi.json.

Every error answers with one body (``core.api.ErrorOut``: ``detail`` and the refused
``errors``), and every operation lists the codes it may answer in the schema.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from core.api import ERROR_DESCRIPTIONS, InputError
from directory.api import router as directory_router
from search.api import router as search_router
from search.backends.base import SearchUnavailable
from sourcing.api import postings_router
from sourcing.api import router as sourcing_router

SEARCH_RETRY_AFTER = 300

api = NinjaAPI(
    title="Clusterportal API",
    version="1",
    description=(
        "Open data of the regional company and technology database. "
        "Generated demo records are marked with generated=true. "
        "Every error answers with a JSON body: detail (what went wrong) and errors "
        "(each refused value with its field and reason)."
    ),
    urls_namespace="api",
    # Swagger UI, served by the portal (clusterportal/templates/ninja/swagger.html). Deep
    # links would put a link inside each operation's toggle button (nested controls); the
    # highlighting themes fall short of WCAG contrast.
    docs=Swagger(settings={"deepLinking": False, "syntaxHighlight": False}),
)
api.add_router("/", search_router)
api.add_router("/", directory_router)
api.add_router("/", sourcing_router)
# Its own router (a nested one would carry the parent's tag too: listed twice in the docs).
api.add_router("/", postings_router)


def error_response(
    request: HttpRequest,
    status: int,
    detail: str,
    fields: list[dict[str, str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": fields or []}, status=status)


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "payload", "contacts", 0, "name")`` → ``contacts.0.name``;
    ``("query", "page_size")`` → ``page_size``."""
    parts = [str(p) for p in location]
    if parts and parts[0] == "body":
        parts = parts[2:]  # the location and the operation's parameter name
    elif parts and parts[0] in {"query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = []
    for error in exc.errors:
        message = str(error.get("msg", ""))
        # pydantic prefixes the reason a validator gave; the field says whose it is.
        message = message.removeprefix("Value error, ")
        fields.append({"field": _field(error.get("loc", ())), "message": message})
    summary = "; ".join(f"{f['field'] or 'body'}: {f['message']}" for f in fields)
    return error_response(request, 422, f"Invalid input: {summary}", fields)


@api.exception_handler(InputError)
def input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    return error_response(request, 422, str(exc), exc.fields)


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, ERROR_DESCRIPTIONS[401])


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 403 and detail == "CSRF check Failed":
        detail = "The CSRF token is missing or wrong: send the csrftoken cookie as X-CSRFToken."
    elif exc.status_code == 400:
        detail = ERROR_DESCRIPTIONS[400]
    response = error_response(request, exc.status_code, detail)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, str(exc) or "Not found.")


@api.exception_handler(SearchUnavailable)
def search_unavailable(request: HttpRequest, exc: SearchUnavailable) -> HttpResponse:
    response = error_response(
        request, 503, "The search is being rebuilt; please try again in a few minutes."
    )
    response["Retry-After"] = str(SEARCH_RETRY_AFTER)
    return response
