from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventFormat(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    ONLINE = "online", pgettext_lazy("event format", "online")
    HYBRID = "hybrid", _("hybrid")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CANCELLED = "cancelled", pgettext_lazy("event status", "cancelled")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("registered")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "cancelled")


class DocumentKind(models.TextChoices):
    SLIDES = "slides", _("slides")
    MINUTES = "minutes", _("minutes")
    OTHER = "other", _("other document")


class Cost(models.TextChoices):
    FREE = "free", _("free of charge")
    PAID = "paid", _("with a fee")


class When(models.TextChoices):
    UPCOMING = "upcoming", _("upcoming")
    PAST = "past", _("past")
