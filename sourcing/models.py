"""Requests and offers ("Gesuche und Angebote"), their matches and the digest opt-in."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    DigestFrequency,
    PostingCategory,
    PostingKind,
    PostingStatus,
    Urgency,
)

__all__ = [
    "DigestFrequency",
    "DigestSubscription",
    "Posting",
    "PostingCategory",
    "PostingKind",
    "PostingMatch",
    "PostingStatus",
    "Urgency",
]


class PostingQuerySet(models.QuerySet["Posting"]):
    def open(self, today: datetime.date | None = None) -> PostingQuerySet:
        """Published and not expired: what the public list, search and API show."""
        today = today or timezone.localdate()
        return self.filter(status=PostingStatus.PUBLISHED, expires_on__gte=today)

    def public(self, today: datetime.date | None = None) -> PostingQuerySet:
        """Open postings of published organisations: what every visitor may see."""
        return self.open(today).filter(organisation__status="published")


class Posting(models.Model):
    """A request for, or an offer of, material, products, services, capacity or know-how."""

    kind = models.CharField(_("kind"), max_length=10, choices=PostingKind.choices)
    category = models.CharField(_("category"), max_length=10, choices=PostingCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    quantity = models.CharField(_("quantity"), max_length=200, blank=True)
    deadline = models.DateField(_("needed by"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    radius_km = models.PositiveIntegerField(_("radius (km)"), null=True, blank=True)
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postings",
    )
    wz_codes = models.ManyToManyField(
        "classification.WzCode",
        verbose_name=_("WZ codes"),
        blank=True,
        related_name="postings",
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="postings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postings",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PostingStatus.choices,
        default=PostingStatus.PENDING,
        db_index=True,
    )
    expires_on = models.DateField(_("expires on"), db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    modified = models.DateTimeField(_("last modified"), auto_now=True, editable=False)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("request or offer")
        verbose_name_plural = _("requests and offers")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "expires_on", "-published_at"], name="posting_open_newest"
            ),
            models.Index(fields=["status", "deadline"], name="posting_status_deadline"),
            models.Index(fields=["kind", "category"], name="posting_kind_category"),
            models.Index(fields=["organisation", "status"], name="posting_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PostingKind.values), name="posting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PostingStatus.values), name="posting_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("sourcing:posting-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return (
            self.status == PostingStatus.PUBLISHED
            and self.expires_on is not None
            and self.expires_on >= timezone.localdate()
        )

    @property
    def is_demo(self) -> bool:
        return self.source == "generated"


class PostingMatch(models.Model):
    """A fitting organisation or open posting of the other kind, computed on publication."""

    posting = models.ForeignKey(
        Posting, verbose_name=_("posting"), on_delete=models.CASCADE, related_name="matches"
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    other = models.ForeignKey(
        Posting,
        verbose_name=_("other posting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["posting", "-score"]
        indexes = [models.Index(fields=["posting", "-score"], name="postingmatch_posting_score")]

    def __str__(self) -> str:
        target = self.organisation_id or self.other_id
        return f"{self.posting_id} → {target} ({self.score:.2f})"


class DigestSubscription(models.Model):
    """An organisation's opt-in to the digest of new fitting requests."""

    organisation = models.OneToOneField(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="digest_subscription",
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True, editable=False)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.frequency}"
