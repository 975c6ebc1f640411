"""Staff accounts are signed in only with a verified second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .services import needs_second_factor


class StaffTwoFactorMiddleware:
    """Ends a staff session that has no verified second factor (django-otp's
    ``OTPMiddleware`` runs first and tells). Such a session exists only when a
    signed-in user became staff, or was made by other means than the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated and needs_second_factor(user) and not user.is_verified()  # type: ignore[union-attr,attr-defined]
        ):
            logout(request)
            messages.warning(
                request, _("Staff accounts sign in with a one-time code. Please sign in again.")
            )
            login = reverse("accounts:login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
