"""Template helpers of the directory pages."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The characters that could end a <script> element or start markup inside it,
# written as JSON escapes (the same set Django's json_script uses).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict[str, Any]) -> SafeString:
    """Structured data as ``<script type="application/ld+json">``.

    Django's ``json_script`` cannot set that type; the escaping is the same, so a
    name such as ``</script>`` stays inside the JSON.
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@register.filter
def coordinate(value: float | None) -> str:
    """Five decimals (about one metre), with a dot whatever the language."""
    return "" if value is None else f"{value:.5f}"
