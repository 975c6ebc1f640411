"""Forms of the events: the filters of the list and the calendar, the registration, an
event as a network's manager writes it, and a document upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from core.abuse import HoneypotMixin, clean_text
from core.periods import EARLIEST, LATEST, DateInput
from core.uploads import check_upload
from directory.choices import NETWORK_KINDS, PublicationStatus
from directory.forms import DistrictChoiceField
from directory.models import Organisation
from geo.models import District

from .choices import Cost, EventFormat, EventStatus
from .models import RESERVED_SLUGS, Event, EventDocument

DOCUMENT_KINDS = ("pdf", "docx", "xlsx", "odt", "png", "jpeg")


class NetworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class EventFilterForm(forms.Form):
    """Shared by the list, the calendar and the feeds' links. A value that is not one of
    the choices is reported next to its field; the list then ignores it."""

    field = forms.ModelChoiceField(
        label=_("Growth field"),
        required=False,
        queryset=GrowthField.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All growth fields"),
    )
    network = NetworkChoiceField(
        label=_("Network"),
        required=False,
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=_("All organisers"),
    )
    district = DistrictChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.none(),
        to_field_name="ags",
        empty_label=_("All districts"),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All formats")), *EventFormat.choices],
    )
    cost = forms.ChoiceField(
        label=_("Costs"),
        required=False,
        choices=[("", _("Free and with a fee")), *Cost.choices],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(
                kind__in=NETWORK_KINDS, status=PublicationStatus.PUBLISHED, events__isnull=False
            )
            .distinct()
            .order_by("name")
            .only("slug", "name")
        )
        self.fields["district"].queryset = (  # type: ignore[attr-defined]
            District.objects.filter(
                ags__startswith=settings.PORTAL_STATE_AGS, merged_into__isnull=True
            )
            .only("ags", "name")
            .order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not (EARLIEST <= day <= LATEST):
                self.add_error(
                    name,
                    _("Choose a day between %(first)s and %(last)s.")
                    % {"first": EARLIEST.strftime("%d.%m.%Y"), "last": LATEST.strftime("%d.%m.%Y")},
                )
                cleaned.pop(name, None)
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period lies before its start."))
            cleaned.pop("date_to", None)
        return cleaned

    def values(self) -> dict[str, Any]:
        """The valid values (invalid ones are left out, the form shows their errors)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def query(self, exclude: tuple[str, ...] = ()) -> str:
        """The valid filters as a query string, for links between views."""
        from urllib.parse import urlencode

        params = {}
        for name, value in self.values().items():
            if name in exclude:
                continue
            if hasattr(value, "slug") and name in ("field", "network"):
                params[name] = value.slug
            elif name == "district":
                params[name] = value.ags
            elif hasattr(value, "isoformat"):
                params[name] = value.isoformat()
            else:
                params[name] = str(value)
        return urlencode(params)


class RegistrationForm(HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    organisation = forms.CharField(
        label=_("Organisation (optional)"), max_length=200, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my details are processed to organise this event, as the privacy "
            "policy describes."
        ),
        error_messages={"required": _("Please agree to the processing of your details.")},
    )

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"], 200)
        if not name:
            raise ValidationError(_("Please enter your name."))
        return name

    def clean_organisation(self) -> str:
        return clean_text(self.cleaned_data.get("organisation", ""), 200)


class EventForm(forms.ModelForm[Event]):
    """An event as a network's manager writes it; the network is the one they manage."""

    class Meta:
        model = Event
        fields = (
            "title",
            "slug",
            "summary",
            "description",
            "start",
            "end",
            "format",
            "venue_name",
            "venue_street",
            "venue_postal_code",
            "venue_place",
            "online_url",
            "growth_fields",
            "is_free",
            "price",
            "capacity",
            "registration_deadline",
            "status",
        )
        widgets = {
            "start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "end": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "registration_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "growth_fields": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, network: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        if network is not None:
            self.instance.network = network
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Empty: made from the title.")
        self.fields["growth_fields"].queryset = GrowthField.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (EventStatus.DRAFT, EventStatus.DRAFT.label),
            (EventStatus.PUBLISHED, EventStatus.PUBLISHED.label),
        ] + ([(EventStatus.CANCELLED, EventStatus.CANCELLED.label)] if self.instance.pk else [])

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:100]
        if not slug:
            raise ValidationError(_("Give the event an address."))
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is taken by another page of the events."))
        taken = Event.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another event has this address already."))
        return slug


class EventDocumentForm(forms.ModelForm[EventDocument]):
    """A document of an event: a PDF, Office, OpenDocument file or image by its content."""

    class Meta:
        model = EventDocument
        fields = ("title", "kind", "file")

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            check_upload(upload, DOCUMENT_KINDS, settings.NETWORK_DOCUMENT_MAX_MB * 1024 * 1024)
        return upload
