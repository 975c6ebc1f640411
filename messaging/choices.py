"""Statuses of an outgoing message, the mailing lists and the reasons to suppress."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    UNKNOWN = "unknown", _("outcome unknown")
    SUPPRESSED = "suppressed", _("suppressed")


class MailList(models.TextChoices):
    """What a message is: a transaction mail (the answer to something the recipient did
    or must know about their account; no unsubscribe) or one of the lists a person can
    leave. A new kind of recurring mail adds its list here."""

    TRANSACTIONAL = "transactional", _("transaction mail")
    REVIEW_NOTICES = "review-notices", _("notices of items waiting for review")
    PROFILE_REMINDERS = "profile-reminders", _("requests to confirm a profile")
    RELAYED_CONTACT = "relayed-contact", _("messages relayed to an unclaimed profile")
    POSTING_DIGEST = "posting-digest", _("digest of requests that fit an organisation")
    OFFER_ALERTS = "offer-alerts", _("new offers that fit a request")
    POSTING_REMINDERS = "posting-reminders", _("reminders that a request or offer expires")
    FUNDING_REMINDERS = "funding-reminders", _("reminders of a followed programme's deadline")
    NEWSLETTER = "newsletter", _("newsletter")


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBE = "unsubscribe", _("unsubscribed")
    BOUNCE = "bounce", _("hard bounce")
    COMPLAINT = "complaint", _("complaint (marked as spam)")
