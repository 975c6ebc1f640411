"""Telling staff that claims, reviewed changes and corrections wait for them.

Whatever creates such an item (a claim for review here, a change request or a correction
in ``directory``) saves it in a transaction; the receivers below write one email per
reviewer into the outbox in that same transaction, so a rolled-back request tells nobody
and a committed one tells everyone once. Code that creates many items at once (without
model signals) calls :func:`notify_reviewers` once with all of them: one email per
reviewer, not one per item.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.models import ChangeRequest
from messaging import services as outbox
from messaging.choices import MailList

from .models import Claim
from .permissions import STAFF_PERMISSION, Action

# Items named one by one in an email; more are counted.
LISTED_ITEMS = 20


def reviewers() -> QuerySet[Any]:
    """Active staff who may decide claims, changes and corrections (``Action.REVIEW``)."""
    app_label, codename = STAFF_PERMISSION[Action.REVIEW].split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    may = Q(is_superuser=True)
    if permission is not None:
        may |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return (
        get_user_model()
        .objects.filter(may, is_active=True, is_staff=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def waiting_claims() -> QuerySet[Claim]:
    """Claims that wait for staff (a domain claim waits for its code, not for staff)."""
    return Claim.objects.filter(status=Claim.Status.PENDING, method=Claim.Method.REVIEW)


def waiting_changes() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)


def waiting_counts() -> dict[str, int]:
    """What the back office shows beside each queue (model label → waiting items)."""
    return {
        "accounts.claim": waiting_claims().count(),
        "directory.changerequest": waiting_changes().count(),
        "messaging.message": outbox.unknown_count(),
    }


def _describe(item: Model) -> str:
    if isinstance(item, Claim):
        return _("Claim for %(organisation)s by %(user)s") % {
            "organisation": item.organisation.name,
            "user": item.user.email or item.user.get_username(),
        }
    assert isinstance(item, ChangeRequest)
    return f"{item.get_kind_display()}: {item.organisation.name}"


def _queue_url(item: Model) -> str:
    if isinstance(item, Claim):
        path = reverse("admin:accounts_claim_changelist") + "?status__exact=pending"
    else:
        path = reverse("admin:directory_changerequest_changelist") + "?status__exact=pending"
    return settings.PORTAL_URL + path


def notify_reviewers(items: Sequence[Model]) -> int:
    """One email per reviewer naming these new items (all of one model); returns how many
    emails were written. The key names the items and the reviewer: writing it again for
    the same items sends nothing more. A reviewer told of the same queue within
    ``REVIEW_NOTICE_MINUTES`` is not told again: a wave of corrections is one email, and
    the queue (and its count in the back office) shows the rest."""
    if not items:
        return 0
    first = items[0]
    label = first._meta.label_lower
    ids = sorted(int(item.pk) for item in items)
    span = str(ids[0]) if len(ids) == 1 else f"{ids[0]}-{ids[-1]}.{len(ids)}"
    waiting = (waiting_claims() if isinstance(first, Claim) else waiting_changes()).count()
    subject = ngettext(
        "%(n)d new item waits for review",
        "%(n)d new items wait for review",
        len(items),
    ) % {"n": len(items)}
    context = {
        "items": [_describe(item) for item in items[:LISTED_ITEMS]],
        "more": max(0, len(items) - LISTED_ITEMS),
        "waiting": waiting,
        "queue_url": _queue_url(first),
    }
    written = 0
    quiet = timezone.now() - timedelta(minutes=settings.REVIEW_NOTICE_MINUTES)
    for reviewer in reviewers():
        if settings.REVIEW_NOTICE_MINUTES > 0 and outbox.written_since(
            reviewer.email, f"review:{label}:", quiet
        ):
            continue  # told of this queue a moment ago; that mail's link shows the rest
        outbox.enqueue(
            to=reviewer.email,
            subject=subject,
            template="accounts/email/review_waiting",
            context=context,
            key=f"review:{label}:{span}:to:{reviewer.pk}",
            category=MailList.REVIEW_NOTICES,
        )
        written += 1
    return written


def claim_saved(sender: Any, instance: Claim, created: bool, **kwargs: Any) -> None:
    if created and instance.method == Claim.Method.REVIEW and not kwargs.get("raw"):
        notify_reviewers([instance])


def change_request_saved(
    sender: Any, instance: ChangeRequest, created: bool, **kwargs: Any
) -> None:
    if created and instance.status == ChangeRequest.Status.PENDING and not kwargs.get("raw"):
        notify_reviewers([instance])


def connect() -> None:
    post_save.connect(claim_saved, sender=Claim, dispatch_uid="accounts.notify_claim")
    post_save.connect(
        change_request_saved, sender=ChangeRequest, dispatch_uid="accounts.notify_change"
    )
