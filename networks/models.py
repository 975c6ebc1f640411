"""Network and cluster profiles.

A network is an organisation of the directory (kind network or cluster): its name,
sites, contact persons, founding year, growth fields and members stay there. The
profile holds only what a network has beyond an organisation, so that nothing is kept
twice and the directory's pages, imports and search keep working for networks.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from classification.models import GrowthField
from core.models import TimeStampedModel
from directory.choices import NETWORK_KINDS, PublicationStatus, Source
from directory.models import ContactPerson, Organisation

from .choices import (
    DEFAULT_ISSUER,
    BrochureLanguage,
    BuildStatus,
    Cooperation,
    FieldKind,
    LabelLevel,
    LabelScheme,
    ProjectStatus,
    RoadmapStatus,
    TextStatus,
)
from .storage import get_document_storage


class NetworkProfile(TimeStampedModel):
    """What a network or cluster presents beyond its organisation's profile.

    Published exactly when its organisation is: a profile has no status of its own.
    """

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="network_profile",
        verbose_name=_("network or cluster"),
        limit_choices_to={"kind__in": [kind.value for kind in NETWORK_KINDS]},
    )
    carrier = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_networks",
        verbose_name=_("carrier organisation"),
        help_text=_("The organisation that runs the network (its legal body)."),
    )
    mission = models.TextField(_("mission"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    focus_topics = models.TextField(
        _("focus topics"), blank=True, help_text=_("One topic per line.")
    )
    services = models.TextField(_("services for members"), blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("network profile")
        verbose_name_plural = _("network profiles")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        organisation = getattr(self, "organisation", None)
        if organisation is not None and organisation.kind not in NETWORK_KINDS:
            raise ValidationError(
                {"organisation": _("Only a network or a cluster has a network profile.")}
            )
        if self.carrier_id is not None and self.carrier_id == self.organisation_id:
            raise ValidationError({"carrier": _("A network does not carry itself.")})

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED

    @property
    def is_published(self) -> bool:
        return self.organisation.status == PublicationStatus.PUBLISHED

    @property
    def focus_topic_list(self) -> list[str]:
        return [line.strip() for line in self.focus_topics.splitlines() if line.strip()]


def _network_field(related_name: str) -> models.ForeignKey[Organisation, Organisation]:
    return models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name=related_name,
        verbose_name=_("network or cluster"),
        limit_choices_to={"kind__in": [kind.value for kind in NETWORK_KINDS]},
    )


def _check_network(record: models.Model) -> None:
    network = getattr(record, "network", None)
    if network is not None and network.kind not in NETWORK_KINDS:
        raise ValidationError({"network": _("Only a network or a cluster can hold this.")})


def _check_contact(record: models.Model) -> None:
    contact = getattr(record, "contact", None)
    if contact is not None and contact.organisation_id != getattr(record, "network_id", None):
        raise ValidationError({"contact": _("Choose one of the network's own contact persons.")})


class WorkingGroup(TimeStampedModel):
    """A network's working group: a topic, its goals, when it meets and who takes part."""

    network = _network_field("working_groups")
    name = models.CharField(_("name"), max_length=200)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    meetings = models.CharField(
        _("meetings"),
        max_length=300,
        blank=True,
        help_text=_("How often and where the group meets, e.g. 'quarterly, in turn at members'."),
    )
    next_meeting = models.DateField(_("next meeting"), null=True, blank=True)
    contact = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("contact person"),
    )
    members = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="working_group_memberships",
        verbose_name=_("member organisations"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(excluded_fields=["modified"], m2m_fields=[members])

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="working_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _check_network(self)
        _check_contact(self)


class NetworkProject(TimeStampedModel):
    """A project of a network, as a short public showcase."""

    network = _network_field("network_projects")
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.RUNNING
    )
    start_year = models.PositiveSmallIntegerField(_("start (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end (year)"), null=True, blank=True)
    funding = models.CharField(
        _("funding"), max_length=300, blank=True, help_text=_("Programme and funding body.")
    )
    url = models.URLField(_("project website"), blank=True)
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="network_project_partnerships",
        verbose_name=_("partner organisations"),
    )
    growth_fields = models.ManyToManyField(
        GrowthField, blank=True, related_name="network_projects", verbose_name=_("growth fields")
    )

    history = HistoricalRecords(excluded_fields=["modified"], m2m_fields=[partners])

    class Meta:
        verbose_name = _("network project")
        verbose_name_plural = _("network projects")
        ordering = ["-start_year", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        _check_network(self)
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end lies before the start.")})


class PartnerCluster(TimeStampedModel):
    """A cooperation of a network with another cluster, in the directory or outside it.

    When both are in the directory the cooperation shows on both networks' pages.
    """

    network = _network_field("partner_clusters")
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partner_of_clusters",
        verbose_name=_("partner in the directory"),
        limit_choices_to={"kind__in": [kind.value for kind in NETWORK_KINDS]},
    )
    partner_name = models.CharField(
        _("partner name"),
        max_length=250,
        blank=True,
        help_text=_("For a partner outside the directory."),
    )
    partner_location = models.CharField(
        _("partner location"), max_length=200, blank=True, help_text=_("City and country.")
    )
    partner_url = models.URLField(_("partner website"), blank=True)
    in_region = models.BooleanField(
        _("inside the region"),
        default=False,
        help_text=_("Set by itself for a partner in the directory."),
    )
    cooperation = models.CharField(
        _("kind of cooperation"),
        max_length=15,
        choices=Cooperation.choices,
        default=Cooperation.STRATEGIC,
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    since = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("partner cluster")
        verbose_name_plural = _("partner clusters")
        ordering = ["partner__name", "partner_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "partner"],
                condition=models.Q(partner__isnull=False),
                name="partner_cluster_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(partner=models.F("network")), name="partner_cluster_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(partner__isnull=False) | ~models.Q(partner_name=""),
                name="partner_cluster_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} ↔ {self.name}"

    @property
    def name(self) -> str:
        return self.partner.name if self.partner_id and self.partner else self.partner_name

    def clean(self) -> None:
        _check_network(self)
        if self.partner_id is None and not self.partner_name.strip():
            raise ValidationError(
                {"partner_name": _("Choose a partner from the directory or name it.")}
            )
        if self.partner_id is not None and self.partner_id == self.network_id:
            raise ValidationError({"partner": _("A network is not its own partner.")})
        if self.partner is not None:
            if self.partner.kind not in NETWORK_KINDS:
                raise ValidationError(
                    {"partner": _("Only a network or a cluster is a partner cluster.")}
                )
            self.in_region = True
            self.partner_name = ""


class QualityLabel(TimeStampedModel):
    """A quality label of a network (ECEI bronze/silver/gold, go-cluster, others).

    Current while ``valid_until`` is empty or not past; an expired label stays in the
    record but no longer shows as current (docs/networks.md, "Quality labels").
    """

    network = _network_field("quality_labels")
    scheme = models.CharField(_("label"), max_length=12, choices=LabelScheme.choices)
    name = models.CharField(
        _("name of the label"),
        max_length=200,
        blank=True,
        help_text=_("Required for another label; the ECEI and go-cluster labels name themselves."),
    )
    level = models.CharField(
        _("level"), max_length=8, choices=LabelLevel.choices, blank=True, default=""
    )
    issuer = models.CharField(_("issuer"), max_length=250, blank=True)
    awarded = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    certificate = models.FileField(
        _("certificate"),
        storage=get_document_storage,
        upload_to="certificates/%Y/",
        blank=True,
        max_length=300,
    )
    # The expiry date each reminder was sent for: a prolonged label is reminded again.
    reminded_90 = models.DateField(null=True, blank=True, editable=False)
    reminded_30 = models.DateField(null=True, blank=True, editable=False)
    expiry_indexed = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("quality label")
        verbose_name_plural = _("quality labels")
        ordering = ["-awarded"]
        indexes = [models.Index(fields=["valid_until"], name="label_valid_until")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        base = self.name if self.scheme == LabelScheme.OTHER else self.get_scheme_display()
        if self.scheme == LabelScheme.ECEI and self.level:
            return f"{base}: {self.get_level_display()}"
        return str(base)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The save itself updates the search (networks.signals); the daily check only
        # has to act on a label that ends later.
        self.expiry_indexed = bool(self.valid_until and self.valid_until < timezone.localdate())
        super().save(*args, **kwargs)

    @property
    def issuer_name(self) -> str:
        return self.issuer or DEFAULT_ISSUER.get(LabelScheme(self.scheme), "")

    def clean(self) -> None:
        _check_network(self)
        errors: dict[str, Any] = {}
        if self.scheme == LabelScheme.OTHER and not self.name.strip():
            errors["name"] = _("Name the label.")
        if self.scheme == LabelScheme.ECEI and self.level not in {
            LabelLevel.BRONZE,
            LabelLevel.SILVER,
            LabelLevel.GOLD,
        }:
            errors["level"] = _("An ECEI label is bronze, silver or gold.")
        if self.valid_until and self.awarded and self.valid_until < self.awarded:
            errors["valid_until"] = _("The label cannot end before it was awarded.")
        if errors:
            raise ValidationError(errors)


class GrowthFieldPage(TimeStampedModel):
    """The page of a growth field of the regional strategy or of a sector.

    The field itself (name, English name, short description) is the classification's
    ``GrowthField``, which organisations and networks are classified by; the page adds
    what the cluster management says about it. Whom to ask are the experts that inquiries
    about the field are routed to (``inquiries.Expert.growth_fields``): one list of people.
    """

    growth_field = models.OneToOneField(
        GrowthField, on_delete=models.CASCADE, related_name="page", verbose_name=_("growth field")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=FieldKind.choices, default=FieldKind.STRATEGY
    )
    summary = models.TextField(
        _("summary"),
        max_length=600,
        blank=True,
        help_text=_("Two or three sentences for the overview."),
    )
    body = models.TextField(
        _("strategy and state"),
        blank=True,
        help_text=_("Paragraphs separated by a blank line."),
    )
    published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("growth field page")
        verbose_name_plural = _("growth field pages")
        ordering = ["kind", "order", "growth_field__name"]

    def __str__(self) -> str:
        return str(self.growth_field)


class RoadmapItem(TimeStampedModel):
    """A milestone of a growth field's roadmap: what, who, by when, how far."""

    growth_field = models.ForeignKey(
        GrowthField,
        on_delete=models.CASCADE,
        related_name="roadmap_items",
        verbose_name=_("growth field"),
    )
    network = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_items",
        verbose_name=_("network in charge"),
        limit_choices_to={"kind__in": [kind.value for kind in NETWORK_KINDS]},
        help_text=_("Its managers may keep this milestone up to date."),
    )
    title = models.CharField(_("milestone"), max_length=250)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    owner = models.CharField(
        _("owner"), max_length=200, help_text=_("Who is responsible, e.g. a working group.")
    )
    due = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RoadmapStatus.choices, default=RoadmapStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("roadmap milestone")
        verbose_name_plural = _("roadmap milestones")
        ordering = ["due", "title"]
        indexes = [models.Index(fields=["growth_field", "due"], name="roadmap_field_due")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.network is not None and self.network.kind not in NETWORK_KINDS:
            raise ValidationError({"network": _("Only a network or a cluster can hold this.")})
        if self.status == RoadmapStatus.DONE and self.done_on is None:
            self.done_on = timezone.localdate()
        if self.status != RoadmapStatus.DONE:
            self.done_on = None

    @property
    def is_overdue(self) -> bool:
        open_ = self.status in {
            RoadmapStatus.PLANNED,
            RoadmapStatus.IN_PROGRESS,
            RoadmapStatus.DELAYED,
        }
        return bool(open_ and self.due and self.due < timezone.localdate())


class Study(TimeStampedModel):
    """A study or analysis of a growth field, as an uploaded PDF whose text the search
    finds (read by ``networks.studies`` after the upload)."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    publisher = models.CharField(_("publisher or authors"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=3000)
    growth_fields = models.ManyToManyField(
        GrowthField, blank=True, related_name="studies", verbose_name=_("growth fields")
    )
    file = models.FileField(
        _("PDF file"), storage=get_document_storage, upload_to="studies/%Y/", max_length=300
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0, editable=False)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    text = models.TextField(_("text of the document"), blank=True, editable=False)
    text_status = models.CharField(
        _("text"),
        max_length=8,
        choices=TextStatus.choices,
        default=TextStatus.PENDING,
        editable=False,
    )
    text_error = models.CharField(max_length=300, blank=True, editable=False)
    published = models.BooleanField(_("published"), default=True)

    history = HistoricalRecords(excluded_fields=["modified", "text"], m2m_fields=[growth_fields])

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:study", kwargs={"slug": self.slug})


class BrochureBuild(models.Model):
    """One build of the networks' brochure in one language (docs/networks.md, "Brochure").

    The public download is the newest build that is done: a build that is queued,
    running or failed never replaces it, so the previous brochure stays available.
    """

    language = models.CharField(_("language"), max_length=2, choices=BrochureLanguage.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested = models.DateTimeField(_("requested"), default=timezone.now)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("items done"), default=0)
    total = models.PositiveIntegerField(_("items in all"), default=0)
    file = models.FileField(
        _("file"), storage=get_document_storage, upload_to="brochures/", blank=True, max_length=300
    )
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("brochure build")
        verbose_name_plural = _("brochure builds")
        ordering = ["-requested", "-pk"]
        indexes = [models.Index(fields=["language", "status", "-finished"], name="brochure_latest")]

    def __str__(self) -> str:
        return f"{self.get_language_display()} · {self.requested:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == BuildStatus.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (BuildStatus.QUEUED, BuildStatus.RUNNING)
