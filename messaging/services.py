"""The one way the portal sends email: write a message into the outbox in the caller's
transaction (:func:`enqueue`), send it after the commit (:func:`send_due`).

What the outbox promises (docs/messaging.md):

- a message exists exactly when the change that causes it was committed, once per key;
- a message is marked ``sending`` in a committed transaction before the mail server hears
  of it, and ``sent`` after; one found still ``sending`` later (the process died between
  the two) is marked ``unknown`` and reported, never sent again by itself: the recipient
  may have it already, and two password mails are worse than a question to staff;
- temporary errors (4xx answers, lost connections) are retried with growing pauses up to
  ``MESSAGING_MAX_ATTEMPTS``; permanent ones (5xx) fail at once, a refused recipient
  becomes a hard bounce on the suppression list;
- no more than ``MESSAGING_RATE_PER_MINUTE`` messages leave per minute;
- the suppression list is read before every send.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from .choices import MailList, Status, SuppressionReason
from .models import Message, Suppression

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "messaging.unsubscribe"
# Messages claimed per transaction of the sender.
BATCH = 50
KEY_LENGTH = Message._meta.get_field("key").max_length or 200


def normalise_address(address: str) -> str:
    return address.strip().lower()


# --- Writing -------------------------------------------------------------------------------


def enqueue(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any] | None = None,
    key: str | None = None,
    category: str = MailList.TRANSACTIONAL,
) -> Message:
    """Write a message for ``to`` in the caller's transaction; it is sent after the commit.

    ``template`` names a pair: ``<template>.txt`` (the plain-text part) and
    ``<template>.html`` (the HTML part, usually extending ``messaging/email/base.html``),
    both rendered now with ``context`` in the active language. The subject gets the
    portal's name in front. A ``key`` already in the outbox returns that message
    unchanged (the same cause twice is one mail); without a key every call is a new one.
    """
    if category not in MailList.values:
        raise ValueError(f"Unknown mailing list {category!r}; known: {', '.join(MailList.values)}")
    to = normalise_address(to)
    if "@" not in to or any(ch.isspace() or ch in ",;<>" for ch in to):
        raise ValueError(f"An email needs one recipient address, not {to!r} (key {key!r})")
    subject = " ".join(subject.split())  # a line break in a header would refuse the mail
    key = key or f"once:{uuid.uuid4().hex}"
    if len(key) > KEY_LENGTH:  # a long address in it: keep the readable start, hash the rest
        key = f"{key[: KEY_LENGTH - 65]}#{hashlib.sha256(key.encode()).hexdigest()}"
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    unsubscribe = "" if category == MailList.TRANSACTIONAL else unsubscribe_url(to, category)
    context = {
        **(context or {}),
        "portal_name": settings.PORTAL_NAME,
        "portal_url": settings.PORTAL_URL,
        "unsubscribe_url": unsubscribe,
        "LANGUAGE_CODE": get_language() or settings.LANGUAGE_CODE,
    }
    text = render_to_string(f"{template}.txt", context).strip() + "\n"
    if unsubscribe:
        text += render_to_string("messaging/email/footer.txt", context)
    html = render_to_string(f"{template}.html", {**context, "subject": subject})
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            key=key,
            defaults={
                "to": to,
                "subject": f"{settings.PORTAL_NAME}: {subject}"[:300],
                "body_text": text,
                "body_html": html,
                "category": category,
            },
        )
    if created:
        _schedule_send()
    return message


def _schedule_send() -> None:
    """Send after the commit: one run per transaction, however many messages it wrote."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _send_soon for _sids, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_send_soon)


def _send_soon() -> None:
    from .tasks import send_queued_mail

    try:
        send_queued_mail.enqueue()
    except Exception:
        # The message is stored; the scheduled ``send_queued_mail`` sends it.
        logger.exception("could not queue the sending of the outbox")


def written_since(to: str, key_prefix: str, since: datetime) -> bool:
    """Whether a message whose key starts so was written for ``to`` since then (callers
    use it to make one email of a burst)."""
    return Message.objects.filter(
        to=normalise_address(to), key__startswith=key_prefix, created__gte=since
    ).exists()


# --- Suppression and unsubscribing ---------------------------------------------------------


def is_suppressed(address: str, category: str) -> Suppression | None:
    """The entry that stops a mail of ``category`` to ``address``, if any.

    Bounces and complaints stop every mail (the address does not exist, or its owner
    called us spam); an unsubscribe stops its own list (or all lists) but never a
    transaction mail: who left the reminders still gets their password link.
    """
    entries = Suppression.objects.filter(address=normalise_address(address))
    if category == MailList.TRANSACTIONAL:
        entries = entries.exclude(reason=SuppressionReason.UNSUBSCRIBE)
    else:
        entries = entries.filter(Q(list_name="") | Q(list_name=category))
    return entries.first()


def suppress(address: str, list_name: str, reason: str, note: str = "") -> Suppression:
    """Add an address to the suppression list (idempotent). A new entry is announced by
    ``messaging.signals.suppressed`` (a list's own records follow it: the newsletter)."""
    entry, created = Suppression.objects.get_or_create(
        address=normalise_address(address),
        list_name=list_name,
        defaults={"reason": reason, "note": note},
    )
    if created:
        from .signals import suppressed

        suppressed.send(Suppression, entry=entry)
    return entry


def lift_unsubscribe(address: str, list_name: str) -> int:
    """Remove an unsubscribe from one list after the person asked anew and confirmed
    (a double opt-in); bounces and complaints stay. Returns the entries removed."""
    return Suppression.objects.filter(
        address=normalise_address(address),
        list_name=list_name,
        reason=SuppressionReason.UNSUBSCRIBE,
    ).delete()[0]


def unsubscribe_token(address: str, list_name: str) -> str:
    return signing.dumps({"a": normalise_address(address), "l": list_name}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(address: str, list_name: str) -> str:
    return settings.PORTAL_URL + reverse(
        "messaging:unsubscribe", args=[unsubscribe_token(address, list_name)]
    )


@dataclass(frozen=True)
class Subscription:
    address: str
    list_name: str

    @property
    def label(self) -> str:
        return str(MailList(self.list_name).label)


def subscription_for_token(token: str) -> Subscription:
    """The address and list an unsubscribe link names, or ``signing.BadSignature``."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or data.get("l") not in MailList.values:
        raise signing.BadSignature("unknown list")
    if data["l"] == MailList.TRANSACTIONAL:
        raise signing.BadSignature("transaction mail has no unsubscribe")
    return Subscription(str(data["a"]), str(data["l"]))


def unsubscribe(token: str) -> Subscription:
    """Take the address of an unsubscribe link off its list; doing it again changes nothing."""
    subscription = subscription_for_token(token)
    suppress(subscription.address, subscription.list_name, SuppressionReason.UNSUBSCRIBE)
    return subscription


# --- Sending -------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    held_back: int = 0  # due, but over the rate of this minute
    new_unknown: list[int] = field(default_factory=list)
    unknown: int = 0  # all messages whose outcome is unknown, new or old

    def __str__(self) -> str:
        text = (
            f"sent {self.sent}, retry later {self.retried}, failed {self.failed}, "
            f"suppressed {self.suppressed}, held back by the rate {self.held_back}"
        )
        if self.unknown:
            text += (
                f"; {self.unknown} message(s) with unknown outcome (stopped while sending; "
                "check them in the back office and resend only those that did not arrive)"
            )
        return text


def _mark_unknown(now: datetime) -> list[int]:
    """Messages a sender marked ``sending`` and never finished: their outcome is unknown."""
    stale = now - timedelta(seconds=settings.MESSAGING_SENDING_TIMEOUT)
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Status.SENDING, modified__lt=stale)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=ids).update(
            status=Status.UNKNOWN,
            modified=now,
            last_error="The sender stopped after handing over or while handing over the mail.",
        )
    for message in Message.objects.filter(pk__in=ids):
        logger.warning(
            "outgoing email %s to %s (%s) has an unknown outcome: the sender stopped while "
            "sending it; it is not sent again unless staff resend it",
            message.pk,
            message.to,
            message.key,
        )
    return ids


def _allowance(now: datetime) -> int:
    rate = settings.MESSAGING_RATE_PER_MINUTE
    if rate <= 0:
        return 1_000_000
    recent = Message.objects.filter(
        Q(sent_at__gte=now - timedelta(minutes=1)) | Q(status=Status.SENDING)
    ).count()
    return max(0, rate - recent)


def _claim(limit: int, now: datetime) -> list[Message]:
    """Mark up to ``limit`` due messages ``sending`` and commit that before sending."""
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED, next_attempt__lte=now)
            .order_by("next_attempt", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        # Row by row, each only if still queued: a second sender that read the same rows
        # (SQLite has no row locks) gets none of them.
        mine = [
            pk
            for pk in ids
            if Message.objects.filter(pk=pk, status=Status.QUEUED).update(
                status=Status.SENDING, modified=now, attempts=F("attempts") + 1
            )
        ]
    return list(Message.objects.filter(pk__in=mine).order_by("next_attempt", "pk"))


def headers_for(message: Message) -> dict[str, str]:
    headers = {"Auto-Submitted": "auto-generated"}
    if not message.is_transactional:
        targets = [f"<{unsubscribe_url(message.to, message.category)}>"]
        if settings.MESSAGING_UNSUBSCRIBE_MAILTO:
            targets.append(f"<mailto:{settings.MESSAGING_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>")
        headers["List-Unsubscribe"] = ", ".join(targets)
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def email_for(message: Message, connection: Any = None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        message.subject,
        message.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [message.to],
        headers=headers_for(message),
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


class PermanentError(Exception):
    def __init__(self, text: str, bounce: bool = False) -> None:
        super().__init__(text)
        self.bounce = bounce


def _classify(error: Exception) -> PermanentError | None:
    """None for an error worth another try (4xx, a lost connection, a timeout)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return PermanentError(f"recipient refused: {error.recipients}", bounce=True)
        return None
    if isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
        return PermanentError(f"{error.smtp_code} {error.smtp_error!r}")
    return None


def _finish(message: Message, now: datetime, error: Exception | None) -> str:
    """Record the outcome of one try; returns ``sent``, ``retried`` or ``failed``."""
    if error is None:
        Message.objects.filter(pk=message.pk).update(
            status=Status.SENT, sent_at=now, modified=now, last_error=""
        )
        return "sent"
    permanent = _classify(error)
    text = f"{type(error).__name__}: {error}"[:2000]
    if permanent is None and message.attempts < settings.MESSAGING_MAX_ATTEMPTS:
        pause = settings.MESSAGING_RETRY_SECONDS * 2 ** (message.attempts - 1)
        Message.objects.filter(pk=message.pk).update(
            status=Status.QUEUED,
            next_attempt=now + timedelta(seconds=pause),
            modified=now,
            last_error=text,
        )
        logger.info("outgoing email %s: %s; trying again in %d s", message.pk, text, pause)
        return "retried"
    Message.objects.filter(pk=message.pk).update(
        status=Status.FAILED, modified=now, last_error=text
    )
    if permanent is not None and permanent.bounce:
        suppress(message.to, "", SuppressionReason.BOUNCE, note=text)
    logger.warning("outgoing email %s to %s failed: %s", message.pk, message.to, text)
    return "failed"


def send_due(now: datetime | None = None) -> SendReport:
    """Send what is due (the task after each commit, and ``send_queued_mail`` from cron)."""
    now = now or timezone.now()
    report = SendReport(new_unknown=_mark_unknown(now))
    allowed = _allowance(now)
    while allowed > 0:
        handled = _send_batch(min(allowed, BATCH), now, report)
        if not handled:
            break
        allowed -= handled
    report.held_back = Message.objects.filter(status=Status.QUEUED, next_attempt__lte=now).count()
    report.unknown = Message.objects.filter(status=Status.UNKNOWN).count()
    return report


def _send_batch(limit: int, now: datetime, report: SendReport) -> int:
    """Send up to ``limit`` due messages over one connection. Each is claimed (marked
    ``sending`` and committed) just before it is handed over, not the whole batch at
    once: a sender killed mid-batch leaves one message of unknown outcome, and the rest
    of the batch still ``queued`` for the next run. Returns how many were handled."""
    if not Message.objects.filter(status=Status.QUEUED, next_attempt__lte=now).exists():
        return 0
    connection = get_connection()
    try:
        connection.open()
    except Exception as refused:
        batch = _claim(limit, now)
        for message in batch:
            outcome = _finish(message, now, refused)
            setattr(report, outcome, getattr(report, outcome) + 1)
        return len(batch)
    handled = 0
    try:
        while handled < limit:
            claimed = _claim(1, now)
            if not claimed:
                break
            message = claimed[0]
            handled += 1
            if is_suppressed(message.to, message.category) is not None:
                Message.objects.filter(pk=message.pk).update(status=Status.SUPPRESSED, modified=now)
                report.suppressed += 1
                continue
            error: Exception | None = None
            try:
                if not email_for(message, connection).send():
                    error = smtplib.SMTPException("the mail backend accepted nothing")
            except Exception as caught:
                error = caught
            outcome = _finish(message, now, error)
            setattr(report, outcome, getattr(report, outcome) + 1)
    finally:
        try:
            connection.close()
        except Exception:
            logger.exception("could not close the mail connection")
    return handled


def schedule_next(now: datetime | None = None) -> datetime | None:
    """Where the task backend can run a task later (a worker), come back when the next
    retry is due, or in a minute for messages the rate held back; returns that time.
    Without such a backend the scheduled ``send_queued_mail`` picks them up."""
    from .tasks import send_queued_mail

    if not send_queued_mail.get_backend().supports_defer:
        return None
    now = now or timezone.now()
    upcoming = (
        Message.objects.filter(status=Status.QUEUED)
        .order_by("next_attempt")
        .values_list("next_attempt", flat=True)
        .first()
    )
    if upcoming is None:
        return None
    run_after = upcoming if upcoming > now else now + timedelta(minutes=1)
    send_queued_mail.using(run_after=run_after).enqueue()
    return run_after


def resend(messages: Iterable[Message]) -> int:
    """Queue messages whose outcome is unknown or that failed once more (staff decide:
    the recipient may have an unknown one already). Returns how many were queued."""
    ids = [m.pk for m in messages if m.status in (Status.UNKNOWN, Status.FAILED)]
    if not ids:
        return 0
    with transaction.atomic():
        count = Message.objects.filter(
            pk__in=ids, status__in=[Status.UNKNOWN, Status.FAILED]
        ).update(
            status=Status.QUEUED, attempts=0, next_attempt=timezone.now(), modified=timezone.now()
        )
        _schedule_send()
    return count


def unknown_count() -> int:
    """Messages staff must look at: the sender stopped while sending them."""
    return Message.objects.filter(status=Status.UNKNOWN).count()


# --- Personal data -------------------------------------------------------------------------


def messages_to(address: str) -> list[dict[str, Any]]:
    """What the outbox holds for an address, for the person's data download (bodies
    left out: they hold one-time links and codes)."""
    return [
        {
            "subject": m.subject,
            "list": m.category,
            "status": m.status,
            "created": m.created.isoformat(),
            "sent": m.sent_at.isoformat() if m.sent_at else None,
        }
        for m in Message.objects.filter(to=normalise_address(address)).order_by("created")
    ]


def forget_address(address: str) -> int:
    """Delete every message to an address (an erased account); what was not sent yet is
    not sent. Suppression entries stay: they exist so that the address gets no mail."""
    if not address.strip():
        return 0
    return Message.objects.filter(to=normalise_address(address)).delete()[0]


def delete_finished(before: datetime) -> int:
    """Delete messages that reached their end (sent, failed, suppressed) before this
    time; messages whose outcome is unknown wait for staff."""
    return Message.objects.filter(
        status__in=[Status.SENT, Status.FAILED, Status.SUPPRESSED], modified__lt=before
    ).delete()[0]
