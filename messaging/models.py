"""The outbox: every email the portal sends is a row here first."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import MailList, Status, SuppressionReason


class Message(models.Model):
    """One email to one recipient, written in the transaction of the change that causes
    it and sent afterwards by ``messaging.services.send_due``.

    ``key`` names the cause (``verify:17:…``), so that the same cause written twice is one
    message. The bodies are rendered when the message is written: what was true then is
    what the recipient reads, whenever the sender gets to it.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("recipient"), max_length=254, db_index=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    category = models.CharField(
        _("list"), max_length=40, choices=MailList.choices, default=MailList.TRANSACTIONAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("status changed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def is_transactional(self) -> bool:
        return self.category == MailList.TRANSACTIONAL


class Suppression(models.Model):
    """An address that gets no more mail of one list (``list_name``), or of any list
    (empty ``list_name``). Unsubscribes name a list; bounces and complaints hold for
    every mail, transaction mails included (docs/messaging.md)."""

    address = models.EmailField(_("address"), max_length=254)
    list_name = models.CharField(
        _("list"),
        max_length=40,
        blank=True,
        choices=MailList.choices,
        help_text=_("Empty: every mail."),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=SuppressionReason.choices)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["address", "list_name"], name="messaging_suppression_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.list_name or '*'})"
