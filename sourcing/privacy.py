"""What Local Sourcing holds about a person, for their data download and for deleting
their account (registered in ``SourcingConfig.ready()``; docs/accounts.md, "Privacy").

Requests, offers and digest subscriptions belong to their organisation: deleting the
account that wrote them keeps them for the organisation's other editors and only drops
the link to the person (notices then go to the editors, ``poster_addresses``). The
relayed conversations are the relay's data (``messaging.privacy``); sourcing registers
them because it decides who the parties are, and gives them the confirmed address.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.privacy import confirmed_address
from messaging import privacy as relay_privacy

from .models import DigestSubscription, Posting


def export_postings(user: Any) -> list[dict[str, Any]]:
    postings: QuerySet[Posting] = (
        Posting.objects.filter(created_by=user).select_related("organisation").order_by("created")
    )
    return [
        {
            "kind": posting.kind,
            "title": posting.title,
            "description": posting.description,
            "organisation": posting.organisation.name,
            "status": posting.status,
            "created": posting.created.isoformat(),
            "published": posting.published_at.isoformat() if posting.published_at else None,
            "expires_on": posting.expires_on.isoformat() if posting.expires_on else None,
        }
        for posting in postings
    ]


def export_digests(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "organisation": sub.organisation.name,
            "frequency": sub.frequency,
            "created": sub.created.isoformat(),
        }
        for sub in DigestSubscription.objects.filter(created_by=user)
        .select_related("organisation")
        .order_by("created")
    ]


def export_sourcing(user: Any) -> dict[str, Any]:
    return {"postings_created": export_postings(user), "digests_chosen": export_digests(user)}


def erase_sourcing(user: Any) -> None:
    Posting.objects.filter(created_by=user).update(created_by=None)
    DigestSubscription.objects.filter(created_by=user).update(created_by=None)


def export_conversations(user: Any) -> dict[str, Any]:
    return relay_privacy.export_conversations(user, confirmed_address(user))


def erase_conversations(user: Any) -> None:
    relay_privacy.erase_conversations(user, confirmed_address(user))
