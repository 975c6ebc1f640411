"""Funding programmes: who gives money (or a loan, a guarantee, advice) to whom and for
what, with their calls and deadlines, kept by staff and followed by users who want a
reminder before a deadline.

A programme's summary and conditions are plain text (``content.formatting``), never HTML.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from directory.choices import Source

from .choices import CompanySize, FundingType, Level, ProgrammeStatus, TargetGroup, Topic
from .fields import ChoiceSetField

WZ_SECTIONS = [(letter, letter) for letter in "ABCDEFGHIJKLMNOPQRSTU"]

PLAIN_TEXT_HELP = _(
    "Plain text. A blank line starts a new paragraph; lines starting with “- ” form a "
    "list; a line starting with “## ” is a subheading; web addresses become links."
)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def published(self) -> ProgrammeQuerySet:
        return self.filter(status=ProgrammeStatus.PUBLISHED)

    def open_on(self, day: datetime.date) -> ProgrammeQuerySet:
        """Open for applications on ``day``: continuously, or a call runs then."""
        running = Call.objects.filter(closes__gte=day).filter(
            models.Q(opens__isnull=True) | models.Q(opens__lte=day)
        )
        return self.filter(
            models.Q(continuous=True) | models.Q(pk__in=running.values("programme_id"))
        )

    def deadline_within(self, day: datetime.date, days: int) -> ProgrammeQuerySet:
        """A call closes between ``day`` and ``days`` days later."""
        closing = Call.objects.filter(
            closes__gte=day, closes__lte=day + datetime.timedelta(days=days)
        )
        return self.filter(pk__in=closing.values("programme_id"))


class Programme(TimeStampedModel):
    """One funding programme as a company, a research institution or a municipality would
    look it up: for whom, for what, how much, until when."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("address"),
        max_length=100,
        unique=True,
        help_text=_("The programme's address: /foerderprogramme/<address>/."),
    )
    provider = models.CharField(
        _("provider"), max_length=200, help_text=_("E.g. a ministry or a development bank.")
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    state = models.ForeignKey(
        "geo.State",
        verbose_name=_("state (Land)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For state programmes: the Land whose applicants it funds."),
    )
    districts = models.ManyToManyField(
        "geo.District",
        verbose_name=_("only in these districts"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty where the whole state (or country) may apply."),
    )
    target_groups = ChoiceSetField(
        _("target groups"), options=TargetGroup.choices, help_text=_("Who may apply.")
    )
    company_sizes = ChoiceSetField(
        _("company sizes"),
        options=CompanySize.choices,
        blank=True,
        help_text=_("For companies: which sizes may apply. Empty: every size."),
    )
    topics = ChoiceSetField(_("topics"), options=Topic.choices)
    growth_fields = models.ManyToManyField(
        "classification.GrowthField",
        verbose_name=_("growth fields"),
        blank=True,
        related_name="+",
        help_text=_("Empty: open to every field."),
    )
    wz_sections = ChoiceSetField(
        _("WZ sections"),
        options=WZ_SECTIONS,
        blank=True,
        help_text=_("Industries (WZ 2008 sections A–U) it is limited to. Empty: every one."),
    )
    funding_type = models.CharField(_("type"), max_length=10, choices=FundingType.choices)
    continuous = models.BooleanField(
        _("open continuously"),
        default=False,
        help_text=_("Applications are possible at any time; else only during its calls."),
    )
    max_amount = models.PositiveIntegerField(_("maximum amount (EUR)"), null=True, blank=True)
    funding_rate = models.PositiveSmallIntegerField(
        _("funding rate (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("The largest share of the costs it pays."),
    )
    url = models.URLField(_("link"), max_length=500, help_text=_("The provider's page."))
    summary = models.TextField(_("summary"), max_length=1000, help_text=PLAIN_TEXT_HELP)
    conditions = models.TextField(_("conditions"), blank=True, help_text=PLAIN_TEXT_HELP)
    last_checked = models.DateField(
        _("last checked"),
        null=True,
        blank=True,
        help_text=_("When staff last compared it with the provider's page."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("content:funding-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.level == Level.STATE and self.state_id is None:
            raise ValidationError({"state": _("A state programme names its state (Land).")})
        if self.level != Level.STATE and self.state_id is not None:
            raise ValidationError({"state": _("Only a state programme names a state (Land).")})

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED

    @property
    def is_published(self) -> bool:
        return self.status == ProgrammeStatus.PUBLISHED

    def is_stale(self, today: datetime.date | None = None) -> bool:
        """Not compared with the provider's page for ``FUNDING_CHECK_DAYS`` days (or never)."""
        today = today or timezone.localdate()
        if self.last_checked is None:
            return True
        return (today - self.last_checked).days > settings.FUNDING_CHECK_DAYS

    def target_group_labels(self) -> list[str]:
        return [str(TargetGroup(v).label) for v in self.target_groups if v in TargetGroup.values]

    def company_size_labels(self) -> list[str]:
        from .choices import SIZE_NAMES

        return [
            str(SIZE_NAMES[CompanySize(v)]) for v in self.company_sizes if v in CompanySize.values
        ]

    def topic_labels(self) -> list[str]:
        return [str(Topic(v).label) for v in self.topics if v in Topic.values]


class Call(models.Model):
    """A round of a programme: applications from ``opens`` (empty: already) until
    ``closes``. Reminders go out before ``closes``."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="calls", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    opens = models.DateField(_("opens"), null=True, blank=True)
    closes = models.DateField(_("deadline"))

    class Meta:
        ordering = ["closes", "pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls and deadlines")

    def __str__(self) -> str:
        return self.title or str(self.closes)

    def clean(self) -> None:
        if self.opens and self.closes and self.opens > self.closes:
            raise ValidationError({"closes": _("The deadline lies before the call opens.")})

    def is_running(self, day: datetime.date) -> bool:
        return self.closes >= day and (self.opens is None or self.opens <= day)


class Follow(models.Model):
    """A signed-in user follows a programme: they find it on their list and get a reminder
    before each deadline. Personal data (``content.funding.privacy``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funding_follows"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="follows")
    created = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("followed programme")
        verbose_name_plural = _("followed programmes")
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="funding_follow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.programme}"
