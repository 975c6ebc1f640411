"""The portal's JSON API: one NinjaAPI, one router per app, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from search.api import router as search_router

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
