"""The relay's services: start a conversation, answer, reveal, block, and the queries the
apps above read ("who responded", a user's conversations, figures)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from ..choices import MailList
from ..models import (
    Conversation,
    Participant,
    PartyBlock,
    PartyPolicy,
    PendingRelay,
    RelayedMessage,
)
from ..services import enqueue, normalise_address

MAX_BODY = 4000


@dataclass(frozen=True)
class Party:
    """One side of a conversation: ``key`` names it for policies and blocks, ``name`` is
    what the other side sees, ``address`` is never shown to the other side unless the
    recipient reveals it."""

    key: str
    name: str
    address: str
    user_id: int | None = None


def visitor_key(address: str) -> str:
    """The key of a visitor without an account: a keyed hash of the address (blocks hold
    without storing the address)."""
    digest = hashlib.blake2b(
        normalise_address(address).encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()
    return f"visitor:{digest}"


def _token() -> str:
    return secrets.token_urlsafe(32)


def participant_url(participant: Participant) -> str:
    return settings.PORTAL_URL + reverse("messaging:conversation", args=[participant.token])


def _add_participant(
    conversation: Conversation, side: str, party: Party, list_name: str, note: str = ""
) -> Participant:
    return Participant.objects.create(
        conversation=conversation,
        side=side,
        key=party.key[:100],
        name=party.name[:200],
        address=normalise_address(party.address),
        user_id=party.user_id,
        token=_token(),
        list_name=list_name,
        note=note,
    )


def _notify(message: RelayedMessage) -> None:
    """One mail per participant of the other side; no address of the author in it (nor
    to a participant whose address was erased with their account: messaging.privacy)."""
    conversation = message.conversation
    author = message.author
    for participant in conversation.participants.exclude(side=author.side).exclude(address=""):
        enqueue(
            to=participant.address,
            subject=conversation.subject,
            template="messaging/relay/email/message",
            context={
                "conversation": conversation,
                "author_name": author.name,
                "body": message.body,
                "link": participant_url(participant),
                "note": participant.note,
                "first": conversation.message_count == 1,
            },
            key=f"relay:{message.pk}:{participant.pk}",
            category=participant.list_name,
        )


def start_conversation(
    *,
    about: str,
    about_title: str,
    about_url: str,
    subject: str,
    sender: Party,
    recipient: Party | Sequence[Party],
    body: str,
    recipient_list: str = MailList.TRANSACTIONAL,
    recipient_note: str = "",
) -> Conversation:
    """Store a conversation with its first message and relay it: a mail to each recipient
    (``recipient_list`` decides whether it is a list mail with an unsubscribe link) and a
    copy with the private link to the sender. All in one transaction."""
    recipients = [recipient] if isinstance(recipient, Party) else list(recipient)
    if not recipients:
        raise ValueError("A conversation needs at least one recipient")
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            about=about[:100],
            about_title=about_title[:300],
            about_url=about_url[:500],
            subject=" ".join(subject.split())[:200],
            created=now,
            last_message_at=now,
            message_count=1,
        )
        author = _add_participant(conversation, Participant.Side.SENDER, sender, "transactional")
        for party in recipients:
            _add_participant(
                conversation, Participant.Side.RECIPIENT, party, recipient_list, recipient_note
            )
        message = RelayedMessage.objects.create(
            conversation=conversation, author=author, body=body[:MAX_BODY], created=now
        )
        _notify(message)
        enqueue(
            to=author.address,
            subject=conversation.subject,
            template="messaging/relay/email/copy",
            context={
                "conversation": conversation,
                "recipient_name": recipients[0].name,
                "body": message.body,
                "link": participant_url(author),
            },
            key=f"relay-copy:{conversation.pk}",
        )
    return conversation


def reply(conversation: Conversation, participant: Participant, body: str) -> RelayedMessage:
    """An answer by ``participant``, relayed to the other side."""
    if participant.conversation_id != conversation.pk:
        raise ValueError("The participant does not belong to this conversation")
    now = timezone.now()
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        message = RelayedMessage.objects.create(
            conversation=locked, author=participant, body=body[:MAX_BODY], created=now
        )
        locked.message_count += 1
        locked.last_message_at = now
        if participant.side == Participant.Side.RECIPIENT and locked.first_reply_at is None:
            locked.first_reply_at = now
        locked.save(update_fields=["message_count", "last_message_at", "first_reply_at"])
        message.conversation = locked
        _notify(message)
    conversation.refresh_from_db()
    return message


def reveal(conversation: Conversation, participant: Participant) -> None:
    """The recipient chose to answer by email: from now on the recipient side sees the
    sender's address (and the conversation records when)."""
    if participant.side != Participant.Side.RECIPIENT:
        raise PermissionError("Only the recipient reveals the sender's address")
    Conversation.objects.filter(pk=conversation.pk, revealed_at__isnull=True).update(
        revealed_at=timezone.now()
    )
    conversation.refresh_from_db()


def participant_for_token(token: str) -> Participant | None:
    if not token or len(token) > 64:
        return None
    return Participant.objects.select_related("conversation").filter(token=token).first()


def conversations_about(about: str) -> QuerySet[Conversation]:
    """Conversations about one thing (``posting:5``), newest first: who responded. Each
    has ``message_count``, ``first_reply_at`` (None: not answered), ``created``."""
    return Conversation.objects.filter(about=about).order_by("-created")


def conversations_of(user: Any) -> QuerySet[Conversation]:
    """The conversations a signed-in user takes part in (as sender or recipient)."""
    if not getattr(user, "is_authenticated", False):
        return Conversation.objects.none()
    return (
        Conversation.objects.filter(participants__user=user).distinct().order_by("-last_message_at")
    )


def waiting_for(user: Any) -> int:
    """How many of a signed-in user's conversations wait for their side: the last
    message came from the other side (one query; the account page shows it)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    last_side = (
        RelayedMessage.objects.filter(conversation=OuterRef("conversation"))
        .order_by("-created", "-pk")
        .values("author__side")[:1]
    )
    return (
        Participant.objects.filter(user=user)
        .annotate(last_side=Subquery(last_side))
        .exclude(last_side=F("side"))
        .values("conversation")
        .distinct()
        .count()
    )


# --- Who may write: policies and blocks by party key -------------------------------------


def policy_of(key: str) -> str:
    found = PartyPolicy.objects.filter(key=key).values_list("policy", flat=True).first()
    return found or PartyPolicy.Policy.EVERYONE


def set_policy(key: str, policy: str) -> None:
    if policy not in PartyPolicy.Policy.values:
        raise ValueError(f"Unknown policy {policy!r}")
    PartyPolicy.objects.update_or_create(
        key=key, defaults={"policy": policy, "modified": timezone.now()}
    )


def block(party: str, blocked: str, label: str = "") -> None:
    PartyBlock.objects.get_or_create(party=party, blocked=blocked, defaults={"label": label[:200]})


def unblock(party: str, blocked: str) -> None:
    PartyBlock.objects.filter(party=party, blocked=blocked).delete()


def is_blocked(party: str, sender_keys: Sequence[str]) -> bool:
    return PartyBlock.objects.filter(party=party, blocked__in=list(sender_keys)).exists()


# --- Retention -----------------------------------------------------------------------------


def delete_expired(now: datetime) -> int:
    """Delete conversations without a message for ``RETENTION_RELAY_DAYS`` (with their
    messages and private links) and waiting visitor messages past their link."""
    cutoff = now - timedelta(days=settings.RETENTION_RELAY_DAYS)
    count, _detail = Conversation.objects.filter(last_message_at__lt=cutoff).delete()
    stale = now - timedelta(hours=settings.RELAY_LINK_HOURS)
    pending, _detail = PendingRelay.objects.filter(
        Q(created__lt=stale) | Q(confirmed_at__isnull=False, created__lt=stale)
    ).delete()
    return count + pending
