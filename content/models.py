"""Pages about the cluster management (goals, structure, fields of action, cross-cutting
topics) and its supporters, written by staff in the back office.

A page's body is plain text with a few conventions (``content.formatting``), never HTML:
what an editor types is escaped, so no page can carry markup or scripts.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from directory.choices import Source

from .choices import PageSection, SitePageKind, SupporterKind

# Addresses under /clustermanagement/ that are pages of their own, not a Page's slug.
RESERVED_SLUGS = frozenset({"team", "foerderer"})


class PageQuerySet(models.QuerySet["Page"]):
    def published(self) -> PageQuerySet:
        return self.filter(published=True)


class Page(TimeStampedModel):
    """One page of the cluster management's own site section; visitors see it once
    published, staff see drafts too (marked as such)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address"),
        max_length=100,
        unique=True,
        help_text=_("The page's address: /clustermanagement/<address>/."),
    )
    section = models.CharField(
        _("section"), max_length=12, choices=PageSection.choices, default=PageSection.OTHER
    )
    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences for the overview."),
    )
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "Plain text. A blank line starts a new paragraph; lines starting with “- ” form a "
            "list; a line starting with “## ” is a subheading; web addresses become links."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=False)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])
    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("cluster management page")
        verbose_name_plural = _("cluster management pages")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("This address is taken by another page of the cluster management.")}
            )

    def get_absolute_url(self) -> str:
        return reverse("content:page", kwargs={"slug": self.slug})

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED


class Supporter(TimeStampedModel):
    """Who funds, commissions or backs the cluster management (ministry, funding bodies,
    sponsors); shown on the supporters page."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=SupporterKind.choices, default=SupporterKind.PARTNER
    )
    url = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")

    def __str__(self) -> str:
        return self.name

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED


class SitePage(TimeStampedModel):
    """The imprint (Impressum) and the accessibility statement (Erklärung zur
    Barrierefreiheit): one of each, at /impressum/ and /barrierefreiheit/, written by
    staff. The privacy policy is not one of them: it stays the versioned text that
    consent records cite (accounts)."""

    kind = models.CharField(_("page"), max_length=14, choices=SitePageKind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text. A blank line starts a new paragraph; lines starting with “- ” form a "
            "list; a line starting with “## ” is a subheading; web addresses become links."
        ),
    )
    reviewed_on = models.DateField(
        _("last reviewed on"),
        null=True,
        blank=True,
        help_text=_("The accessibility statement says when it was made or last reviewed."),
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        ordering = ["kind"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(f"content:{self.kind}")

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED


from .events.models import Event, EventDocument, Registration  # noqa: E402,F401
from .funding.models import Call, Follow, Programme  # noqa: E402,F401
from .news.models import Article, NewsCategory  # noqa: E402,F401
