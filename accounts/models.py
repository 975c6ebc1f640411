"""People's accounts beside Django's user: verified address, consents, failed logins.

A user's login name is their email address (``User.username`` holds it, lowercased).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Account(models.Model):
    """What the portal knows about a user beyond Django's ``User``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    email_verified_at = models.DateTimeField(_("email address verified"), null=True, blank=True)
    created = models.DateTimeField(_("registered"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return str(self.user)


class ConsentPurpose(models.TextChoices):
    PRIVACY = "privacy", _("privacy policy (processing of account data)")
    NEWSLETTER = "newsletter", _("newsletter")
    CONTACT = "contact", _("being contacted by the agency")


class ConsentRecord(models.Model):
    """One consent given or withdrawn: for what, when, to which wording, from where.

    Records are never changed; a withdrawal is a new record with ``granted`` False.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("user"),
        null=True,
        blank=True,
    )
    # People without an account (a newsletter subscriber) are named by their address.
    email = models.EmailField(_("email address"), max_length=254, blank=True, db_index=True)
    # Shortened where given (IPv4 /24, IPv6 /48, ``accounts.privacy.shorten_ip``): enough
    # to show where a consent came from, not enough to name a single connection.
    ip = models.CharField(_("network of the client"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    text = models.TextField(_("wording agreed to"))
    text_version = models.CharField(_("version of the wording"), max_length=40)
    source = models.CharField(
        _("source"), max_length=100, help_text=_("Where it was given, e.g. the registration form.")
    )
    created = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="consent_names_user_or_email",
            )
        ]

    def __str__(self) -> str:
        state = _("granted") if self.granted else _("withdrawn")
        return f"{self.get_purpose_display()}: {state} ({self.created:%Y-%m-%d %H:%M})"


class LoginFailure(models.Model):
    """A failed login, kept for throttling only (``LOGIN_FAILURE_WINDOW``).

    ``key`` is a keyed hash of the address tried or of the client's IP address, so the
    table holds no readable personal data.
    """

    key = models.CharField(max_length=64, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.created:%Y-%m-%d %H:%M}"


class AccountEmail(models.Model):
    """An account email sent (verification, password reset) or another action limited
    per hour (corrections from one client), for the hourly limits.

    Like ``LoginFailure`` it stores only a keyed hash of the address.
    """

    key = models.CharField(max_length=64, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.created:%Y-%m-%d %H:%M}"


class OrganisationEditor(models.Model):
    """A user who may maintain one organisation's profile (after a verified claim, or
    appointed by staff). On a network's or cluster's profile this makes the user its
    network manager, who also maintains the network's members."""

    class Via(models.TextChoices):
        DOMAIN = "domain", _("code sent to the organisation's domain")
        REVIEW = "review", _("staff review")
        STAFF = "staff", _("appointed by staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_roles",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="editors",
        verbose_name=_("organisation"),
    )
    via = models.CharField(_("verified by"), max_length=10, choices=Via.choices)
    created = models.DateTimeField(_("since"), default=timezone.now, editable=False)

    # Who appointed or removed whom, and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation editor")
        verbose_name_plural = _("organisation editors")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_editor_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class Claim(models.Model):
    """A registered user's claim to maintain an organisation's profile."""

    class Method(models.TextChoices):
        DOMAIN = "domain", _("code to an address at the organisation's web domain")
        REVIEW = "review", _("staff review")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("organisation"),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    email = models.EmailField(_("address the code went to"), blank=True)
    code_hash = models.CharField(max_length=128, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    message = models.TextField(
        _("message to the staff"),
        blank=True,
        help_text=_("Who you are in the organisation and how staff can check it."),
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"


class PrivacyPolicy(models.Model):
    """A version of the privacy policy; the newest published one is shown at /datenschutz/.

    A change is a new version, so that every consent record names the text it was
    given to (``ConsentRecord.text_version`` holds ``policy-<version>``).
    """

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200, default="Datenschutzerklärung")
    body = models.TextField(
        _("text"), help_text=_("Plain text; an empty line starts a new paragraph.")
    )
    published = models.DateTimeField(_("published from"), default=timezone.now)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("author"),
    )

    class Meta:
        verbose_name = _("privacy policy")
        verbose_name_plural = _("privacy policy versions")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} ({_('version')} {self.version})"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.version:
            latest = PrivacyPolicy.objects.aggregate(models.Max("version"))["version__max"]
            self.version = (latest or 0) + 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]
