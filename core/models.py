"""Shared model bases (timestamps), the vector cache and the audit log of staff actions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction


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


class AuditEntry(models.Model):
    """One thing a staff member did (``core.audit``): who, when, what, on which object,
    from where. Append-only: nothing changes a row, ``apply_retention`` deletes rows
    older than ``AUDIT_RETENTION_DAYS``. The actor's name is copied, so the entry still
    says who it was after the account is renamed or deleted; values of fields are never
    kept, only their names (no passwords, no personal data beyond the actor's)."""

    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of object"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    # Machine-readable detail: the action's name, the ids it touched, changed field names.
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.CharField(_("client address"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["actor", "-created"], name="core_audit_actor"),
            models.Index(fields=["content_type", "object_id"], name="core_audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit log entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit log entries are removed only by apply_retention")
