"""News of the cluster management (``/aktuelles/``): articles with categories, growth
fields and networks, an image with alternative text and credit, and a publication time.

An article is public once it is published and its publication time has come; until then
it is invisible to visitors everywhere (list, page, feeds, search). ``went_live_at``
records when the search was told that it went live, so that ``publish_scheduled`` (run
every minute, and a deferred task where the task backend supports it) reports each
scheduled article exactly once, when it is due (docs/news.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from classification.models import GrowthField
from core.models import TimeStampedModel
from core.storage import SettingDirStorage
from core.uploads import check_upload
from directory.choices import NETWORK_KINDS, Source
from directory.models import Organisation

from .sanitising import sanitise

IMAGE_KINDS = ("png", "jpeg")
IMAGE_MAX_MB = 5

image_storage = SettingDirStorage("NEWS_IMAGE_DIR")


def get_image_storage() -> SettingDirStorage:
    return image_storage


class NewsCategory(models.Model):
    """A kind of news (press release, funding, events review…); each has its own feeds."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet["Article"]):
    def visible(self, now: datetime.datetime | None = None) -> ArticleQuerySet:
        """What every visitor sees: published and due."""
        return self.filter(published=True, publish_at__lte=now or timezone.now())

    def for_user(self, user: Any) -> ArticleQuerySet:
        from directory.services import is_staff

        return self.all() if is_staff(user) else self.visible()


class Article(TimeStampedModel):
    """One news article. Its body is HTML, sanitised whenever it is saved."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address"),
        max_length=120,
        unique=True,
        help_text=_("The article's address: /aktuelles/<address>/."),
    )
    teaser = models.TextField(
        _("teaser"), max_length=600, help_text=_("Two or three sentences for lists and feeds.")
    )
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "HTML: paragraphs, line breaks, bold, italic, links, lists, subheadings (h2–h4), "
            "quotations and figure captions. Anything else (scripts, styles, images, "
            "attributes) is removed when the article is saved."
        ),
    )
    categories = models.ManyToManyField(
        NewsCategory, blank=True, related_name="articles", verbose_name=_("categories")
    )
    growth_fields = models.ManyToManyField(
        GrowthField, blank=True, related_name="news_articles", verbose_name=_("growth fields")
    )
    networks = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="news_articles",
        verbose_name=_("networks"),
        limit_choices_to={"kind__in": [kind.value for kind in NETWORK_KINDS]},
    )
    image = models.FileField(
        _("image"),
        storage=get_image_storage,
        upload_to="news/%Y/",
        blank=True,
        max_length=300,
        help_text=_("PNG or JPEG, at most 5 MB."),
    )
    image_alt = models.CharField(
        _("alternative text of the image"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for those who cannot see it. Required with an image."),
    )
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    publish_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_("A published article appears at this time; until then only staff see it."),
    )
    published = models.BooleanField(_("published"), default=False)
    went_live_at = models.DateTimeField(null=True, blank=True, editable=False)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(
        excluded_fields=["modified", "went_live_at"],
        m2m_fields=[categories, growth_fields, networks],
    )
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        indexes = [
            models.Index(
                fields=["publish_at"],
                name="news_due",
                condition=Q(published=True, went_live_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.image and not getattr(self.image, "_committed", True):
            try:
                check_upload(self.image, IMAGE_KINDS, IMAGE_MAX_MB * 1024 * 1024)
            except ValidationError as error:
                raise ValidationError({"image": error.messages}) from None
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image for those who cannot see it.")}
            )

    def save(self, *args: object, **kwargs: object) -> None:
        self.body = sanitise(self.body)
        now = timezone.now()
        if self.is_live(now):
            self.went_live_at = self.went_live_at or now
        else:
            self.went_live_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body", "went_live_at"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_live(self, now: datetime.datetime | None = None) -> bool:
        return self.published and self.publish_at <= (now or timezone.now())

    @property
    def is_scheduled(self) -> bool:
        return self.published and self.publish_at > timezone.now()

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED

    def get_absolute_url(self) -> str:
        return reverse("content:news-detail", kwargs={"slug": self.slug})

    def image_url(self) -> str:
        return reverse("content:news-image", kwargs={"slug": self.slug}) if self.image else ""
