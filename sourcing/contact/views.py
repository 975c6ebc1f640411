"""Pages of the relayed contact: write to an organisation or about a request or offer,
to several selected organisations at once, confirm a visitor's address by the one-time
link, and an organisation's contact settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.abuse import hit_rate_limit, rate_limited_response
from directory.models import Organisation
from messaging.relay import participant_url

from . import services
from .forms import ContactForm, SettingsForm


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 12


def _published(queryset: Any) -> Any:
    return queryset.filter(status="published")


def _sender(request: HttpRequest, name: str) -> services.Party | None:
    return services.sender_for_user(request.user, name) or services.confirmed_sender(
        request.session, name
    )


def _needs_address(request: HttpRequest) -> bool:
    return _sender(request, "-") is None


def _initial(request: HttpRequest) -> dict[str, str]:
    user: Any = request.user
    if user.is_authenticated:
        return {"name": user.get_full_name()}
    return {}


def _write(
    request: HttpRequest,
    organisations: list[Organisation],
    about: str,
    context: dict[str, Any],
    form_action: str,
) -> HttpResponse:
    """The shared flow of the three contact pages: show the form, then relay at once
    (confirmed sender) or hold the message for the one-time link."""
    needs_address = _needs_address(request)
    # A visitor without a confirmed address is checked as an unregistered sender, so a
    # "registered users only" organisation says so before anything is written.
    checked = _sender(request, "-") or services.Party("visitor:", "-", "")
    refusals = [(org, services.may_write(org, checked)) for org in organisations]
    open_orgs = [org for org, (ok, _reason) in refusals if ok]
    context = {
        **context,
        "organisations": organisations,
        "refusals": [(org, reason) for org, (ok, reason) in refusals if not ok],
        "form_action": form_action,
        "about": about,
        "needs_address": needs_address,
        "relay_max": settings.RELAY_MAX_RECIPIENTS,
    }
    sending = request.method == "POST" and request.POST.get("step") == "send"
    form = ContactForm(
        request.POST if sending else None, needs_address=needs_address, initial=_initial(request)
    )
    if sending and open_orgs:
        if hit_rate_limit(request, "contact"):
            return rate_limited_response(request, "contact")
        if form.is_valid():
            data = form.cleaned_data
            sender = _sender(request, data["name"])
            if sender is None:
                if hit_rate_limit(request, "address", extra=data["email"].lower()):
                    return rate_limited_response(request, "address")
                services.hold_for_confirmation(
                    name=data["name"],
                    address=data["email"],
                    organisation_ids=[org.pk for org in open_orgs],
                    subject=data["subject"],
                    body=data["body"],
                    about=about,
                )
                return render(
                    request, "sourcing/contact/check_mail.html", {"address": data["email"]}
                )
            delivery = services.deliver(
                sender=sender,
                organisations=open_orgs,
                subject=data["subject"],
                body=data["body"],
                about=about,
            )
            return _sent(request, delivery)
    context["form"] = form
    context["open_orgs"] = open_orgs
    status = 400 if sending and form.errors else 200
    return render(request, "sourcing/contact/write.html", context, status=status)


def _sent(request: HttpRequest, delivery: services.Delivery) -> HttpResponse:
    links = []
    for organisation, conversation in delivery.sent:
        own = conversation.participants.filter(side="sender").first()
        url = ""
        if own is not None:
            url = (
                conversation.get_absolute_url()
                if own.user_id is not None and own.user_id == getattr(request.user, "pk", None)
                else participant_url(own).removeprefix(settings.PORTAL_URL)
            )
        links.append((organisation, url))
    return render(
        request, "sourcing/contact/sent.html", {"sent": links, "skipped": delivery.skipped}
    )


@require_http_methods(["GET", "POST"])
def contact_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(_published(Organisation.objects), slug=slug)
    return _write(
        request,
        [organisation],
        "",
        {"title": _("Write to %(name)s") % {"name": organisation.name}, "single": organisation},
        reverse("sourcing:contact-organisation", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
def contact_posting(request: HttpRequest, pk: int) -> HttpResponse:
    from sourcing.models import Posting

    posting = get_object_or_404(Posting.objects.select_related("organisation"), pk=pk)
    if not posting.is_open:
        raise Http404
    return _write(
        request,
        [posting.organisation],
        f"posting:{posting.pk}",
        {
            "title": _("Respond to: %(title)s") % {"title": posting.title},
            "posting": posting,
            "single": posting.organisation,
        },
        reverse("sourcing:contact-posting", args=[pk]),
    )


@require_POST
def contact_selected(request: HttpRequest) -> HttpResponse:
    """One message to several organisations picked on the need page or a request's
    matches: one separate conversation each."""
    ids: list[int] = []
    for value in request.POST.getlist("organisation"):
        if _is_id(value) and int(value) not in ids:
            ids.append(int(value))
    about = request.POST.get("about", "")
    about = about if about.startswith("posting:") and len(about) < 40 else ""
    context: dict[str, Any] = {"title": _("Write to the selected organisations")}
    if not ids:
        context["problem"] = _("Select at least one organisation.")
        return render(request, "sourcing/contact/problem.html", context, status=400)
    if len(ids) > settings.RELAY_MAX_RECIPIENTS:
        context["problem"] = _(
            "You selected %(count)d organisations; one message may go to at most %(limit)d. "
            "Go back and select fewer."
        ) % {"count": len(ids), "limit": settings.RELAY_MAX_RECIPIENTS}
        return render(request, "sourcing/contact/problem.html", context, status=400)
    by_id = _published(Organisation.objects).in_bulk(ids)
    organisations = [by_id[pk] for pk in ids if pk in by_id]
    if not organisations:
        context["problem"] = _("None of the selected organisations was found.")
        return render(request, "sourcing/contact/problem.html", context, status=400)
    if about:
        key, title, _url = services.about_of(about)
        about = key
        if title:
            context["about_title"] = title
    return _write(request, organisations, about, context, reverse("sourcing:contact-selected"))


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: GET asks (a mail scanner must not send anything), POST confirms
    the address, remembers it in the session and relays the waiting message."""
    pending = services.pending_for_token(token)
    if pending is None:
        return render(request, "sourcing/contact/confirm.html", {"invalid": True}, status=404)
    if request.method == "POST":
        delivery = services.confirm_pending(pending)
        services.remember_confirmed(request.session, pending.address)
        return _sent(request, delivery)
    return render(request, "sourcing/contact/confirm.html", {"pending": pending, "token": token})


@require_http_methods(["GET", "POST"])
def contact_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not services.may_manage(request.user, organisation):
        raise PermissionDenied
    form = SettingsForm(initial={"policy": services.setting_of(organisation)})
    saved = False
    if request.method == "POST":
        if "unblock" in request.POST:
            value = request.POST.get("unblock", "")
            if _is_id(value):
                services.unblock(organisation, int(value))
            saved = True
        else:
            form = SettingsForm(request.POST)
            if form.is_valid():
                services.change_setting(organisation, form.cleaned_data["policy"])
                saved = True
    return render(
        request,
        "sourcing/contact/settings.html",
        {
            "organisation": organisation,
            "form": form,
            "saved": saved,
            "blocks": services.blocks_of(organisation),
        },
    )
