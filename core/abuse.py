"""What every public form uses against abuse: a honeypot field, a rate limit per client
and the cleaning of free text that the portal relays to other people.

- ``HoneypotMixin``: a form field that people do not see (hidden by CSS and from
  assistive technology) and bots fill in; a filled one fails validation with a neutral
  message and nothing is written.
- ``hit_rate_limit(request, scope)``: counts one attempt of the client for ``scope``
  and says whether it is over the limit of ``settings.RATE_LIMITS[scope]`` (attempts
  per window). The counters live in Django's cache: per process with the default
  local-memory cache, shared between processes and nodes with a shared cache backend
  (docs/operations). ``rate_limited_response`` is the one 429 page.
- ``clean_text``: plain text as a person typed it, without control characters,
  direction overrides and zero-width tricks, line breaks normalised; templates escape it
  on output like every other text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website_url"

# Default limits (attempts, window in seconds); settings.RATE_LIMITS overrides per scope.
DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "default": (20, 3600),
}


class HoneypotMixin(forms.Form):
    """Adds the honeypot field; mix into any public ``Form`` or ``ModelForm``."""

    website_url = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if str(self.data.get(HONEYPOT_FIELD, "")).strip():
            # Shown above the form: the field itself is hidden.
            self.add_error(
                None,
                forms.ValidationError(
                    _("This form could not be sent. Please leave the last field empty."),
                    code="honeypot",
                ),
            )
        cleaned[HONEYPOT_FIELD] = ""
        return cleaned


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind a reverse proxy the last entry of
    the header named by ``CLIENT_IP_HEADER`` (the one the trusted proxy added)."""
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        last = request.META.get(header, "").split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address (``client_ip``): counters never hold the
    address itself."""
    address = client_ip(request)
    return hashlib.blake2b(
        address.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=12
    ).hexdigest()


def rate_limit(scope: str) -> tuple[int, int]:
    limits: dict[str, tuple[int, int]] = {
        **DEFAULT_RATE_LIMITS,
        **getattr(settings, "RATE_LIMITS", {}),
    }
    return limits.get(scope, limits["default"])


def hit_rate_limit(request: HttpRequest, scope: str, extra: str = "") -> bool:
    """Count one attempt for ``scope`` (and ``extra``, e.g. a recipient) from this client;
    True when the client is over the limit and the attempt must be refused."""
    attempts, window = rate_limit(scope)
    if attempts <= 0:
        return False
    key = f"ratelimit:{scope}:{client_key(request)}:{extra}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
    return count > attempts


def rate_limited_response(request: HttpRequest, scope: str) -> HttpResponse:
    attempts, window = rate_limit(scope)
    minutes = max(1, round(window / 60))
    context: dict[str, Any] = {"attempts": attempts, "minutes": minutes}
    response = HttpResponse(
        render_to_string("core/rate_limited.html", context, request=request), status=429
    )
    response["Retry-After"] = str(window)
    return response


# Control characters except tab and line feed; bidirectional overrides and isolates;
# zero-width characters that hide text (the joiner stays: it builds emoji and scripts).
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def clean_text(value: str, max_length: int | None = None) -> str:
    """Free text of a person, safe to store, show and relay: NFC, ``\\r\\n`` → ``\\n``,
    no control or direction-override characters, at most two empty lines in a row, no
    trailing spaces; ``max_length`` cuts (forms check the length before)."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _UNWANTED.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{4,}", "\n\n\n", text).strip()
    if max_length is not None:
        text = text[:max_length]
    return text
