"""Expert inquiries: who answers what (experts, teams, routing rules) and the cases.

An inquiry holds personal data (name, address, phone, message, attachment); who may see
it is decided in ``inquiries.permissions``, never in a template or view alone.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.storage import SettingDirStorage
from directory.choices import Visibility

from .choices import EventKind, Helped, InquiryStatus, Urgency

# Attachments have no URL: only the inbox view serves them.
attachment_storage = SettingDirStorage("INQUIRY_ATTACHMENT_DIR")


def get_attachment_storage() -> SettingDirStorage:
    return attachment_storage


def new_token() -> str:
    return secrets.token_urlsafe(24)


class InquiryTopic(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("inquiry topic")
        verbose_name_plural = _("inquiry topics")

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    """A person of the agency who answers inquiries; also shown on the team pages."""

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role or title"), max_length=200, blank=True)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )
    team = models.ForeignKey(
        "Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    topics = models.ManyToManyField(InquiryTopic, verbose_name=_("topics"), blank=True)
    growth_fields = models.ManyToManyField(
        "classification.GrowthField", verbose_name=_("growth fields"), blank=True
    )
    districts = models.ManyToManyField("geo.District", verbose_name=_("districts"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    responsibility = models.TextField(
        _("responsibility"),
        max_length=1000,
        blank=True,
        help_text=_("What the expert is responsible for, as the public team page says it."),
    )
    contact_visibility = models.CharField(
        _("who sees email address and phone"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.STAFF,
        help_text=_(
            "On the team page, name, role and responsibility are public; the expert's own "
            "email address and phone only for those chosen here."
        ),
    )
    source = models.CharField(_("source"), max_length=20, blank=True)

    # Who made an expert's contact data public, and when: the team page shows it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    email = models.EmailField(_("email address"), blank=True)
    lead = models.ForeignKey(
        Expert,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Conditions (all must hold) leading to an expert or a team; see inquiries.routing."""

    priority = models.IntegerField(
        _("priority"), default=0, help_text=_("Higher wins among matching rules.")
    )
    topic = models.ForeignKey(
        InquiryTopic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.CASCADE
    )
    growth_field = models.ForeignKey(
        "classification.GrowthField",
        verbose_name=_("growth field"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    wz_prefix = models.CharField(
        _("WZ code prefix"),
        max_length=8,
        blank=True,
        help_text=_("E.g. 28 or 28.4: matches every code starting so."),
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), null=True, blank=True, on_delete=models.CASCADE
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE
    )
    fallback = models.BooleanField(
        _("fallback"),
        default=False,
        help_text=_("Used when no other rule matches; has no conditions. Only one."),
    )
    active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=20, blank=True)

    class Meta:
        ordering = ["-fallback", "-priority", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        target = self.expert or self.team or "?"
        if self.fallback:
            return f"{_('Fallback')} → {target}"
        return f"{' + '.join(self.condition_labels())} → {target}"

    def condition_labels(self) -> list[str]:
        labels = []
        if self.topic_id:
            labels.append(str(self.topic))
        if self.growth_field_id:
            labels.append(str(self.growth_field))
        if self.wz_prefix:
            labels.append(f"WZ {self.wz_prefix}")
        if self.district_id:
            labels.append(str(self.district))
        return labels

    @property
    def condition_count(self) -> int:
        return sum(
            bool(v) for v in (self.topic_id, self.growth_field_id, self.wz_prefix, self.district_id)
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.expert_id and not self.team_id:
            errors["expert"] = str(_("Choose an expert or a team that receives the inquiries."))
        if self.expert_id and self.team_id:
            errors["team"] = str(_("Choose either an expert or a team, not both."))
        if self.fallback and self.condition_count:
            errors["fallback"] = str(
                _("The fallback has no conditions: clear topic, growth field, WZ and district.")
            )
        if not self.fallback and not self.condition_count:
            errors["topic"] = str(
                _(
                    "A rule needs at least one condition (topic, growth field, WZ prefix or "
                    "district); only the fallback has none."
                )
            )
        if self.fallback:
            others = RoutingRule.objects.filter(fallback=True).exclude(pk=self.pk)
            if others.exists():
                errors["fallback"] = str(_("There is a fallback rule already: change that one."))
        prefix = self.wz_prefix.strip()
        if prefix and not all(c.isdigit() or c == "." for c in prefix):
            errors["wz_prefix"] = str(_("A WZ prefix has digits and dots only, e.g. 28.4."))
        if errors:
            raise ValidationError(errors)


def reference_number(year: int, number: int) -> str:
    return f"A-{year}-{number:05d}"


class Inquiry(models.Model):
    """One question of a firm or person to the agency's experts, and its handling."""

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    topic = models.ForeignKey(
        InquiryTopic, verbose_name=_("topic"), null=True, on_delete=models.SET_NULL
    )
    growth_field = models.ForeignKey(
        "classification.GrowthField",
        verbose_name=_("growth field"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    wz_code = models.ForeignKey(
        "classification.WzCode",
        verbose_name=_("WZ code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    message = models.TextField(_("message"))
    consent_at = models.DateTimeField(_("consent given"))
    consent_version = models.CharField(_("consent text version"), max_length=60)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InquiryStatus.choices,
        default=InquiryStatus.NEW,
        db_index=True,
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("assigned expert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("assigned team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries",
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    first_answer_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    helped = models.CharField(
        _("helped"), max_length=8, choices=Helped.choices, default=Helped.UNKNOWN
    )
    forwarded_to = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("forwarded to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("filed"), auto_now_add=True, db_index=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("inquiries:case", args=[self.reference])

    def status_url(self) -> str:
        return reverse("inquiries:status", args=[self.token])


class InquiryAttachment(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=get_attachment_storage, upload_to="%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class InquiryNote(models.Model):
    """Internal: never shown to the asker."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.inquiry_id}: {self.text[:40]}"


class InquiryReply(models.Model):
    """An answer sent to the asker from the inbox; shown on the private status page."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    text = models.TextField(_("reply"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.inquiry_id}: {self.text[:40]}"


class InquiryEvent(models.Model):
    """Who did what when, per case."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    text = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.inquiry_id}: {self.kind}"


class InquiryCounter(models.Model):
    """The last reference number handed out per year (locked row while numbering)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
