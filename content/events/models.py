"""Events of the agency and of its networks, and the registrations for them
(docs/events.md).

An event's description is plain text with the conventions of ``content.formatting``,
never HTML. A registration needs no account: the person's private token (in the
confirmation mail) lets them cancel.
"""

from __future__ import annotations

import secrets

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
from directory.choices import NETWORK_KINDS, Source

from .choices import DocumentKind, EventFormat, EventStatus, RegistrationStatus

# Addresses under /veranstaltungen/ that are pages of their own, not an event's slug.
RESERVED_SLUGS = frozenset({"kalender", "neu", "meine", "abmelden", "wachstumsfeld", "netzwerk"})

document_storage = SettingDirStorage("EVENT_DOCUMENT_DIR")


def get_document_storage() -> SettingDirStorage:
    return document_storage


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EventQuerySet(models.QuerySet["Event"]):
    def public(self) -> EventQuerySet:
        """What every visitor sees: published and cancelled events (marked so), no drafts."""
        return self.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])

    def upcoming(self, now=None) -> EventQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(end__gte=now or timezone.now())

    def past(self, now=None) -> EventQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(end__lt=now or timezone.now())


class Event(TimeStampedModel):
    """One event: a workshop, a conference, a network meeting, on site or online."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address"),
        max_length=120,
        unique=True,
        help_text=_("The event's address: /veranstaltungen/<address>/."),
    )
    summary = models.TextField(
        _("summary"), max_length=500, blank=True, help_text=_("One or two sentences for lists.")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_(
            "Plain text. A blank line starts a new paragraph; lines starting with “- ” form a "
            "list; a line starting with “## ” is a subheading; web addresses become links."
        ),
    )
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"), db_index=True)
    format = models.CharField(
        _("format"), max_length=8, choices=EventFormat.choices, default=EventFormat.ON_SITE
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_street = models.CharField(_("street"), max_length=200, blank=True)
    venue_postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    venue_place = models.CharField(_("place"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        "geo.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    online_url = models.URLField(_("online link"), blank=True)
    growth_fields = models.ManyToManyField(
        GrowthField, verbose_name=_("growth fields"), blank=True, related_name="events"
    )
    network = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organised by network"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        limit_choices_to={"kind__in": NETWORK_KINDS},
        help_text=_("Empty: the agency organises the event."),
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    price = models.CharField(
        _("price"), max_length=200, blank=True, help_text=_("For example “120 € plus VAT”.")
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: registration is open until the start."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="event_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.slug in RESERVED_SLUGS:
            errors.setdefault("slug", []).append(
                str(_("This address is taken by another page of the events."))
            )
        if self.start and self.end and self.end < self.start:
            errors.setdefault("end", []).append(str(_("The end lies before the start.")))
        if self.registration_deadline and self.start and self.registration_deadline > self.start:
            errors.setdefault("registration_deadline", []).append(
                str(_("The registration deadline lies after the start."))
            )
        if self.format in (EventFormat.ONLINE, EventFormat.HYBRID) and not self.online_url:
            errors.setdefault("online_url", []).append(
                str(_("An online or hybrid event needs its online link."))
            )
        if self.format in (EventFormat.ON_SITE, EventFormat.HYBRID) and not (
            self.venue_name or self.venue_place
        ):
            errors.setdefault("venue_name", []).append(str(_("An event on site needs its venue.")))
        if not self.is_free and not self.price:
            errors.setdefault("price", []).append(str(_("Say what the event costs.")))
        if self.network_id and self.network and self.network.kind not in NETWORK_KINDS:
            errors.setdefault("network", []).append(
                str(_("Only a network or cluster organises events."))
            )
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("content:event", kwargs={"slug": self.slug})

    def ics_url(self) -> str:
        return reverse("content:event-ics", kwargs={"slug": self.slug})

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def is_online(self) -> bool:
        return self.format in (EventFormat.ONLINE, EventFormat.HYBRID)

    @property
    def is_on_site(self) -> bool:
        return self.format in (EventFormat.ON_SITE, EventFormat.HYBRID)

    @property
    def address(self) -> str:
        place = " ".join(p for p in (self.venue_postal_code, self.venue_place) if p)
        return ", ".join(p for p in (self.venue_street, place) if p)

    @property
    def organiser_name(self) -> str:
        from django.conf import settings

        return self.network.name if self.network_id and self.network else settings.PORTAL_NAME


class EventDocument(TimeStampedModel):
    """Slides, minutes and other files of an event; kept after the event is over."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=8, choices=DocumentKind.choices, default=DocumentKind.SLIDES
    )
    file = models.FileField(
        _("file"), storage=get_document_storage, upload_to="events/%Y/", max_length=300
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("event document")
        verbose_name_plural = _("event documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:event-document", kwargs={"slug": self.event.slug, "pk": self.pk})


class Registration(TimeStampedModel):
    """A person's registration for an event (no account needed). Personal data: only the
    event's organiser and the agency's administrators see it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    consented_at = models.DateTimeField(_("consent given at"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    attended = models.BooleanField(_("attended"), default=False)
    moved_up_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.event}"

    def cancel_url(self) -> str:
        return reverse("content:event-cancel-registration", kwargs={"token": self.token})
