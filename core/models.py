"""Shared model bases: timestamps and change history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    modified = models.DateTimeField(_("last modified"), auto_now=True, editable=False)

    class Meta:
        abstract = True
