"""Sections that an upper app adds to a lower app's page.

The layers run one way: ``networks`` may not import ``content``, yet a growth field's page
shows the field's events and funding programmes. The page names a slot instead
(``{% panels "networks.growth_field" field=field %}``) and each app above registers what
it shows there in its ``AppConfig.ready()``::

    from core.panels import Panel, register
    register(Panel("networks.growth_field", "content/panels/_field_events.html",
                   field_events, order=20))

A panel's function gets the request and the slot's values and answers the template's
context, or ``None`` when it has nothing to show (the section is then left out, heading
and all). Slots in use are listed in ``SLOTS`` so that a typo fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

SLOTS = {
    # A growth field's page (/wachstumsfelder/<slug>/); values: field (GrowthField).
    "networks.growth_field",
    # A network's page (/netzwerke/<slug>/); values: network (Organisation).
    "networks.profile",
    # A network's dashboard (/netzwerke/<slug>/kennzahlen/); values: network, period.
    "networks.dashboard",
    # The cluster management's overview of all networks; values: networks, period.
    "networks.dashboard_overview",
}

ContextFunction = Callable[..., Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: ContextFunction  # (request, **values) → context, or None for nothing to show
    order: int = 100


_panels: dict[str, list[Panel]] = {}


def register(panel: Panel) -> None:
    if panel.slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {panel.slot!r}; known: {sorted(SLOTS)}")
    found = _panels.setdefault(panel.slot, [])
    if any(p.template == panel.template for p in found):
        return  # registered already (ready() may run twice in tests)
    found.append(panel)
    found.sort(key=lambda p: p.order)


def panels(slot: str) -> list[Panel]:
    if slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {slot!r}")
    return list(_panels.get(slot, ()))


def render_panels(slot: str, request: HttpRequest, **values: Any) -> SafeString:
    """The HTML of every panel of ``slot`` that has something to show, in order."""
    parts = []
    for panel in panels(slot):
        context = panel.context(request, **values)
        if context is None:
            continue
        parts.append(render_to_string(panel.template, {**values, **context}, request=request))
    return mark_safe("".join(parts))  # each part is a rendered, escaped template
