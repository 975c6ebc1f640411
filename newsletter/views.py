"""Public pages of the newsletter: subscribing, confirming, preferences; the bounce
endpoint for the mail provider (docs/newsletter.md)."""

from __future__ import annotations

import contextlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import client_ip
from core.abuse import hit_rate_limit, rate_limited_response

from . import services
from .choices import BounceKind, SubscriberStatus
from .forms import PreferencesForm, SubscribeForm


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    initial = {"email": user.email} if user is not None else {}
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if hit_rate_limit(request, "newsletter"):
            return rate_limited_response(request, "newsletter")
        if form.is_valid():
            # The same new address sent twice at once: the other request writes it.
            with contextlib.suppress(IntegrityError):
                services.subscribe(
                    form.cleaned_data["email"],
                    form.cleaned_data["topics"],
                    ip=client_ip(request),
                    user=user,
                )
            # The same answer for every address: the page says nothing of who is subscribed.
            return redirect("newsletter:thanks")
    return render(request, "newsletter/subscribe.html", {"form": form})


def thanks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "newsletter/thanks.html",
        {"hours": settings.NEWSLETTER_CONFIRM_HOURS},
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a link scanner must not subscribe anyone), POST confirms."""
    if request.method == "GET":
        return render(request, "newsletter/confirm.html", {"token": token})
    try:
        subscriber = services.confirm(token)
    except services.LinkExpired:
        return render(request, "newsletter/confirm.html", {"expired": True}, status=410)
    except services.LinkInvalid:
        return render(request, "newsletter/confirm.html", {"invalid": True}, status=404)
    messages.success(request, _("Thank you: your subscription is confirmed."))
    return redirect("newsletter:preferences", token=subscriber.token)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_for_token(token)
    if subscriber is None:
        return render(request, "newsletter/preferences.html", {"invalid": True}, status=404)
    form = PreferencesForm(request.POST or None, initial={"topics": list(subscriber.topics.all())})
    if request.method == "POST":
        if request.POST.get("action") == "unsubscribe":
            services.unsubscribe(subscriber)
            messages.success(request, _("You are unsubscribed and get no more issues."))
            return redirect("newsletter:preferences", token=token)
        if form.is_valid():
            services.set_topics(subscriber, form.cleaned_data["topics"])
            messages.success(request, _("Your topics are saved."))
            return redirect("newsletter:preferences", token=token)
    return render(
        request,
        "newsletter/preferences.html",
        {
            "subscriber": subscriber,
            "form": form,
            "active": subscriber.status == SubscriberStatus.CONFIRMED,
            "pending": subscriber.status == SubscriberStatus.PENDING,
        },
    )


def _bounce_error(text: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": text}, status=status)


@csrf_exempt  # a mail provider's webhook: the shared secret is the key
@require_POST
def bounces(request: HttpRequest) -> JsonResponse:
    """``POST /newsletter/bounces/`` with ``Authorization: Bearer <NEWSLETTER_BOUNCE_SECRET>``
    and a JSON body ``{"address": "…", "kind": "hard"|"soft"|"complaint", "detail": "…"}``
    (or a list of such objects). Answers 200 with the number recorded."""
    secret = settings.NEWSLETTER_BOUNCE_SECRET
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not secret:
        return _bounce_error("The bounce endpoint is switched off (no secret set).", 404)
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _bounce_error("Wrong or missing secret (Authorization: Bearer …).", 401)
    try:
        body: Any = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _bounce_error("The body is not JSON.")
    reports = body if isinstance(body, list) else [body]
    if not reports or len(reports) > 1000:
        return _bounce_error("Send between 1 and 1000 reports.")
    checked: list[tuple[str, str, str]] = []
    for number, report in enumerate(reports, 1):
        if not isinstance(report, dict):
            return _bounce_error(f"Report {number}: an object is expected.")
        address, kind, detail = report.get("address"), report.get("kind"), report.get("detail", "")
        if not isinstance(address, str) or len(address) > 254:
            return _bounce_error(f"Report {number}: 'address' must be an email address.")
        try:
            validate_email(address)
        except ValidationError:
            return _bounce_error(f"Report {number}: 'address' must be an email address.")
        if kind not in BounceKind.values:
            return _bounce_error(
                f"Report {number}: 'kind' must be one of {', '.join(BounceKind.values)}."
            )
        if not isinstance(detail, str) or "\x00" in detail or "\x00" in address:
            return _bounce_error(f"Report {number}: 'detail' must be text.")
        checked.append((address, kind, detail))
    for address, kind, detail in checked:
        services.record_bounce(address, kind, detail)
    return JsonResponse({"recorded": len(checked)})
