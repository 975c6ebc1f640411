"""The posting form and the filter form of the list (``/gesuche/``)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_staff
from classification.models import WzCode
from core.abuse import HoneypotMixin, clean_text
from directory.models import Organisation
from geo.geocoding import locate_place
from geo.models import District, Municipality, PostalCode
from geo.names import fold_place_name, normalise_postal_code

from ..choices import PostingCategory, PostingKind, Urgency
from . import services
from .listing import SORTS, PostingFilter

DESCRIPTION_MAX = 4000
MAX_WZ_CODES = 10
RADIUS_CHOICES = (10, 20, 30, 50, 100, 200)
_ID_RE = re.compile(r"[0-9]{1,18}")


def _districts() -> Any:
    return District.objects.current().in_state(settings.PORTAL_STATE_AGS).order_by("name")


def district_of_place(text: str) -> District | None:
    code = normalise_postal_code(text)
    if code:
        postal = PostalCode.objects.filter(code=code, district__isnull=False).first()
        return postal.district if postal else None
    folded = fold_place_name(text)
    if not folded:
        return None
    municipality = (
        Municipality.objects.filter(name_folded=folded, district__isnull=False)
        .select_related("district")
        .order_by("ags")
        .first()
    )
    return municipality.district if municipality else None


class StaffOrganisationField(forms.CharField):
    def clean(self, value: Any) -> Organisation:
        text = clean_text(super().clean(value) or "", 255)
        found = services.postable_organisations_for_staff().filter(slug=text).first()
        if found is None:
            matches = list(
                services.postable_organisations_for_staff().filter(name__iexact=text)[:2]
            )
            if len(matches) > 1:
                raise forms.ValidationError(
                    _(
                        "Several organisations are called “%(name)s”; give the last part of "
                        "the profile address instead."
                    ),
                    params={"name": text},
                )
            found = matches[0] if matches else None
        if found is None:
            raise forms.ValidationError(
                _("No organisation is called “%(name)s”."), params={"name": text}
            )
        return found


class PostingForm(HoneypotMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Request or offer"), choices=PostingKind.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("Category"), choices=PostingCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What exactly, in what quality, for what purpose (at most 4,000 characters)."),
    )
    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=200,
        required=False,
        help_text=_("For example: 5,000 pieces a year, 2 t, 40 machine hours a week."),
    )
    deadline = forms.DateField(
        label=_("Needed by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(
        label=_("Place (postal code or place name)"), max_length=100, required=False
    )
    radius_km = forms.TypedChoiceField(
        label=_("Within"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("no radius"))] + [(r, f"{r} km") for r in RADIUS_CHOICES],
    )
    district = forms.ModelChoiceField(
        label=_("or a district as region"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("no district"),
    )
    wz_codes = forms.CharField(
        label=_("WZ 2008 codes"),
        max_length=200,
        required=False,
        help_text=_("Separated by commas, e.g. 25.62.0, 22.29.0; or let codes be suggested."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    expires_on = forms.DateField(
        label=_("Shown until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, user: Any = None, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["organisation"].queryset = services.postable_organisations(user)
        if is_staff(user):
            # Staff post for any of thousands of organisations: named, not chosen from a list.
            self.fields["organisation"] = StaffOrganisationField(
                label=_("Organisation"),
                max_length=255,
                help_text=_("Its exact name or the last part of its profile address."),
            )
        if editing:
            del self.fields["organisation"]
        fields["district"].queryset = _districts()
        days, most = services.default_days(), services.max_days()
        fields["expires_on"].help_text = _(
            "Empty: %(days)d days from today; at most %(max)d days."
        ) % {"days": days, "max": most}
        self.resolved: dict[str, Any] = {}

    def clean_title(self) -> str:
        title = clean_text(self.cleaned_data["title"], 200)
        if not title:
            raise forms.ValidationError(_("Give the posting a title."))
        return title

    def clean_description(self) -> str:
        text = clean_text(self.cleaned_data["description"], DESCRIPTION_MAX)
        if len(text) < 10:
            raise forms.ValidationError(_("Describe what you need or offer in a sentence or two."))
        return text

    def clean_quantity(self) -> str:
        return clean_text(self.cleaned_data.get("quantity") or "", 200)

    def clean_deadline(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("deadline")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The date lies in the past."))
        if value and value.year > timezone.localdate().year + 10:
            raise forms.ValidationError(_("The date lies too far in the future."))
        return value

    def clean_expires_on(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("expires_on")
        today = timezone.localdate()
        if value is None:
            return None
        if value < today:
            raise forms.ValidationError(_("The date lies in the past."))
        if value > today + datetime.timedelta(days=services.max_days()):
            raise forms.ValidationError(
                _("A posting runs at most %(days)d days.") % {"days": services.max_days()}
            )
        return value

    def clean_place(self) -> str:
        text = clean_text(self.cleaned_data.get("place") or "", 100)
        if not text:
            return ""
        place = locate_place(text, settings.PORTAL_STATE_AGS)
        if place is None:
            raise forms.ValidationError(
                _("“%(place)s” is no postal code or place we know."), params={"place": text}
            )
        self.resolved = {
            "lat": place.latitude,
            "lon": place.longitude,
            "district": district_of_place(text),
        }
        return place.label[:120]

    def clean_wz_codes(self) -> list[WzCode]:
        raw = self.cleaned_data.get("wz_codes") or ""
        wanted = [c.strip() for c in raw.replace(";", ",").split(",") if c.strip()]
        if len(wanted) > MAX_WZ_CODES:
            raise forms.ValidationError(_("At most %(n)d WZ codes.") % {"n": MAX_WZ_CODES})
        found = {
            c.code: c for c in WzCode.objects.filter(version="2008", level__gte=2, code__in=wanted)
        }
        unknown = [c for c in wanted if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("%(codes)s: no WZ 2008 code.") % {"codes": ", ".join(unknown)}
            )
        return [found[c] for c in dict.fromkeys(wanted)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("radius_km") and not cleaned.get("place") and "place" not in self.errors:
            self.add_error("place", _("A radius needs a place."))
        return cleaned

    def posting_data(self) -> dict[str, Any]:
        """The fields of ``Posting`` as validated (place resolved to a point)."""
        data = self.cleaned_data
        district = data.get("district") or self.resolved.get("district")
        return {
            "kind": data["kind"],
            "category": data["category"],
            "title": data["title"],
            "description": data["description"],
            "quantity": data.get("quantity") or "",
            "deadline": data.get("deadline"),
            "place": data.get("place") or "",
            "lat": self.resolved.get("lat") if data.get("place") else None,
            "lon": self.resolved.get("lon") if data.get("place") else None,
            "radius_km": data.get("radius_km") if data.get("place") else None,
            "district": district,
            "urgency": data["urgency"],
            **({"expires_on": data["expires_on"]} if data.get("expires_on") else {}),
        }

    def suggestion_text(self) -> str:
        values = [self[name].value() for name in ("title", "description", "quantity")]
        return " ".join(str(v) for v in values if v)[:2000]

    @staticmethod
    def initial_for(posting: Any) -> dict[str, Any]:
        return {
            "kind": posting.kind,
            "category": posting.category,
            "title": posting.title,
            "description": posting.description,
            "quantity": posting.quantity,
            "deadline": posting.deadline,
            "place": posting.place,
            "radius_km": posting.radius_km,
            "district": posting.district_id,
            "wz_codes": ", ".join(c.code for c in posting.wz_codes.all()),
            "urgency": posting.urgency,
            "expires_on": posting.expires_on,
        }


class PostingFilterForm(forms.Form):
    """The list's filters from the URL; a refused value is dropped with a message."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.MultipleChoiceField(
        label=_("Kind"),
        required=False,
        choices=PostingKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    category = forms.MultipleChoiceField(
        label=_("Category"),
        required=False,
        choices=PostingCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.MultipleChoiceField(
        label=_("Urgency"),
        required=False,
        choices=Urgency.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    wz = forms.MultipleChoiceField(label=_("Industry (WZ section or division)"), required=False)
    district = forms.MultipleChoiceField(label=_("District"), required=False)
    near = forms.CharField(label=_("Near (postal code or place)"), required=False, max_length=100)
    radius = forms.TypedChoiceField(
        label=_("Within"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("any distance"))] + [(r, f"{r} km") for r in RADIUS_CHOICES],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("newest", _("Newest")), ("deadline", _("Deadline")), ("distance", _("Distance"))],
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10**6, widget=forms.HiddenInput
    )

    def __init__(self, data: QueryDict | dict[str, Any] | None = None) -> None:
        super().__init__(data)
        self.messages: list[str] = []
        self.field_errors: list[dict[str, str]] = []
        self.place_label = ""
        fields: Any = self.fields
        sections = WzCode.objects.filter(version="2008", level=1).order_by("code")
        divisions = WzCode.objects.filter(version="2008", level=2).order_by("code")
        fields["wz"].choices = [(s.code, f"{s.code} – {s.title}") for s in sections] + [
            (d.code, f"{d.code} – {d.title}") for d in divisions
        ]
        fields["district"].choices = [(d.ags, d.name) for d in _districts()]

    def to_filter(self, page_size: int = 20) -> PostingFilter:
        valid = self.is_valid()
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if not valid:
            for name, errors in self.errors.items():
                label = self.fields[name].label if name in self.fields else name
                for error in errors:
                    self.messages.append(f"{label}: {error}")
                    self.field_errors.append({"field": name, "message": str(error)})
        lat = lon = None
        near = clean_text(data.get("near") or "", 100)
        if near:
            place = locate_place(near, settings.PORTAL_STATE_AGS)
            if place is None:
                self.messages.append(
                    str(_("Near: “%(place)s” is no postal code or place we know."))
                    % {"place": near}
                )
                self.field_errors.append(
                    {
                        "field": "near",
                        "message": str(_("“%(place)s” is no postal code or place we know."))
                        % {"place": near},
                    }
                )
            else:
                lat, lon, self.place_label = place.latitude, place.longitude, place.label
        sort: Any = data.get("sort") or "newest"
        if sort not in SORTS or (sort == "distance" and lat is None):
            if sort == "distance":
                self.messages.append(str(_("Sorting by distance needs a place; sorted by newest.")))
            sort = "newest"
        return PostingFilter(
            text=clean_text(data.get("q") or "", 200),
            kind=list(data.get("kind") or []),
            category=list(data.get("category") or []),
            urgency=list(data.get("urgency") or []),
            wz=list(data.get("wz") or []),
            district=list(data.get("district") or []),
            lat=lat,
            lon=lon,
            radius_km=float(data["radius"]) if data.get("radius") and lat is not None else None,
            sort=sort,
            page=data.get("page") or 1,
            page_size=page_size,
        )
