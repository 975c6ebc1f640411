"""Newsletter: topics, subscribers (double opt-in), issues and one delivery per
subscriber and issue (docs/newsletter.md)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import BounceKind, IssueStatus, SubscriberStatus


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Topic(models.Model):
    """What a subscriber may choose (a growth field, a theme); staff maintain them."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("newsletter topic")
        verbose_name_plural = _("newsletter topics")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """One address on the newsletter. Receives issues only once ``confirmed``; the
    private ``token`` opens the preference page linked from every issue."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="subscribers")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
        verbose_name=_("account"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("language"), max_length=10, default="de")
    created = models.DateTimeField(_("asked for"), default=timezone.now, db_index=True)
    confirm_sent_at = models.DateTimeField(_("confirmation mail sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    unsubscribed_issue = models.ForeignKey(
        "NewsletterIssue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="unsubscribes",
        verbose_name=_("unsubscribed after issue"),
    )
    soft_bounces = models.PositiveSmallIntegerField(_("soft bounces"), default=0)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.email


class NewsletterIssue(models.Model):
    """One issue: subject, intro, items picked from the sources, the topics it is for
    (none: every confirmed subscriber)."""

    subject = models.CharField(_("subject"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="issues",
        verbose_name=_("topics"),
        help_text=_("Sent to subscribers of one of these topics; none: to every subscriber."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    send_started = models.DateTimeField(_("sending started"), null=True, blank=True)
    composed_at = models.DateTimeField(_("every mail written"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.subject


class IssueItem(models.Model):
    """An entry of an issue: copied from a source (``source`` names it) and editable."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=40, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("link"), max_length=500)
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """The one mail of an issue to a subscriber: written with its outbox message (key
    ``newsletter:<issue>:<subscriber>``) in one transaction, unique per pair, so that a
    send that stops and starts again never writes a second one."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, related_name="deliveries"
    )
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}"


class Bounce(models.Model):
    """A bounce or complaint reported for an address (endpoint, mailbox reader, or the
    mail server refusing it), attributed to the issue last delivered there."""

    email = models.EmailField(_("address"), max_length=254, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=BounceKind.choices)
    issue = models.ForeignKey(
        NewsletterIssue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bounces",
        verbose_name=_("issue"),
    )
    detail = models.TextField(_("detail"), blank=True)
    created = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.email} ({self.kind})"
