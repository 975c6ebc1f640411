"""Relayed conversations: messages between two parties that are sent by email through
the outbox without either side seeing the other's address (docs/messaging.md,
"Relayed conversations").

Generic: parties are string keys (``organisation:17``, ``user:3``, ``visitor:<hash>``),
what a conversation is about too (``posting:5``); the apps above decide who the parties
are and who may write (``sourcing.contact.services``).
"""

from .services import (
    Party,
    block,
    conversations_about,
    conversations_of,
    delete_expired,
    is_blocked,
    participant_for_token,
    participant_url,
    policy_of,
    reply,
    reveal,
    set_policy,
    start_conversation,
    unblock,
    visitor_key,
    waiting_for,
)

__all__ = [
    "Party",
    "block",
    "conversations_about",
    "conversations_of",
    "delete_expired",
    "is_blocked",
    "participant_for_token",
    "participant_url",
    "policy_of",
    "reply",
    "reveal",
    "set_policy",
    "start_conversation",
    "unblock",
    "visitor_key",
    "waiting_for",
]
