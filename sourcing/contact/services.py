"""Contact without exposing addresses, the organisation side: who receives an
organisation's relayed messages, who may write to it, and the delivery of one message to
one or several organisations through ``messaging.relay`` (docs/sourcing.md, "Contacting
organisations"; docs/messaging.md, "Relayed conversations")."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrganisationEditor
from accounts.permissions import holds_role, is_staff
from directory.models import Organisation
from messaging import relay
from messaging.choices import MailList
from messaging.models import Conversation, PartyBlock, PartyPolicy, PendingRelay
from messaging.services import enqueue, is_suppressed, normalise_address

Party = relay.Party
# Who may write to an organisation (stored in messaging by the key "organisation:<pk>").
ContactSetting = PartyPolicy.Policy

SESSION_KEY = "relay_confirmed"


def organisation_key(organisation: Organisation) -> str:
    return f"organisation:{organisation.pk}"


def has_editor(organisation: Organisation) -> bool:
    return OrganisationEditor.objects.filter(organisation=organisation).exists()


def recipients_for(organisation: Organisation) -> tuple[list[Party], bool]:
    """The parties that receive the organisation's messages and whether it is unclaimed:
    its editors with a verified address, or (no such editor) its general address."""
    editors = (
        OrganisationEditor.objects.filter(
            organisation=organisation,
            user__is_active=True,
            user__account__email_verified_at__isnull=False,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    parties = [
        Party(
            key=organisation_key(organisation),
            name=organisation.name,
            address=editor.user.email,
            user_id=editor.user_id,
        )
        for editor in editors
    ]
    if parties:
        return parties, False
    if organisation.email:
        return [
            Party(
                key=organisation_key(organisation),
                name=organisation.name,
                address=organisation.email,
            )
        ], True
    return [], True


def sender_keys(sender: Party) -> list[str]:
    keys = [sender.key, relay.visitor_key(sender.address)]
    if sender.user_id is not None:
        keys.append(f"user:{sender.user_id}")
    return keys


def accepts_messages(organisation: Organisation) -> tuple[bool, str]:
    """Whether anyone may write to the organisation at all (the form is shown)."""
    recipients, unclaimed = recipients_for(organisation)
    if not recipients:
        return False, _("This organisation cannot be contacted through the portal.")
    if unclaimed and is_suppressed(recipients[0].address, MailList.RELAYED_CONTACT):
        return False, _("This organisation receives no messages through the portal.")
    if relay.policy_of(organisation_key(organisation)) == ContactSetting.NOBODY:
        return False, _("This organisation receives no messages through the portal.")
    return True, ""


def may_write(organisation: Organisation, sender: Party | None) -> tuple[bool, str]:
    """Whether ``sender`` may write to ``organisation`` now, and if not, why (a sentence
    for the form; a blocked sender gets a neutral one)."""
    ok, reason = accepts_messages(organisation)
    if not ok or sender is None:
        return ok, reason
    policy = relay.policy_of(organisation_key(organisation))
    if policy == ContactSetting.REGISTERED and sender.user_id is None:
        return False, _(
            "This organisation accepts messages from registered users only. "
            "Please sign in or register."
        )
    if relay.is_blocked(organisation_key(organisation), sender_keys(sender)):
        return False, _("Your message cannot be delivered to this organisation.")
    return True, ""


def sender_for_user(user: Any, name: str) -> Party | None:
    """A signed-in user with a verified address as a sender, else None."""
    if not getattr(user, "is_authenticated", False) or not user.email:
        return None
    account = getattr(user, "account", None)
    if account is None or account.email_verified_at is None:
        return None
    return Party(key=f"user:{user.pk}", name=name, address=user.email, user_id=user.pk)


def confirmed_sender(session: Any, name: str) -> Party | None:
    """A visitor whose address was confirmed by a one-time link in this session."""
    data = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(data, dict):
        return None
    try:
        until = float(data.get("until", 0))
        address = str(data["address"])
    except (KeyError, TypeError, ValueError):
        return None
    if until < timezone.now().timestamp():
        return None
    return Party(key=relay.visitor_key(address), name=name, address=address)


def remember_confirmed(session: Any, address: str) -> None:
    until = timezone.now() + timedelta(hours=settings.RELAY_CONFIRMED_HOURS)
    session[SESSION_KEY] = {"address": normalise_address(address), "until": until.timestamp()}


@dataclass
class Delivery:
    sent: list[tuple[Organisation, Conversation]] = field(default_factory=list)
    skipped: list[tuple[Organisation, str]] = field(default_factory=list)


def about_of(about: str) -> tuple[str, str, str]:
    """(key, title, url) of what a message is about: ``posting:<pk>`` of an open posting,
    else nothing."""
    kind, _sep, pk = about.partition(":")
    if kind == "posting" and pk.isascii() and pk.isdigit() and len(pk) < 12:
        from sourcing.models import Posting

        posting = Posting.objects.filter(pk=int(pk)).first()
        if posting is not None and posting.is_open:
            return about, posting.title, settings.PORTAL_URL + posting.get_absolute_url()
    return "", "", ""


def _note(organisation: Organisation, unclaimed: bool) -> str:
    if not unclaimed:
        return ""
    claim = settings.PORTAL_URL + reverse("accounts:claim", args=[organisation.slug])
    profile = settings.PORTAL_URL + organisation.get_absolute_url()
    return _(
        "You receive this message at the general address of %(name)s because a visitor "
        "of %(portal)s wrote to the organisation through its profile (%(profile)s). "
        "Nobody maintains this profile yet; to maintain it and receive messages in your "
        "own account, claim it here: %(claim)s. To receive no more such messages, use "
        "the unsubscribe link below."
    ) % {
        "name": organisation.name,
        "portal": settings.PORTAL_NAME,
        "profile": profile,
        "claim": claim,
    }


def deliver(
    *,
    sender: Party,
    organisations: list[Organisation],
    subject: str,
    body: str,
    about: str = "",
) -> Delivery:
    """One separate conversation per organisation that accepts the sender's message; the
    others are listed as skipped with the reason. All in one transaction."""
    about_key, about_title, about_url = about_of(about)
    delivery = Delivery()
    with transaction.atomic():
        for organisation in organisations:
            ok, reason = may_write(organisation, sender)
            if not ok:
                delivery.skipped.append((organisation, reason))
                continue
            recipients, unclaimed = recipients_for(organisation)
            conversation = relay.start_conversation(
                about=about_key or organisation_key(organisation),
                about_title=about_title or organisation.name,
                about_url=about_url or settings.PORTAL_URL + organisation.get_absolute_url(),
                subject=subject,
                sender=sender,
                recipient=recipients,
                body=body,
                recipient_list=MailList.RELAYED_CONTACT if unclaimed else MailList.TRANSACTIONAL,
                recipient_note=_note(organisation, unclaimed),
            )
            delivery.sent.append((organisation, conversation))
    return delivery


def hold_for_confirmation(
    *, name: str, address: str, organisation_ids: list[int], subject: str, body: str, about: str
) -> PendingRelay:
    """Store a visitor's message and send the one-time link to their address."""
    with transaction.atomic():
        pending = PendingRelay.objects.create(
            token=secrets.token_urlsafe(32),
            name=name,
            address=normalise_address(address),
            payload={
                "organisations": organisation_ids,
                "subject": subject,
                "body": body,
                "about": about,
            },
        )
        enqueue(
            to=pending.address,
            subject=_("Please confirm your address to send your message"),
            template="sourcing/contact/email/confirm",
            context={
                "name": name,
                "subject_line": subject,
                "link": settings.PORTAL_URL
                + reverse("sourcing:contact-confirm", args=[pending.token]),
                "hours": settings.RELAY_LINK_HOURS,
            },
            key=f"relay-confirm:{pending.pk}",
        )
    return pending


def pending_for_token(token: str) -> PendingRelay | None:
    if not token or len(token) > 64:
        return None
    stale = timezone.now() - timedelta(hours=settings.RELAY_LINK_HOURS)
    return PendingRelay.objects.filter(
        token=token, confirmed_at__isnull=True, created__gte=stale
    ).first()


def confirm_pending(pending: PendingRelay) -> Delivery:
    """The visitor clicked the one-time link: relay their message (once)."""
    with transaction.atomic():
        locked = PendingRelay.objects.select_for_update().get(pk=pending.pk)
        if locked.confirmed_at is not None:
            return Delivery()
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
        payload = locked.payload
        ids = [int(pk) for pk in payload.get("organisations", []) if isinstance(pk, int)]
        by_id = Organisation.objects.in_bulk(ids)
        sender = Party(
            key=relay.visitor_key(locked.address), name=locked.name, address=locked.address
        )
        return deliver(
            sender=sender,
            organisations=[by_id[pk] for pk in ids if pk in by_id],
            subject=str(payload.get("subject", "")),
            body=str(payload.get("body", "")),
            about=str(payload.get("about", "")),
        )


# --- Settings of an organisation ------------------------------------------------------------


def may_manage(user: Any, organisation: Organisation) -> bool:
    return is_staff(user) or holds_role(user, organisation)


def setting_of(organisation: Organisation) -> str:
    return relay.policy_of(organisation_key(organisation))


def change_setting(organisation: Organisation, policy: str) -> None:
    relay.set_policy(organisation_key(organisation), policy)


def blocks_of(organisation: Organisation) -> list[PartyBlock]:
    return list(
        PartyBlock.objects.filter(party=organisation_key(organisation)).order_by("-created")
    )


def unblock(organisation: Organisation, block_id: int) -> None:
    PartyBlock.objects.filter(party=organisation_key(organisation), pk=block_id).delete()
