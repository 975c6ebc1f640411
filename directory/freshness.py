"""Keeping profiles true: re-verification requests, confirmation, hiding the unconfirmed.

A profile counts as confirmed for ``PROFILE_VERIFICATION_DAYS`` after ``last_verified``.
``check_profiles`` (daily: ``manage.py check_profiles`` from cron, or the task of the
same name) asks the editors of every published profile that is due to confirm it with
one click, re-indexes profiles whose confirmation lapsed (their ranking boost goes), and
hides those whose request went unanswered for ``PROFILE_HIDE_UNCONFIRMED_DAYS``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging import services as outbox
from messaging.choices import MailList

from .choices import PublicationStatus
from .models import Organisation
from .signals import organisations_changed

logger = logging.getLogger(__name__)

TOKEN_SALT = "directory.freshness"
# The link in a request stays valid this long (a second request sends a new one).
TOKEN_MAX_AGE = 90 * 24 * 3600
# Lapsed confirmations re-indexed by each run: a week of slack for missed runs.
REINDEX_SLACK_DAYS = 7


def cutoff(today: datetime.date | None = None) -> datetime.date:
    """Profiles confirmed before this day are due."""
    return (today or timezone.localdate()) - datetime.timedelta(
        days=settings.PROFILE_VERIFICATION_DAYS
    )


def is_due(organisation: Organisation, today: datetime.date | None = None) -> bool:
    return organisation.last_verified is None or organisation.last_verified < cutoff(today)


def due(today: datetime.date | None = None) -> QuerySet[Organisation]:
    return Organisation.objects.published().filter(
        Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff(today))
    )


def confirmation_token(organisation: Organisation) -> str:
    """A link for this round's request: it names the request's time, which confirming
    clears, so that a link works once and an older one never."""
    sent = organisation.reverification_sent.isoformat() if organisation.reverification_sent else ""
    return signing.dumps({"o": organisation.pk, "s": sent}, salt=TOKEN_SALT, compress=True)


def organisation_for_token(token: str) -> Organisation:
    """The organisation a confirmation link names, or ``signing.BadSignature``."""
    data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    organisation = Organisation.objects.get(pk=data["o"])
    sent = organisation.reverification_sent
    if not sent or data.get("s") != sent.isoformat():
        raise signing.BadSignature("used or replaced")
    return organisation


@transaction.atomic
def confirm(organisation: Organisation, user: Any = None) -> None:
    """The profile is still true: confirmed today (and shown again if only the missing
    confirmation had hidden it)."""
    organisation.last_verified = timezone.localdate()
    organisation.reverification_sent = None
    fields = ["last_verified", "reverification_sent", "modified"]
    if organisation.status == PublicationStatus.HIDDEN and organisation.hidden_unconfirmed:
        organisation.status = PublicationStatus.PUBLISHED
        organisation.hidden_unconfirmed = False
        fields += ["status", "hidden_unconfirmed"]
    organisation._history_user = user if getattr(user, "is_authenticated", False) else None  # type: ignore[attr-defined]
    organisation.save(update_fields=fields)


@dataclass
class CheckResult:
    asked: list[int] = field(default_factory=list)
    reindexed: list[int] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"asked {len(self.asked)} profile(s) to confirm, re-indexed {len(self.reindexed)} "
            f"whose confirmation lapsed, hid {len(self.hidden)}"
        )


def check_profiles(
    today: datetime.date | None = None, progress: Callable[[str], None] | None = None
) -> CheckResult:
    today = today or timezone.localdate()
    result = CheckResult()
    now = timezone.now()
    # 1. Ask: due, has editors, not asked since the confirmation lapsed.
    candidates = (
        due(today)
        .filter(editors__isnull=False)
        .filter(
            # Not asked yet in this round (confirming clears the mark; an unanswered
            # request is repeated after a further period).
            Q(reverification_sent__isnull=True)
            | Q(
                reverification_sent__lt=now
                - datetime.timedelta(days=settings.PROFILE_VERIFICATION_DAYS)
            )
        )
        .distinct()
        .prefetch_related("editors__user")
    )
    for organisation in candidates.iterator(chunk_size=200):
        recipients = sorted(
            {e.user.email for e in organisation.editors.all() if e.user.email and e.user.is_active}
        )
        if not recipients:
            continue
        organisation.reverification_sent = now
        with transaction.atomic():
            # The request and its mails together: the outbox sends (and retries) them.
            _ask(organisation, recipients)
            Organisation.objects.filter(pk=organisation.pk).update(reverification_sent=now)
        result.asked.append(organisation.pk)
        if progress:
            progress(f"asked {organisation.name}")
    # 2. Re-index profiles whose confirmation lapsed lately: their boost goes.
    lapsed = Organisation.objects.published().filter(
        last_verified__lt=cutoff(today),
        last_verified__gte=cutoff(today) - datetime.timedelta(days=REINDEX_SLACK_DAYS),
    )
    result.reindexed = list(lapsed.values_list("pk", flat=True))
    organisations_changed(result.reindexed, sender=check_profiles)
    # 3. Hide profiles whose request went unanswered too long.
    if settings.PROFILE_HIDE_UNCONFIRMED_DAYS > 0:
        limit = now - datetime.timedelta(days=settings.PROFILE_HIDE_UNCONFIRMED_DAYS)
        stale = due(today).filter(reverification_sent__lt=limit)
        for organisation in stale:
            organisation.status = PublicationStatus.HIDDEN
            organisation.hidden_unconfirmed = True
            organisation._change_reason = "not confirmed"  # type: ignore[attr-defined]
            organisation.save(update_fields=["status", "hidden_unconfirmed", "modified"])
            result.hidden.append(organisation.pk)
    return result


def _ask(organisation: Organisation, recipients: list[str]) -> None:
    link = settings.PORTAL_URL + reverse(
        "directory:confirm-profile", args=[organisation.slug, confirmation_token(organisation)]
    )
    context = {
        "organisation": organisation,
        "link": link,
        "edit": settings.PORTAL_URL
        + reverse("directory:organisation-edit", args=[organisation.slug]),
        "hide_days": settings.PROFILE_HIDE_UNCONFIRMED_DAYS,
    }
    subject = _("Is the profile of %(name)s still up to date?") % {"name": organisation.name}
    sent = organisation.reverification_sent.isoformat() if organisation.reverification_sent else ""
    for recipient in recipients:
        outbox.enqueue(
            to=recipient,
            subject=subject,
            template="directory/email/reverify",
            context=context,
            key=f"reverify:{organisation.pk}:{sent}:{recipient}",
            category=MailList.PROFILE_REMINDERS,
        )
