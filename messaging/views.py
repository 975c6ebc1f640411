"""The unsubscribe page that every list mail links to (and its RFC 8058 one-click POST)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.abuse import clean_text, hit_rate_limit, rate_limited_response

from . import services
from .models import Participant
from .relay import services as relay_services


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


# --- Relayed conversations ----------------------------------------------------------------


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=relay_services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_body(self) -> str:
        text = clean_text(self.cleaned_data["body"], relay_services.MAX_BODY)
        if not text:
            raise forms.ValidationError(_("Write a few words."))
        return text


def _conversation_page(
    request: HttpRequest, participant: Participant, action_url: str
) -> HttpResponse:
    conversation = participant.conversation
    form = ReplyForm()
    notice = ""
    if request.method == "POST":
        action = request.POST.get("action", "reply")
        if hit_rate_limit(request, "contact"):
            return rate_limited_response(request, "contact")
        if action == "reveal" and participant.side == Participant.Side.RECIPIENT:
            relay_services.reveal(conversation, participant)
            notice = str(_("You now see the sender's address and may answer by email."))
        elif action == "block" and participant.side == Participant.Side.RECIPIENT:
            for sender in conversation.participants.filter(side=Participant.Side.SENDER):
                relay_services.block(participant.key, sender.key, sender.name)
            notice = str(_("The sender is blocked and cannot write to you again."))
        elif action == "reply":
            form = ReplyForm(request.POST)
            if form.is_valid():
                relay_services.reply(conversation, participant, form.cleaned_data["body"])
                messages.success(request, _("Your answer was sent."))
                return redirect(action_url)
        else:
            return HttpResponse(status=400)
    conversation.refresh_from_db()
    others = conversation.participants.exclude(side=participant.side)
    show_addresses = (
        participant.side == Participant.Side.RECIPIENT and conversation.revealed_at is not None
    )
    blocked = participant.side == Participant.Side.RECIPIENT and relay_services.is_blocked(
        participant.key, list(others.values_list("key", flat=True))
    )
    return render(
        request,
        "messaging/relay/conversation.html",
        {
            "conversation": conversation,
            "participant": participant,
            "others": others,
            "entries": conversation.messages.select_related("author"),
            "form": form,
            "notice": notice,
            "show_addresses": show_addresses,
            "is_recipient": participant.side == Participant.Side.RECIPIENT,
            "blocked": blocked,
            "action_url": action_url,
        },
    )


@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, token: str) -> HttpResponse:
    """A conversation by a participant's private link (no account needed)."""
    participant = relay_services.participant_for_token(token)
    if participant is None:
        raise Http404
    response = _conversation_page(
        request, participant, reverse("messaging:conversation", args=[token])
    )
    # The token must not leak to other sites through links ("no-referrer" would make the
    # browser send "Origin: null" with the answer form, which CSRF refuses).
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def conversation_mine(request: HttpRequest, pk: int) -> HttpResponse:
    """A conversation of the signed-in user (only participants; staff use the admin)."""
    participant = (
        Participant.objects.select_related("conversation")
        .filter(conversation_id=pk, user_id=int(request.user.pk or 0))
        .order_by("pk")
        .first()
    )
    if participant is None:
        raise Http404
    return _conversation_page(
        request, participant, reverse("messaging:conversation-mine", args=[pk])
    )


@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "messaging/relay/list.html",
        {"conversations": relay_services.conversations_of(request.user)[:200]},
    )
