"""The unsubscribe page that every list mail links to (and its RFC 8058 one-click POST)."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services


@csrf_exempt  # the mail client's one-click POST has no CSRF token; the signed link is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link scanner must not unsubscribe anyone), POST unsubscribes; posting
    again changes nothing and answers the same."""
    try:
        subscription = services.subscription_for_token(token)
    except signing.BadSignature:
        return render(request, "messaging/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.unsubscribe(token)
        done = True
    return render(
        request,
        "messaging/unsubscribe.html",
        {"subscription": subscription, "done": done, "token": token},
    )
