"""The page where an organisation's editors choose the digest of new fitting requests
(``/gesuche/benachrichtigungen/<slug>/``; editors of the organisation and staff only)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, can
from core.abuse import hit_rate_limit, rate_limited_response
from directory.models import Organisation

from ..models import DigestFrequency, DigestSubscription
from .notifications import set_digest


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=gettext_lazy("Send the digest of new fitting requests"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )


def digest_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = Organisation.objects.filter(slug=slug).first()
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if organisation is None or not can(request.user, Action.EDIT, organisation):
        raise Http404(_("No organisation you may change is published under this address."))
    current = DigestSubscription.objects.filter(organisation=organisation).first()
    initial = current.frequency if current else DigestFrequency.OFF
    if request.method == "POST":
        if hit_rate_limit(request, "default"):
            return rate_limited_response(request, "default")
        form = DigestForm(request.POST)
        if form.is_valid():
            sub = set_digest(organisation, form.cleaned_data["frequency"], request.user)
            messages.success(
                request,
                _("Saved: the digest is %(frequency)s.")
                % {"frequency": sub.get_frequency_display()},
            )
            return redirect(request.path)
    else:
        form = DigestForm(initial={"frequency": initial})
    return render(
        request,
        "sourcing/postings/digest_settings.html",
        {"organisation": organisation, "form": form, "subscription": current},
    )
