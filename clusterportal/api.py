"""The portal's JSON API: one NinjaAPI, one router per app, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from directory.api import router as directory_router
from search.api import router as search_router
from search.backends.base import SearchUnavailable

api = NinjaAPI(
    title="Clusterportal API",
    version="1",
    description=(
        "Open data of the regional company and technology database. "
        "Generated demo records are marked with generated=true."
    ),
    urls_namespace="api",
)
api.add_router("/", search_router)
api.add_router("/", directory_router)


@api.exception_handler(SearchUnavailable)
def search_unavailable(request: HttpRequest, exc: SearchUnavailable) -> HttpResponse:
    response = api.create_response(
        request,
        {"error": "The search is being rebuilt; please try again in a few minutes."},
        status=503,
    )
    response["Retry-After"] = "300"
    return response
