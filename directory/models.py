"""The organisation database: organisations, their sites, contacts, offerings and memberships.

Every model here keeps its change history (who, when, what) through
django-simple-history; the back office shows it and imports record a reason.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import NotAfterNextYear
from geo.choices import GeocodePrecision

from .choices import (
    EmployeeSizeClass,
    IdentifierScheme,
    LegalForm,
    MembershipRole,
    OfferingKind,
    OrganisationKind,
    PublicationStatus,
    SiteKind,
    Source,
    Visibility,
)


class Tag(models.Model):
    """A free keyword (folksonomy) next to the curated technology vocabulary."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def published(self) -> OrganisationQuerySet:
        return self.filter(status=PublicationStatus.PUBLISHED)


class Organisation(TimeStampedModel):
    """A company, institute, university, network, chamber or public body in the region."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default="company"
    )
    name = models.CharField(_("name"), max_length=255, db_index=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    legal_form = models.CharField(
        _("legal form"), max_length=40, choices=LegalForm.choices, blank=True
    )
    short_description = models.CharField(_("short description"), max_length=500, blank=True)
    short_description_en = models.CharField(
        _("short description (English)"), max_length=500, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True, db_index=True)
    email = models.EmailField(_("general email"), blank=True)
    phone = models.CharField(_("general phone"), max_length=50, blank=True)
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), NotAfterNextYear()],
    )
    employee_size_class = models.CharField(
        _("employees"), max_length=10, choices=EmployeeSizeClass.choices, blank=True
    )
    primary_wz = models.ForeignKey(
        "classification.WzCode",
        verbose_name=_("primary WZ 2008 code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_organisations",
        limit_choices_to={"version": "2008", "level__gte": 4},
    )
    secondary_wz = models.ManyToManyField(
        "classification.WzCode",
        verbose_name=_("secondary WZ 2008 codes"),
        blank=True,
        related_name="secondary_organisations",
        limit_choices_to={"version": "2008", "level__gte": 4},
    )
    technologies = models.ManyToManyField(
        "classification.Technology",
        verbose_name=_("technologies and competences"),
        blank=True,
        related_name="organisations",
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("free tags"), blank=True, related_name="organisations"
    )
    growth_fields = models.ManyToManyField(
        "classification.GrowthField",
        verbose_name=_("growth fields"),
        blank=True,
        related_name="organisations",
    )
    status = models.CharField(
        _("publication status"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
        db_index=True,
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default="manual")
    source_detail = models.CharField(
        _("source detail"), max_length=255, blank=True, help_text=_("File name, batch or URL.")
    )
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    reverification_sent = models.DateTimeField(
        _("re-verification requested"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When its editors were last asked to confirm the profile."),
    )
    hidden_unconfirmed = models.BooleanField(
        _("hidden for want of confirmation"), default=False, editable=False
    )

    history = HistoricalRecords(
        m2m_fields=[secondary_wz, technologies, tags, growth_fields],
        excluded_fields=["modified", "reverification_sent"],
    )
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            # Also counts the published organisations per kind and source from the index
            # alone (the start page).
            models.Index(fields=["kind", "status", "source"], name="org_kind_status_source"),
            # The published list in its order (name, then key), walked page by page.
            models.Index(fields=["status", "name", "id"], name="org_status_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        if self.is_network:
            # A network's page is its network profile; resolved by name, so that the
            # directory knows no app above it.
            try:
                return reverse("networks:detail", kwargs={"slug": self.slug})
            except NoReverseMatch:
                pass
        return reverse("directory:organisation-detail", kwargs={"slug": self.slug})

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED

    @property
    def is_network(self) -> bool:
        return self.kind in (OrganisationKind.NETWORK, OrganisationKind.CLUSTER)


class Site(TimeStampedModel):
    """An address of an organisation, geocoded offline or by a configured service."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    kind = models.CharField(
        _("kind"), max_length=15, choices=SiteKind.choices, default="headquarters"
    )
    is_primary = models.BooleanField(_("main site"), default=True)
    name = models.CharField(_("site name"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, db_index=True)
    place = models.CharField(_("place"), max_length=200)
    country = models.CharField(_("country"), max_length=2, default="DE")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geocode_precision = models.CharField(
        _("geocoding precision"),
        max_length=15,
        default=GeocodePrecision.NONE,
        choices=GeocodePrecision.choices,
    )
    municipality = models.ForeignKey(
        "geo.Municipality", null=True, blank=True, on_delete=models.SET_NULL, related_name="sites"
    )
    district = models.ForeignKey(
        "geo.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="sites"
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["-is_primary", "postal_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(is_primary=True), name="site_one_primary"
            )
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.street, f"{self.postal_code} {self.place}") if p)


class ContactPerson(TimeStampedModel):
    """A person to contact; personal data, shown only as its visibility allows."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    title = models.CharField(_("academic title"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.STAFF
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["order", "last_name"]

    def __str__(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


class Offering(TimeStampedModel):
    """A product or service an organisation offers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="offerings"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=OfferingKind.choices, default="product"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Certification(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="certifications"
    )
    standard = models.ForeignKey(
        "classification.CertificationStandard",
        on_delete=models.PROTECT,
        related_name="certifications",
        verbose_name=_("standard"),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "standard"], name="certification_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return str(self.standard)


class ExternalIdentifier(models.Model):
    """A key from another register; imports upsert by it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(_("scheme"), max_length=10, choices=IdentifierScheme.choices)
    value = models.CharField(_("value"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"], name="identifier_unique_scheme_value"
            ),
            models.UniqueConstraint(
                fields=["organisation", "scheme"], name="identifier_one_per_scheme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"


class Membership(TimeStampedModel):
    """An organisation's membership in a network or cluster (itself an organisation)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    network = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="members",
        limit_choices_to={"kind__in": ["network", "cluster"]},
        verbose_name=_("network"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default="member"
    )
    since = models.PositiveSmallIntegerField(_("member since (year)"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "network"], name="membership_unique"),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("network")), name="membership_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.network}"


class ChangeRequest(models.Model):
    """A change to a profile that waits for staff: an organisation editor's change to a
    field that needs review (``PROFILE_REVIEWED_FIELDS``), or a visitor's correction.

    ``changes`` maps a field to the proposed value (``name``: text, ``primary_wz`` and
    ``secondary_wz``: WZ 2008 codes, ``site``: an address with the site's id or none for
    a new site); ``current`` keeps what the profile said when the request was made.
    """

    class Kind(models.TextChoices):
        EDIT = "edit", _("change by the organisation")
        CORRECTION = "correction", _("correction suggested by a visitor")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    changes = models.JSONField(_("proposed values"), default=dict, blank=True)
    current = models.JSONField(_("values when requested"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    author = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("author"),
    )
    author_email = models.EmailField(
        _("email for questions"), blank=True, help_text=_("Optional; only staff see it.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_kind_display()} ({self.get_status_display()})"
