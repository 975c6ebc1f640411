"""What the events show on the pages of ``networks`` (``core.panels`` slots): a growth
field's and a network's upcoming events, and the events on the networks' dashboards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from core import pagecache
from core.panels import Panel, register

from . import permissions, services
from .models import Event


def _until_one_ends(request: HttpRequest, events: list[Event]) -> None:
    """A kept page with these upcoming events is made anew when the first one ends."""
    pagecache.keep_until(request, min((e.end for e in events), default=None))


def field_events(request: HttpRequest, field: Any) -> Mapping[str, Any] | None:
    events = services.upcoming(Event.objects.filter(growth_fields=field))
    _until_one_ends(request, events)
    return {"events": events, "feed_slug": field.slug} if events else None


def network_events(request: HttpRequest, network: Any) -> Mapping[str, Any] | None:
    events = services.upcoming(Event.objects.filter(network=network))
    _until_one_ends(request, events)
    manages = permissions.manages_network(request.user, network)
    if not events and not manages:
        return None
    return {"events": events, "manages": manages}


def dashboard_events(request: HttpRequest, network: Any, period: Any) -> Mapping[str, Any] | None:
    figures = services.network_figures([network], period.bounds()).get(network.pk)
    return {"figures": figures or {"events": 0, "registered": 0, "attended": 0}}


def overview_events(request: HttpRequest, networks: Any, period: Any) -> Mapping[str, Any] | None:
    networks = list(networks)
    figures = services.network_figures(networks, period.bounds())
    empty = {"events": 0, "registered": 0, "attended": 0}
    return {"rows": [(network, figures.get(network.pk, empty)) for network in networks]}


def register_panels() -> None:
    register(Panel("networks.growth_field", "content/events/panels/_field.html", field_events, 20))
    register(Panel("networks.profile", "content/events/panels/_network.html", network_events, 20))
    register(
        Panel("networks.dashboard", "content/events/panels/_dashboard.html", dashboard_events, 20)
    )
    register(
        Panel(
            "networks.dashboard_overview",
            "content/events/panels/_overview.html",
            overview_events,
            20,
        )
    )
