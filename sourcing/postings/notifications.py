"""Mail about requests and offers: the digest of new fitting requests for organisations
that opt in, and alerts to a requester about new offers that fit (docs/matching.md).

Both go through the outbox (``messaging.services.enqueue``) on their own mailing lists,
so every mail carries a one-click unsubscribe and suppressed addresses are skipped.
Exactly once:

* **digest**: one transaction per organisation and period writes the mails (key
  ``posting-digest:<org>:<period>:<user>``) and the subscription's ``last_sent_at``;
  a run killed between two organisations leaves every organisation either done or
  untouched, and the next run does the rest;
* **offer alerts**: a fitting (request, offer) pair is written once, as a match row of
  the request marked ``alert: pending``; a request's pending pairs go out in one mail
  per recipient and day (key ``offer-alerts:<request>:<date>:<user>``), in the same
  transaction that marks them sent. More offers that day wait for the next run.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.choices import MailList
from messaging.services import enqueue

from ..models import (
    DigestFrequency,
    DigestSubscription,
    Posting,
    PostingKind,
    PostingMatch,
)

log = logging.getLogger(__name__)

# An offer alerts a request's poster when it scores at least this for the request (the
# postings side of the matching; unrelated texts stay below 0.2, a fitting offer with
# shared words and a similar text reaches 0.4 and more).
OFFER_ALERT_MIN_SCORE = 0.3
# Requests listed in one digest at most (the rest: "and n more" with a link).
DIGEST_MAX_ITEMS = 30


@dataclass(frozen=True)
class Recipient:
    user_id: int
    address: str


def editor_recipients(organisation: Any, extra_users: tuple[Any, ...] = ()) -> list[Recipient]:
    """The organisation's editors (and ``extra_users``) with a verified address, each once."""
    from django.contrib.auth import get_user_model

    from accounts.models import OrganisationEditor

    users = list(
        get_user_model()
        .objects.filter(
            pk__in=OrganisationEditor.objects.filter(organisation=organisation).values("user"),
            is_active=True,
            account__email_verified_at__isnull=False,
        )
        .order_by("pk")
    )
    extra_ids = [u.pk for u in extra_users if u is not None]
    if extra_ids:
        users += list(
            get_user_model()
            .objects.filter(
                pk__in=extra_ids, is_active=True, account__email_verified_at__isnull=False
            )
            .order_by("pk")
        )
    out: dict[str, Recipient] = {}
    for user in users:
        address = (user.email or user.username or "").strip().lower()
        if "@" in address and address not in out:
            out[address] = Recipient(user.pk, address)
    return list(out.values())


def _absolute(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


# --- Digest ---------------------------------------------------------------------------


def period_of(frequency: str, moment: datetime.datetime) -> str:
    """The period a moment falls in: ``2026-12-06`` (daily) or ``2026-W49`` (weekly)."""
    day = timezone.localtime(moment).date()
    if frequency == DigestFrequency.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestReport:
    organisations: int = 0
    mails: int = 0
    skipped: int = 0  # nothing new, or already sent this period

    def __str__(self) -> str:
        return (
            f"{self.organisations} organisations got a digest ({self.mails} mails); "
            f"{self.skipped} had nothing new or had it already"
        )


def new_requests_for(subscription: DigestSubscription, now: datetime.datetime) -> list[Any]:
    """Open requests matched to the organisation since its last digest (or since it
    subscribed), best first; the organisation's own requests are left out."""
    since = subscription.last_sent_at or subscription.created
    rows = (
        PostingMatch.objects.filter(
            organisation_id=subscription.organisation_id,
            posting__kind=PostingKind.REQUEST,
            created__gt=since,
            created__lte=now,
        )
        .exclude(posting__organisation_id=subscription.organisation_id)
        .select_related("posting", "posting__organisation")
        .order_by("-score", "posting_id")
    )
    seen: set[int] = set()
    out = []
    for row in rows:
        if row.posting_id in seen or not row.posting.is_open:
            continue
        seen.add(row.posting_id)
        out.append(row)
    return out


def send_digest(subscription_id: int, now: datetime.datetime) -> int:
    """One organisation's digest for the period ``now`` falls in: the mails and
    ``last_sent_at`` in one transaction. Returns the mails written (0: nothing new, or
    sent already this period)."""
    with transaction.atomic():
        sub = (
            DigestSubscription.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=subscription_id)
            .first()
        )
        if sub is None or sub.frequency == DigestFrequency.OFF:
            return 0
        period = period_of(sub.frequency, now)
        if sub.last_sent_at is not None and period_of(sub.frequency, sub.last_sent_at) == period:
            return 0
        rows = new_requests_for(sub, now)
        if not rows:
            return 0
        org = sub.organisation
        items = [
            {
                "title": row.posting.title,
                "url": _absolute(row.posting.get_absolute_url()),
                "organisation": row.posting.organisation.name,
                "place": row.posting.place,
                "deadline": row.posting.deadline,
                "words": (row.reasons or {}).get("words", [])[:5],
            }
            for row in rows[:DIGEST_MAX_ITEMS]
        ]
        written = 0
        for recipient in editor_recipients(org):
            enqueue(
                to=recipient.address,
                subject=_("New requests that fit %(name)s") % {"name": org.name},
                template="sourcing/email/posting_digest",
                context={
                    "organisation": org.name,
                    "items": items,
                    "more": max(0, len(rows) - DIGEST_MAX_ITEMS),
                    "list_url": _absolute("/gesuche/"),
                    "settings_url": _absolute(f"/gesuche/benachrichtigungen/{org.slug}/"),
                    "daily": sub.frequency == DigestFrequency.DAILY,
                },
                key=f"posting-digest:{org.pk}:{period}:{recipient.user_id}",
                category=MailList.POSTING_DIGEST,
            )
            written += 1
        sub.last_sent_at = now
        sub.save(update_fields=["last_sent_at"])
        return written


def send_digests(now: datetime.datetime | None = None) -> DigestReport:
    """Every subscribed organisation's digest that is due (see ``send_digest``)."""
    now = now or timezone.now()
    report = DigestReport()
    ids = (
        DigestSubscription.objects.exclude(frequency=DigestFrequency.OFF)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        written = send_digest(pk, now)
        if written:
            report.organisations += 1
            report.mails += written
        else:
            report.skipped += 1
    return report


def set_digest(organisation: Any, frequency: str, user: Any) -> DigestSubscription:
    """An organisation's choice of digest (daily, weekly or off)."""
    if frequency not in DigestFrequency.values:
        raise ValueError(f"Unknown digest frequency {frequency!r}")
    sub, created = DigestSubscription.objects.get_or_create(
        organisation=organisation,
        defaults={"frequency": frequency, "created_by": user},
    )
    if not created and sub.frequency != frequency:
        sub.frequency = frequency
        sub.save(update_fields=["frequency"])
    return sub


# --- Offer alerts ---------------------------------------------------------------------

ALERT_KEY = "alert"  # in PostingMatch.reasons of a request's row for an offer
PENDING, SENT = "pending", "sent"


def alert_requests(offer: Any, items: list[Any]) -> int:
    """Note the open requests ``offer`` fits well enough (``OFFER_ALERT_MIN_SCORE``) for
    an alert, once per pair, and send after the commit. Returns the pairs noted."""
    if offer.kind != PostingKind.OFFER:
        return 0
    fitting = [i for i in items if i.score >= OFFER_ALERT_MIN_SCORE]
    if not fitting:
        return 0
    known = set(
        PostingMatch.objects.filter(
            posting_id__in=[i.posting.pk for i in fitting], other=offer
        ).values_list("posting_id", flat=True)
    )
    now = timezone.now()
    rows = [
        PostingMatch(
            posting=i.posting,
            other=offer,
            score=i.score,
            reasons={**i.reasons.as_json(), ALERT_KEY: PENDING},
            created=now,
        )
        for i in fitting
        if i.posting.pk not in known
    ]
    PostingMatch.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(_send_alerts_soon)
    return len(rows)


def _send_alerts_soon() -> None:
    try:
        from ..tasks import send_offer_alerts_task

        send_offer_alerts_task.enqueue()
    except Exception:
        log.exception("could not queue the offer alerts; the daily run sends them")


def send_offer_alerts(now: datetime.datetime | None = None) -> int:
    """One mail per recipient and request with the offers noted since its last alert;
    a request alerted today waits until tomorrow. Returns the mails written."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    written = 0
    request_ids = sorted(set(_pending_ids()))
    for request_id in request_ids:
        written += _alert_one(request_id, today, now)
    return written


def _pending_ids() -> list[int]:
    # JSON containment is not in every SQLite build: filter in Python where needed.
    rows = PostingMatch.objects.filter(
        posting__kind=PostingKind.REQUEST, other__isnull=False
    ).values_list("posting_id", "reasons")
    return [pk for pk, reasons in rows if (reasons or {}).get(ALERT_KEY) == PENDING]


def _alert_one(request_id: int, today: datetime.date, now: datetime.datetime) -> int:
    with transaction.atomic():
        request = (
            Posting.objects.select_for_update(of=("self",))
            .select_related("organisation", "created_by")
            .filter(pk=request_id)
            .first()
        )
        if request is None:
            return 0
        rows = [
            r
            for r in PostingMatch.objects.filter(posting=request, other__isnull=False)
            .select_related("other", "other__organisation")
            .order_by("-score")
            if (r.reasons or {}).get(ALERT_KEY) == PENDING
        ]
        if not rows:
            return 0
        if not request.is_open:
            for r in rows:
                r.reasons = {**r.reasons, ALERT_KEY: "dropped"}
                r.save(update_fields=["reasons"])
            return 0
        prefix = f"offer-alerts:{request.pk}:{today.isoformat()}:"
        from messaging.models import Message

        if Message.objects.filter(key__startswith=prefix).exists():
            return 0  # one mail a day per request; the rest waits for tomorrow
        offers = [(r.other, r) for r in rows if r.other is not None and r.other.is_open]
        written = 0
        if offers:
            items = [
                {
                    "title": other.title,
                    "url": _absolute(other.get_absolute_url()),
                    "organisation": other.organisation.name,
                    "place": other.place,
                    "words": (r.reasons or {}).get("words", [])[:5],
                }
                for other, r in offers
            ]
            for recipient in editor_recipients(request.organisation, (request.created_by,)):
                enqueue(
                    to=recipient.address,
                    subject=_("New offers for your request “%(title)s”")
                    % {"title": request.title[:80]},
                    template="sourcing/email/offer_alert",
                    context={
                        "request_title": request.title,
                        "request_url": _absolute(request.get_absolute_url()),
                        "items": items,
                    },
                    key=f"{prefix}{recipient.user_id}",
                    category=MailList.OFFER_ALERTS,
                )
                written += 1
        for r in rows:
            r.reasons = {**r.reasons, ALERT_KEY: SENT, "alerted_on": today.isoformat()}
            r.save(update_fields=["reasons"])
        return written
