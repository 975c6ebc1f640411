"""The latest news of a growth field and of a network, on their pages (``core.panels``
slots of ``networks``, which may not import ``content``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from core import pagecache

from ..pages import next_publication
from . import services


def field_news(request: HttpRequest, field: Any = None, **values: Any) -> Mapping[str, Any] | None:
    pagecache.keep_until(request, next_publication())
    articles = services.latest_for_field(field) if field is not None else []
    if not articles:
        return None
    return {"articles": articles, "more_query": f"growth={field.slug}"}


def network_news(
    request: HttpRequest, network: Any = None, **values: Any
) -> Mapping[str, Any] | None:
    pagecache.keep_until(request, next_publication())
    articles = services.latest_for_network(network) if network is not None else []
    if not articles:
        return None
    return {"articles": articles, "more_query": f"network={network.slug}"}
