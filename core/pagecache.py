"""Whole pages for visitors without a session, from the shared cache, keyed by what they
show: the search page, the search API, the map and the list of organisations cost tens
of milliseconds to make and are asked for again and again with the same parameters.

A page is kept under its address (path and parameters), the language, whether htmx
asked for a part of it, and the **generation** of what it shows: ``bump("search")`` is
called by every write to the search index (organisations and every other kind of
content), so a page made before a change is never served after it, on any node. A page
is kept at most ``PAGE_CACHE_SECONDS``; 0 (the default) switches the cache off.

Only visitors without a session cookie and without pending messages get a kept page
(a signed-in person's page shows their name and rights). The one per-visitor piece of
such a page, the CSRF token of its forms and of htmx, is stored as a placeholder and
filled in for each visitor (``CSRF_PLACEHOLDER``; the context processor
``core.context_processors.portal`` renders the placeholder while a page is being kept).

The generations and the pages live in Django's cache: with several processes or nodes
that must be a shared cache (``CACHE_URL``, Redis), or a change seen by one process
would not reach the pages kept by another; a system check refuses the page cache on a
per-process cache.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "csrf-placeholder-0f6c2a9e"
# The generation of everything the search finds (organisations and other content):
# advanced by every write to a search index (``search.pages``). The list and the
# profiles of organisations use it too: each change of an organisation re-indexes it.
SEARCH = "search"
CAPTURING = "_page_cache_capturing"
PREFIX = "page:"
# Response headers kept with a page (the others are set anew by the middleware).
KEPT_HEADERS = ("Content-Type", "Vary", "Content-Language", "Content-Disposition")


def enabled() -> bool:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0)) > 0


def _generation_key(name: str) -> str:
    return f"{PREFIX}generation:{name}"


def generation(name: str) -> int:
    value = cache.get(_generation_key(name))
    if value is None:
        cache.add(_generation_key(name), 1, timeout=None)
        value = cache.get(_generation_key(name), 1)
    return int(value)


def bump(*names: str) -> None:
    """What the pages of ``names`` show has changed: no page kept before is served again.
    Never fails the write that called it (a cache that is down keeps no pages either)."""
    if not enabled():
        return
    for name in names:
        key = _generation_key(name)
        try:
            try:
                cache.incr(key)
            except ValueError:  # not there yet (or evicted): any new value will do
                cache.set(key, generation(name) + 1, timeout=None)
        except Exception:
            logger.exception("could not advance the page generation %s", name)


def may_keep(request: HttpRequest) -> bool:
    """Whether ``request`` may be answered with a kept page (and its answer kept)."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request: HttpRequest, generations: tuple[str, ...]) -> str:
    parts = [
        request.get_full_path(),
        translation.get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        *(f"{name}={generation(name)}" for name in generations),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{PREFIX}{digest}"


def _fill(request: HttpRequest, content: bytes) -> bytes:
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return content


def keep_page(*generations: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """A view decorator: answer visitors without a session from the cache while none of
    ``generations`` changed. The answer says ``X-Page-Cache: hit`` or ``miss``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not enabled() or not may_keep(request):
                return view(request, *args, **kwargs)
            try:
                key = _key(request, generations)
                kept = cache.get(key)
            except Exception:
                logger.exception("page cache unavailable")
                return view(request, *args, **kwargs)
            if kept is not None:
                status, headers, content = kept
                response = HttpResponse(_fill(request, content), status=status)
                for name, value in headers:
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                return response
            setattr(request, CAPTURING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, CAPTURING, False)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
                try:
                    cache.set(
                        key,
                        (response.status_code, headers, response.content),
                        timeout=int(settings.PAGE_CACHE_SECONDS),
                    )
                except Exception:
                    logger.exception("could not keep a page")
            if not response.streaming:
                response.content = _fill(request, response.content)
            response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator


def capturing(request: HttpRequest) -> bool:
    return bool(getattr(request, CAPTURING, False))
