"""Choices of the expert inquiries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    LOW = "low", _("low: within two weeks")
    NORMAL = "normal", _("normal: within a week")
    HIGH = "high", _("high: within a few days")
    URGENT = "urgent", _("urgent: as soon as possible")


class InquiryStatus(models.TextChoices):
    NEW = "new", _("new")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    ANSWERED = "answered", _("answered")
    FORWARDED = "forwarded", _("forwarded to a network partner")
    CLOSED = "closed", _("closed")


# Statuses in which a case still waits for its first answer (due date and warnings count).
OPEN_STATUSES = (InquiryStatus.NEW, InquiryStatus.ASSIGNED, InquiryStatus.IN_PROGRESS)


class Helped(models.TextChoices):
    UNKNOWN = "unknown", _("not known")
    YES = "yes", _("yes")
    NO = "no", _("no")


class EventKind(models.TextChoices):
    FILED = "filed", _("filed")
    ROUTED = "routed", _("routed")
    ASSIGNED = "assigned", _("assigned")
    STATUS = "status", _("status changed")
    NOTE = "note", _("note added")
    REPLY = "reply", _("reply sent")
    FORWARDED = "forwarded", _("forwarded")
    HELPED = "helped", _("feedback")
    WARNED = "warned", _("due date warning")
