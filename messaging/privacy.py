"""What the relay holds about one person, for their data download and for deleting their
account (docs/accounts.md, "Privacy").

A person's part of the relay is every participant row with their account or their
confirmed address (a visitor may have written before registering). The app that decides
who the parties are registers these functions with the accounts app
(``sourcing.privacy``): the outbox imports no app above it, not even to say what it holds.

Erasing keeps what the other side received: a relayed message is also the other side's
copy, and the relay's own retention (``RETENTION_RELAY_DAYS`` after a conversation's last
message, ``messaging.relay.delete_expired``) decides how long copies stay, for both sides
alike. What goes at once is what tells who the person was and how to reach them: the
address and the name on their side of each conversation, their private links, the name
a block shows, and their messages still waiting for confirmation.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Conversation, Participant, PartyBlock, PendingRelay
from .relay.services import visitor_key
from .services import normalise_address


def _participants(user: Any, address: str) -> QuerySet[Participant]:
    match = Q(user_id=user.pk)
    if address:
        match |= Q(address=normalise_address(address))
    return Participant.objects.filter(match)


def export_conversations(user: Any, address: str) -> dict[str, Any]:
    """The person's conversations with every message in them (subject, time, whether it
    came from their side, text) and the name of the party written to; never the other
    side's address or name. ``address``: their confirmed address ("" if none)."""
    mine = list(_participants(user, address).values_list("pk", "conversation_id", "side"))
    own = {pk for pk, _conversation, _side in mine}
    side_in = {conversation: side for _pk, conversation, side in mine}
    conversations = (
        Conversation.objects.filter(pk__in=side_in)
        .prefetch_related("participants", "messages__author")
        .order_by("created", "pk")
    )
    exported = []
    for conversation in conversations:
        side = side_in[conversation.pk]
        written_to = sorted(
            {
                p.name
                for p in conversation.participants.all()
                if p.side == Participant.Side.RECIPIENT
            }
        )
        exported.append(
            {
                "subject": conversation.subject,
                "about": conversation.about_title,
                "started": conversation.created.isoformat(),
                "your_side": side,
                "recipient": ", ".join(written_to),
                "messages": [
                    {
                        "time": message.created.isoformat(),
                        "direction": "sent" if message.author.side == side else "received",
                        "by_you": message.author_id in own,
                        "text": message.body,
                    }
                    for message in conversation.messages.all()
                ],
            }
        )
    waiting = []
    if address:
        waiting = [
            {
                "subject": str(pending.payload.get("subject", "")),
                "text": str(pending.payload.get("body", "")),
                "written": pending.created.isoformat(),
                "confirmed": pending.confirmed_at.isoformat() if pending.confirmed_at else None,
            }
            for pending in PendingRelay.objects.filter(address=normalise_address(address)).order_by(
                "created", "pk"
            )
        ]
    return {"conversations": exported, "waiting_for_confirmation": waiting}


def erase_conversations(user: Any, address: str) -> int:
    """Take the person out of their conversations: no address, no account, a new private
    link nobody holds, and on the side that wrote first a neutral name instead of theirs
    (the side written to is named after the party, an organisation, not the person). Their
    messages stay for the other side until the relay's retention; blocks of them stay but
    no longer show their name. Answers the number of participant rows changed."""
    mine = list(_participants(user, address))
    blocked_keys = {p.key for p in mine if p.side == Participant.Side.SENDER}
    if address:
        blocked_keys.add(visitor_key(address))
        PendingRelay.objects.filter(address=normalise_address(address)).delete()
    if blocked_keys:
        PartyBlock.objects.filter(blocked__in=blocked_keys).update(label="")
    with translation.override(settings.LANGUAGE_CODE):  # stored: the portal's language
        placeholder = _("Deleted account")
    for participant in mine:
        participant.address = ""
        participant.user = None
        participant.token = secrets.token_urlsafe(32)
        if participant.side == Participant.Side.SENDER:
            participant.name = placeholder
        participant.save(update_fields=["address", "user", "token", "name"])
    return len(mine)
