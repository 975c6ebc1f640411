"""States of a subscription and of an issue, kinds of bounces."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    UNSUBSCRIBED = "unsubscribed", _("unsubscribed")


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")


class BounceKind(models.TextChoices):
    HARD = "hard", _("hard bounce")
    SOFT = "soft", _("soft bounce")
    COMPLAINT = "complaint", _("complaint")
