"""Choices of the requests and offers ("Gesuche und Angebote")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostingKind(models.TextChoices):
    REQUEST = "request", _("request")
    OFFER = "offer", _("offer")


class PostingCategory(models.TextChoices):
    MATERIAL = "material", _("material")
    PRODUCT = "product", _("product")
    SERVICE = "service", _("service")
    CAPACITY = "capacity", _("production capacity")
    KNOWHOW = "knowhow", _("know-how")


class Urgency(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


class PostingStatus(models.TextChoices):
    PENDING = "pending", _("waits for review")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    CLOSED = "closed", _("closed")
    EXPIRED = "expired", _("expired")


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    OFF = "off", _("off")
