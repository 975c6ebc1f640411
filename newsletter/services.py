"""The newsletter's business logic: subscribing (double opt-in), preferences,
composing and sending issues, bounces, figures, personal data (docs/newsletter.md).

Mail goes through the outbox (``messaging.services.enqueue``); unsubscribes, bounces and
complaints are entries of the outbox's one suppression list (list ``newsletter``, or
every list for bounces and complaints), which the sender reads before every mail.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import privacy
from accounts.models import ConsentPurpose, ConsentRecord
from messaging import services as outbox
from messaging.choices import MailList, Status, SuppressionReason
from messaging.models import Message, Suppression

from . import sources
from .choices import BounceKind, IssueStatus, SubscriberStatus
from .models import Bounce, Delivery, IssueItem, NewsletterIssue, Subscriber, Topic

logger = logging.getLogger(__name__)

CONFIRM_SALT = "newsletter.confirm"
LIST = MailList.NEWSLETTER
CONSENT_SOURCE = "newsletter form"


class LinkExpired(Exception):
    """A confirmation link older than ``NEWSLETTER_CONFIRM_HOURS``."""


class LinkInvalid(Exception):
    """A link that was never issued, or that a later one replaced."""


# --- Links ---------------------------------------------------------------------------------


def _fingerprint(subscriber: Subscriber) -> str:
    return hashlib.sha256(
        f"{subscriber.token}:{subscriber.created.isoformat()}".encode()
    ).hexdigest()[:16]


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "f": _fingerprint(subscriber)}, salt=CONFIRM_SALT)


def confirm_url(subscriber: Subscriber) -> str:
    return settings.PORTAL_URL + reverse("newsletter:confirm", args=[confirm_token(subscriber)])


def preferences_url(subscriber: Subscriber) -> str:
    return settings.PORTAL_URL + reverse("newsletter:preferences", args=[subscriber.token])


def subscriber_for_token(token: str) -> Subscriber | None:
    """The subscriber of a preference link (None for an unknown one)."""
    if not token or len(token) > 64:
        return None
    return Subscriber.objects.filter(token=token).first()


# --- Subscribing ---------------------------------------------------------------------------


def consent_text() -> tuple[str, str]:
    """The newsletter consent's wording and version (kept in ``accounts.privacy``)."""
    return (
        privacy.CONSENT_TEXTS[ConsentPurpose.NEWSLETTER],
        privacy.CONSENT_VERSIONS[ConsentPurpose.NEWSLETTER],
    )


def offered_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(active=True)


@transaction.atomic
def subscribe(
    email: str,
    topics: Iterable[Topic],
    *,
    ip: str = "",
    user: Any = None,
    language: str | None = None,
) -> Subscriber | None:
    """Ask for the newsletter. The caller shows the same answer whatever happens here,
    so that the form does not tell whether an address is subscribed:

    - a new or unsubscribed address, or one still waiting: the consent is recorded and a
      confirmation mail with an expiring link is sent (a waiting one at most once an
      hour); issues come only after the link is opened;
    - a signed-in user's own confirmed address is subscribed at once (it is proven);
    - an address already subscribed gets a reminder of its preference link, at most once
      per ``NEWSLETTER_CONFIRM_HOURS``;
    - an address that bounced or complained gets nothing.
    """
    address = outbox.normalise_address(email)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    topics = list(topics)
    if Suppression.objects.filter(address=address, list_name="").exists():
        return None
    subscriber = Subscriber.objects.select_for_update().filter(email=address).first()
    now = timezone.now()
    own_address = user is not None and privacy.confirmed_address(user) == address
    if subscriber is not None and subscriber.status == SubscriberStatus.CONFIRMED:
        if own_address:
            subscriber.topics.set(topics)
            return subscriber
        _send_known(subscriber, now)
        return subscriber
    if subscriber is None:
        subscriber = Subscriber(email=address)
    elif subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        subscriber.created = now  # a new request: a new link, the old one stops working
        subscriber.confirmed_at = None
        subscriber.confirm_sent_at = None
        subscriber.unsubscribed_at = None
        subscriber.unsubscribed_issue = None
    subscriber.status = SubscriberStatus.PENDING
    subscriber.language = language
    if own_address:
        subscriber.user = user
    subscriber.save()
    subscriber.topics.set(topics)
    privacy.record_consent(
        user if own_address else None,
        ConsentPurpose.NEWSLETTER,
        True,
        CONSENT_SOURCE,
        email=address,
        ip=ip,
    )
    if own_address:
        _confirm(subscriber, now)
        return subscriber
    recent = subscriber.confirm_sent_at and subscriber.confirm_sent_at > now - datetime.timedelta(
        hours=1
    )
    if not recent:
        subscriber.confirm_sent_at = now
        subscriber.save(update_fields=["confirm_sent_at"])
        with translation.override(language):
            outbox.enqueue(
                to=address,
                subject=_("Please confirm your newsletter subscription"),
                template="newsletter/email/confirm",
                context={
                    "confirm_url": confirm_url(subscriber),
                    "hours": settings.NEWSLETTER_CONFIRM_HOURS,
                },
                key=f"newsletter-confirm:{subscriber.pk}:{now.timestamp():.6f}",
            )
    return subscriber


def _send_known(subscriber: Subscriber, now: datetime.datetime) -> None:
    window = int(now.timestamp() // (3600 * max(1, settings.NEWSLETTER_CONFIRM_HOURS)))
    with translation.override(subscriber.language):
        outbox.enqueue(
            to=subscriber.email,
            subject=_("You already receive our newsletter"),
            template="newsletter/email/known",
            context={"preferences_url": preferences_url(subscriber)},
            key=f"newsletter-known:{subscriber.pk}:{window}",
        )


def _confirm(subscriber: Subscriber, now: datetime.datetime) -> None:
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = now
    subscriber.soft_bounces = 0
    subscriber.save(update_fields=["status", "confirmed_at", "soft_bounces"])
    outbox.lift_unsubscribe(subscriber.email, LIST)


@transaction.atomic
def confirm(token: str, now: datetime.datetime | None = None) -> Subscriber:
    """Open a confirmation link: the subscription is confirmed (again: nothing changes).
    Raises ``LinkExpired`` after ``NEWSLETTER_CONFIRM_HOURS``, ``LinkInvalid`` for a link
    never sent or replaced by a later request."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=CONFIRM_SALT)
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise LinkInvalid
    subscriber = Subscriber.objects.select_for_update().filter(pk=data["s"]).first()
    if subscriber is None or data.get("f") != _fingerprint(subscriber):
        raise LinkInvalid
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return subscriber
    if subscriber.status != SubscriberStatus.PENDING:
        raise LinkInvalid
    hours = settings.NEWSLETTER_CONFIRM_HOURS
    if subscriber.confirm_sent_at and now - subscriber.confirm_sent_at > datetime.timedelta(
        hours=hours
    ):
        raise LinkExpired
    _confirm(subscriber, now)
    return subscriber


@transaction.atomic
def set_topics(subscriber: Subscriber, topics: Iterable[Topic]) -> None:
    subscriber.topics.set(list(topics))


def _last_issue(address: str) -> NewsletterIssue | None:
    delivery = (
        Delivery.objects.filter(subscriber__email=address)
        .select_related("issue")
        .order_by("-created", "-pk")
        .first()
    )
    return delivery.issue if delivery else None


@transaction.atomic
def unsubscribe(subscriber: Subscriber, source: str = "newsletter preferences") -> None:
    """Leave the newsletter: the address goes on the outbox's suppression list for the
    newsletter (the one place every sender reads) and a withdrawal is recorded."""
    outbox.suppress(subscriber.email, LIST, SuppressionReason.UNSUBSCRIBE, note=source)
    _mark_unsubscribed(subscriber.email, source)


def _mark_unsubscribed(address: str, source: str, record: bool = True) -> None:
    subscriber = Subscriber.objects.filter(email=address).first()
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return
    was_confirmed = subscriber.status == SubscriberStatus.CONFIRMED
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.unsubscribed_issue = _last_issue(address) if was_confirmed else None
    subscriber.save(update_fields=["status", "unsubscribed_at", "unsubscribed_issue"])
    if record:
        privacy.record_consent(
            subscriber.user, ConsentPurpose.NEWSLETTER, False, source, email=address
        )


def on_suppressed(sender: Any, entry: Suppression, **kwargs: Any) -> None:
    """The outbox's unsubscribe link or one-click POST for the newsletter list: the
    subscriber's record follows (``messaging.signals.suppressed``)."""
    if entry.list_name == LIST and entry.reason == SuppressionReason.UNSUBSCRIBE:
        _mark_unsubscribed(
            entry.address, entry.note or "unsubscribe link", record=entry.note != ACCOUNT_PAGE
        )


ACCOUNT_PAGE = "account page"


def on_consent_saved(sender: Any, instance: ConsentRecord, created: bool, **kwargs: Any) -> None:
    """The newsletter consent ticked or unticked on the account page subscribes or
    unsubscribes the account's confirmed address (the record is the consent already)."""
    if (
        not created
        or instance.purpose != ConsentPurpose.NEWSLETTER
        or instance.source != ACCOUNT_PAGE
        or instance.user is None
    ):
        return
    address = privacy.confirmed_address(instance.user)
    if not address:
        return
    if instance.granted:
        if Suppression.objects.filter(address=address, list_name="").exists():
            return
        subscriber, _created = Subscriber.objects.get_or_create(email=address)
        subscriber.user = instance.user
        subscriber.save(update_fields=["user"])
        if subscriber.status != SubscriberStatus.CONFIRMED:
            _confirm(subscriber, timezone.now())
    elif (
        Subscriber.objects.filter(email=address)
        .exclude(status=SubscriberStatus.UNSUBSCRIBED)
        .exists()
    ):
        outbox.suppress(address, LIST, SuppressionReason.UNSUBSCRIBE, note=ACCOUNT_PAGE)
        _mark_unsubscribed(address, ACCOUNT_PAGE, record=False)


# --- Composing -----------------------------------------------------------------------------


def fill_from_sources(issue: NewsletterIssue, days: int | None = None, limit: int = 10) -> int:
    """Add the recent items of every registered source that the issue lacks (by link);
    returns how many were added. Editors then remove, reorder or edit them."""
    since = timezone.now() - datetime.timedelta(
        days=days if days is not None else settings.NEWSLETTER_SOURCE_DAYS
    )
    known = set(issue.items.values_list("url", flat=True))
    position = max(issue.items.values_list("position", flat=True), default=0)
    added = 0
    for source in sources.registered():
        for item in source.fetch(since, limit):
            if sources.absolute(item.url) in known:
                continue
            position += 1
            IssueItem.objects.create(
                issue=issue,
                position=position,
                source=source.name,
                title=item.title[:300],
                summary=item.summary,
                url=sources.absolute(item.url)[:500],
                date=item.date,
            )
            known.add(sources.absolute(item.url))
            added += 1
    return added


def issue_context(issue: NewsletterIssue, subscriber: Subscriber | None) -> dict[str, Any]:
    return {
        "issue": issue,
        "items": list(issue.items.all()),
        "preferences_url": preferences_url(subscriber) if subscriber else "",
    }


def preview(issue: NewsletterIssue) -> dict[str, str]:
    """The issue as a subscriber reads it (text and HTML), rendered as the outbox does."""
    from django.template.loader import render_to_string

    context = {
        **issue_context(issue, None),
        "preferences_url": settings.PORTAL_URL + "/newsletter/einstellungen/…/",
        "portal_name": settings.PORTAL_NAME,
        "portal_url": settings.PORTAL_URL,
        "unsubscribe_url": settings.PORTAL_URL + "/abmelden/…/",
        "subject": issue.subject,
    }
    text = render_to_string("newsletter/email/issue.txt", context).strip() + "\n"
    text += render_to_string("messaging/email/footer.txt", context)
    return {"text": text, "html": render_to_string("newsletter/email/issue.html", context)}


def send_test(issue: NewsletterIssue, address: str) -> Message:
    """One mail of the issue to ``address`` (not counted in the figures)."""
    stamp = timezone.now().timestamp()
    return outbox.enqueue(
        to=address,
        subject=f"[{_('Test')}] {issue.subject}",
        template="newsletter/email/issue",
        context=issue_context(issue, None),
        key=f"newsletter-test:{issue.pk}:{address}:{stamp}",
        category=LIST,
    )


# --- Sending -------------------------------------------------------------------------------


def recipients(issue: NewsletterIssue) -> QuerySet[Subscriber]:
    """Confirmed subscribers the issue is for: those of one of its topics and those who
    chose none (they asked for every issue); an issue without topics goes to all."""
    subscribers = Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED)
    topic_ids = list(issue.topics.values_list("pk", flat=True))
    if topic_ids:
        chose = Subscriber.topics.through.objects.filter(subscriber_id=OuterRef("pk"))
        subscribers = subscribers.filter(
            Exists(chose.filter(topic_id__in=topic_ids)) | ~Exists(chose)
        )
    return subscribers


@transaction.atomic
def start_sending(issue: NewsletterIssue) -> bool:
    """Mark a draft for sending and queue the task; False when it was not a draft."""
    started = NewsletterIssue.objects.filter(pk=issue.pk, status=IssueStatus.DRAFT).update(
        status=IssueStatus.SENDING, send_started=timezone.now()
    )
    if started:
        transaction.on_commit(lambda: _queue_task(issue.pk))
    return bool(started)


def _queue_task(issue_id: int) -> None:
    from .tasks import send_issue

    try:
        send_issue.enqueue(issue_id)
    except Exception:
        logger.exception("could not queue the sending of newsletter issue %s", issue_id)


def compose_batch(issue: NewsletterIssue, size: int | None = None) -> int:
    """Write the next batch of the issue's mails: one ``Delivery`` and one outbox message
    per subscriber, in one transaction; the outbox sends them after the commit at its
    rate. Subscribers who have a delivery already are skipped, so a batch that ran
    before a crash is never written twice. Returns how many were written (0: done)."""
    size = size or settings.NEWSLETTER_BATCH_SIZE
    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
        if issue.status != IssueStatus.SENDING:
            return 0
        batch = list(recipients(issue).exclude(deliveries__issue=issue).order_by("pk")[:size])
        if not batch:
            issue.status = IssueStatus.SENT
            issue.composed_at = timezone.now()
            issue.save(update_fields=["status", "composed_at"])
            return 0
        context = issue_context(issue, None)
        for subscriber in batch:
            with translation.override(subscriber.language):
                message = outbox.enqueue(
                    to=subscriber.email,
                    subject=issue.subject,
                    template="newsletter/email/issue",
                    context={**context, "preferences_url": preferences_url(subscriber)},
                    key=f"newsletter:{issue.pk}:{subscriber.pk}",
                    category=LIST,
                )
            Delivery.objects.create(issue=issue, subscriber=subscriber, message=message)
    return len(batch)


def continue_sending(issue_id: int | None = None, batches: int | None = None) -> int:
    """Compose what is left of issues being sent (all, or one); ``batches`` bounds the
    work of one call. Returns how many mails were written."""
    issues = NewsletterIssue.objects.filter(status=IssueStatus.SENDING)
    if issue_id is not None:
        issues = issues.filter(pk=issue_id)
    written = 0
    for issue in issues:
        done = 0
        while batches is None or done < batches:
            count = compose_batch(issue)
            if not count:
                break
            written += count
            done += 1
    return written


# --- Bounces -------------------------------------------------------------------------------


@transaction.atomic
def record_bounce(address: str, kind: str, detail: str = "") -> Bounce:
    """A bounce or complaint reported for an address. Hard bounces and complaints put it
    on the suppression list for every mail; soft bounces are counted and suppress it
    after ``NEWSLETTER_SOFT_BOUNCE_LIMIT`` in a row (a confirmed mail resets the count)."""
    if kind not in BounceKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    address = outbox.normalise_address(address)
    bounce = Bounce.objects.create(
        email=address, kind=kind, issue=_last_issue(address), detail=detail[:2000]
    )
    if kind == BounceKind.COMPLAINT:
        outbox.suppress(address, "", SuppressionReason.COMPLAINT, note=detail[:500])
    elif kind == BounceKind.HARD:
        outbox.suppress(address, "", SuppressionReason.BOUNCE, note=detail[:500])
    else:
        subscriber = Subscriber.objects.select_for_update().filter(email=address).first()
        if subscriber is not None:
            subscriber.soft_bounces += 1
            subscriber.save(update_fields=["soft_bounces"])
            if subscriber.soft_bounces >= settings.NEWSLETTER_SOFT_BOUNCE_LIMIT:
                outbox.suppress(
                    address,
                    "",
                    SuppressionReason.BOUNCE,
                    note=f"{subscriber.soft_bounces} soft bounces",
                )
    return bounce


# --- Figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    recipients: int = 0
    sent: int = 0
    waiting: int = 0
    failed: int = 0
    suppressed: int = 0
    unknown: int = 0
    bounced: int = 0
    complaints: int = 0
    unsubscribed: int = 0


def figures(issue: NewsletterIssue) -> Figures:
    result = Figures()
    statuses = dict(
        Message.objects.filter(pk__in=Delivery.objects.filter(issue=issue).values("message_id"))
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    result.recipients = Delivery.objects.filter(issue=issue).count()
    result.sent = statuses.get(Status.SENT, 0)
    result.waiting = statuses.get(Status.QUEUED, 0) + statuses.get(Status.SENDING, 0)
    result.failed = statuses.get(Status.FAILED, 0)
    result.suppressed = statuses.get(Status.SUPPRESSED, 0)
    result.unknown = statuses.get(Status.UNKNOWN, 0)
    bounces = dict(Bounce.objects.filter(issue=issue).values_list("kind").annotate(n=Count("pk")))
    result.bounced = bounces.get(BounceKind.HARD, 0) + bounces.get(BounceKind.SOFT, 0)
    result.complaints = bounces.get(BounceKind.COMPLAINT, 0)
    result.unsubscribed = Subscriber.objects.filter(unsubscribed_issue=issue).count()
    return result


# --- Personal data -------------------------------------------------------------------------


def _subscriptions_of(user: Any) -> QuerySet[Subscriber]:
    condition = Q(user=user)
    address = privacy.confirmed_address(user)
    if address:
        condition |= Q(email=address)
    return Subscriber.objects.filter(condition)


def export_subscriptions(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "email": s.email,
            "status": s.status,
            "topics": sorted(t.name for t in s.topics.all()),
            "asked_for": s.created.isoformat(),
            "confirmed": s.confirmed_at.isoformat() if s.confirmed_at else None,
            "unsubscribed": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
        }
        for s in _subscriptions_of(user).prefetch_related("topics")
    ]


def erase_subscriptions(user: Any) -> None:
    """Deleting the account deletes its subscription; the address stays on the
    suppression list if it is there (so that it gets no more mail)."""
    subscriptions = _subscriptions_of(user)
    Bounce.objects.filter(email__in=subscriptions.values("email")).delete()
    subscriptions.delete()


def delete_unconfirmed(now: datetime.datetime) -> int:
    """Retention: subscriptions never confirmed are deleted once their link expired,
    with the consent records of that request (IP network included)."""
    cutoff = now - datetime.timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS)
    stale = list(
        Subscriber.objects.filter(status=SubscriberStatus.PENDING).filter(
            Q(confirm_sent_at__lt=cutoff) | Q(confirm_sent_at__isnull=True, created__lt=cutoff)
        )
    )
    for subscriber in stale:
        ConsentRecord.objects.filter(
            user__isnull=True,
            email=subscriber.email,
            purpose=ConsentPurpose.NEWSLETTER,
            created__gte=subscriber.created,
        ).delete()
    Subscriber.objects.filter(pk__in=[s.pk for s in stale]).delete()
    return len(stale)
