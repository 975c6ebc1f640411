"""What the funding programmes hold about a person: the programmes they follow (for their
data download and for deleting their account; docs/funding.md, "Privacy")."""

from __future__ import annotations

from typing import Any

from .models import Follow


def export_follows(user: Any) -> list[dict[str, Any]]:
    follows = Follow.objects.filter(user=user).select_related("programme").order_by("created")
    return [
        {
            "programme": follow.programme.name,
            "address": follow.programme.get_absolute_url(),
            "since": follow.created.isoformat(),
        }
        for follow in follows
    ]


def erase_follows(user: Any) -> None:
    Follow.objects.filter(user=user).delete()
