"""Shared model bases: timestamps and change history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    modified = models.DateTimeField(_("last modified"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class TextVector(models.Model):
    """The embedding of one text (``core.embedding``), cached across rebuilds and nodes.

    ``key`` digests the model id and the text, so another model never reads these rows;
    the text itself is not kept (it may be personal: a profile's description).
    """

    key = models.CharField(max_length=40, primary_key=True)
    vector = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("text vector")
        verbose_name_plural = _("text vectors")

    def __str__(self) -> str:
        return self.key
