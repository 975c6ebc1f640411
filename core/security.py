"""The Content-Security-Policy every answer carries (Django 5.2 has none built in).

Scripts and styles come only from the portal itself: the templates have no inline
scripts or style attributes, htmx runs without ``eval`` and its inline indicator styles
(``htmx-config``), and Leaflet and Swagger UI set element styles through the CSSOM,
which a policy does not govern. Images may also be ``data:`` URIs (Leaflet's and
Swagger UI's stylesheets use them) and come from the host of ``MAP_TILE_URL`` when one
is set.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def tile_source(tile_url: str) -> str:
    """The CSP source for a tile URL template: ``https://{s}.tile.example.org/{z}/…`` →
    ``https://*.tile.example.org`` (Leaflet's ``{s}`` picks a subdomain)."""
    parts = urlsplit(tile_url)
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        raise ImproperlyConfigured(
            f"MAP_TILE_URL must be an http(s) address such as "
            f"https://tile.example.org/{{z}}/{{x}}/{{y}}.png, not {tile_url!r}"
        )
    # urlsplit lowercases the host and keeps the braces of a placeholder.
    labels = parts.netloc.rsplit("@", 1)[-1].split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label for label in labels):
        raise ImproperlyConfigured(
            f"MAP_TILE_URL may have a placeholder only in the first part of its host name: "
            f"{tile_url!r}"
        )
    return f"{parts.scheme}://{'.'.join(labels)}"


@lru_cache(maxsize=8)
def content_security_policy(tile_url: str = "") -> str:
    images = ["'self'", "data:"]
    if tile_url:
        images.append(tile_source(tile_url))
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every answer that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        content_security_policy(settings.MAP_TILE_URL)  # a wrong MAP_TILE_URL fails at start

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = content_security_policy(settings.MAP_TILE_URL)
        return response
