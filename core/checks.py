"""System checks of the core: ``manage.py check`` and every server start run them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register("caches")
def page_cache_is_shared(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Kept pages need a cache every process shares: a change seen by one process must
    drop the pages another keeps (core.pagecache)."""
    if int(getattr(settings, "PAGE_CACHE_SECONDS", 0)) <= 0:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"PAGE_CACHE_SECONDS is set, but the cache ({backend}) belongs to one process: "
            "another process would keep serving pages after a change.",
            hint="Set CACHE_URL to a shared cache (redis://…), or PAGE_CACHE_SECONDS=0.",
            id="core.E001",
        )
    ]
