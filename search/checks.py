"""System checks of the search: ``manage.py check`` and every server start run them."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register


@register("search")
def index_is_usable(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """An index built by an earlier version answers nothing until it is rebuilt."""
    from . import services

    return [
        Warning(problem, hint="manage.py rebuild_search_index", id="search.W001")
        for problem in services.engine().problems()
    ]
