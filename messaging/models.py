"""The outbox: every email the portal sends is a row here first."""

from __future__ import annotations

from django.conf import settings
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


# --- Relayed conversations (messaging.relay) -----------------------------------------------
# Generic: the parties are string keys ("organisation:17", "user:3", "visitor:<hash>"), the
# subject of a conversation too ("posting:5"); the apps above say what the keys mean.


class Conversation(models.Model):
    """Messages between a sender and a recipient, relayed by email without showing either
    side's address to the other (docs/messaging.md, "Relayed conversations")."""

    about = models.CharField(_("about"), max_length=100, db_index=True)
    about_title = models.CharField(_("about (title)"), max_length=300, blank=True)
    about_url = models.CharField(_("about (link)"), max_length=500, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    created = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now, db_index=True)
    first_reply_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    revealed_at = models.DateTimeField(
        _("sender's address shown to the recipient"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("relayed conversation")
        verbose_name_plural = _("relayed conversations")
        ordering = ["-last_message_at"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("messaging:conversation-mine", args=[self.pk])

    @property
    def answered(self) -> bool:
        return self.first_reply_at is not None


class Participant(models.Model):
    """One person or address on one side of a conversation, with a private link."""

    class Side(models.TextChoices):
        SENDER = "sender", _("sender")
        RECIPIENT = "recipient", _("recipient")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    key = models.CharField(_("party"), max_length=100, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.EmailField(_("address"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relay_participations",
    )
    token = models.CharField(_("private token"), max_length=64, unique=True)
    list_name = models.CharField(
        _("list"), max_length=40, choices=MailList.choices, default=MailList.TRANSACTIONAL
    )
    note = models.TextField(_("note in the mails"), blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_side_display()})"


class RelayedMessage(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="messages")
    body = models.TextField(_("message"))
    created = models.DateTimeField(_("written"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("relayed message")
        verbose_name_plural = _("relayed messages")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.author.name}: {self.body[:40]}"


class PendingRelay(models.Model):
    """A visitor's message that waits for the one-time link sent to their address."""

    token = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.EmailField(_("address"), max_length=254)
    payload = models.JSONField(_("message"), default=dict)
    created = models.DateTimeField(_("written"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("message waiting for confirmation")
        verbose_name_plural = _("messages waiting for confirmation")

    def __str__(self) -> str:
        return f"{self.name} ({self.created:%Y-%m-%d})"


class PartyPolicy(models.Model):
    """Who may write to a party (``organisation:17``): everyone with a confirmed address,
    registered users, nobody."""

    class Policy(models.TextChoices):
        EVERYONE = "everyone", _("everyone with a confirmed address")
        REGISTERED = "registered", _("registered users only")
        NOBODY = "nobody", _("nobody")

    key = models.CharField(_("party"), max_length=100, unique=True)
    policy = models.CharField(
        _("who may write"), max_length=12, choices=Policy.choices, default=Policy.EVERYONE
    )
    modified = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("contact setting")
        verbose_name_plural = _("contact settings")

    def __str__(self) -> str:
        return f"{self.key}: {self.policy}"


class PartyBlock(models.Model):
    """``party`` receives nothing more from ``blocked`` (a sender's key)."""

    party = models.CharField(_("party"), max_length=100, db_index=True)
    blocked = models.CharField(_("blocked sender"), max_length=100)
    label = models.CharField(_("shown as"), max_length=200, blank=True)
    created = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")
        constraints = [
            models.UniqueConstraint(fields=["party", "blocked"], name="messaging_block_unique")
        ]

    def __str__(self) -> str:
        return f"{self.party} ✕ {self.label or self.blocked}"
