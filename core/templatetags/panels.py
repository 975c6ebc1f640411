"""``{% panels "slot" name=value … %}``: the sections other apps add to this page
(``core.panels``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, **values: Any) -> SafeString:
    return render_panels(slot, context["request"], **values)
