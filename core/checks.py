"""System checks of the core: ``manage.py check`` and every server start run them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register("caches")
def page_cache_is_shared(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Kept pages need a cache every process shares: a change seen by one process must
    drop the pages another keeps (core.pagecache). A warning, not an error: one process
    alone (``runserver``, a single worker) may keep its pages in its own memory."""
    if int(getattr(settings, "PAGE_CACHE_SECONDS", 0)) <= 0:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"PAGE_CACHE_SECONDS is set, but the cache ({backend}) belongs to one process: "
            "with several processes, one would keep serving pages after another's change.",
            hint="Set CACHE_URL to a shared cache (redis://…), or PAGE_CACHE_SECONDS=0.",
            id="core.W001",
        )
    ]
