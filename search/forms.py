"""The search form: URL parameters in, a validated ``SearchQuery`` out.

The URL holds the whole state of the search page (text, filters, place, radius,
sort, page, map view), so a search can be shared and the back button works. Values
that do not validate are dropped with a message that says which and why. Where the
dropped value would have narrowed the search (too long or wordless text, an unknown
place, an unknown filter value), the search finds nothing and offers the search
without it, rather than showing everything; a refused sort or page falls back.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from classification.models import CertificationStandard, GrowthField, WzCode
from directory.choices import EmployeeSizeClass, OrganisationKind
from directory.models import Organisation
from geo.geocoding import locate_place
from geo.models import District

from . import vocabulary
from .query import SORTS, BBox, Point, SearchQuery, Sort, clean_text

PAGE_SIZE = 20
MAX_PAGE = 500
RADIUS_CHOICES = (5, 10, 20, 30, 50, 100, 200)
SORT_LABELS = {
    "relevance": _("Relevance"),
    "distance": _("Distance"),
    "name": _("Name"),
    "updated": _("Last update"),
}
MULTI = ("kind", "wz", "district", "growth", "network", "size", "cert")
# A refused value of these parameters would widen the search: the parameters to drop
# together for a search that runs.
NARROWING: dict[str, tuple[str, ...]] = {
    "q": ("q",),
    "near": ("near", "radius"),
    "radius": ("radius",),
    "lat": ("lat", "lon"),
    "lon": ("lat", "lon"),
    "bbox": ("bbox",),
    **{name: (name,) for name in MULTI},
}
# Database ids: ASCII digits that fit a signed 64-bit integer ("²" is a digit to
# ``str.isdigit`` but no number to ``int``; 2**63 overflows SQLite).
_ID_RE = re.compile(r"[0-9]{1,18}")


def is_id(value: str) -> bool:
    """Whether ``value`` can be a database id (anything else is an unknown choice)."""
    return _ID_RE.fullmatch(value) is not None


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=300, strip=True)
    near = forms.CharField(
        label=_("Near (postal code or place)"), required=False, max_length=100, strip=True
    )
    radius = forms.TypedChoiceField(
        label=_("Within"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("any distance"))] + [(r, f"{r} km") for r in RADIUS_CHOICES],
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(s, SORT_LABELS[s]) for s in SORTS]
    )
    # No max_value: a page beyond the last one shown is past the end (the view says so
    # and leads to the last page) rather than refused back to page 1 with its results.
    page = forms.IntegerField(required=False, min_value=1, max_value=10**9)
    bbox = forms.CharField(
        label=_("Map area"), required=False, max_length=100, widget=forms.HiddenInput
    )
    kind = forms.MultipleChoiceField(
        label=_("Kind"), required=False, choices=OrganisationKind.choices
    )
    size = forms.MultipleChoiceField(
        label=_("Employees"), required=False, choices=EmployeeSizeClass.choices
    )
    wz = forms.MultipleChoiceField(label=_("Industry (WZ 2008)"), required=False)
    district = forms.MultipleChoiceField(label=_("District"), required=False)
    growth = forms.MultipleChoiceField(label=_("Growth field"), required=False)
    network = forms.MultipleChoiceField(label=_("Network"), required=False)
    cert = forms.MultipleChoiceField(label=_("Certification"), required=False)

    def __init__(self, data: QueryDict | dict[str, Any] | None = None) -> None:
        super().__init__(data)
        self.messages: list[str] = []
        # Parameters whose values were refused, with the values a relaxation keeps.
        self.refused: dict[str, list[str]] = {}
        # Each refused value as the API reports it: the parameter and the reason.
        self.field_errors: list[dict[str, str]] = []
        self.place_label: str = ""
        self._restrict_choices()

    def _restrict_choices(self) -> None:
        """Choices only for the values asked for: thousands of codes need not be loaded."""
        data = self.data
        getlist = data.getlist if hasattr(data, "getlist") else (lambda k: data.get(k) or [])

        def asked(name: str) -> list[str]:
            values = getlist(name)
            return [v for v in (values if isinstance(values, list) else [values]) if v][:50]

        def ints(values: list[str]) -> list[int]:
            return [int(v) for v in values if is_id(v)]

        fields: Any = self.fields
        fields["wz"].choices = [
            (c, c)
            for c in WzCode.objects.filter(version="2008", code__in=asked("wz")).values_list(
                "code", flat=True
            )
        ]
        fields["district"].choices = [
            (a, a)
            for a in District.objects.filter(ags__in=asked("district")).values_list(
                "ags", flat=True
            )
        ]
        fields["growth"].choices = [
            (str(pk), str(pk))
            for pk in GrowthField.objects.filter(pk__in=ints(asked("growth"))).values_list(
                "pk", flat=True
            )
        ]
        fields["cert"].choices = [
            (str(pk), str(pk))
            for pk in CertificationStandard.objects.filter(pk__in=ints(asked("cert"))).values_list(
                "pk", flat=True
            )
        ]
        fields["network"].choices = [
            (str(pk), str(pk))
            for pk in Organisation.objects.filter(
                pk__in=ints(asked("network")), kind__in=["network", "cluster"]
            ).values_list("pk", flat=True)
        ]

    def clean_bbox(self) -> BBox | None:
        raw = self.cleaned_data.get("bbox") or ""
        if not raw:
            return None
        try:
            south, west, north, east = (float(x) for x in raw.split(","))
        except ValueError:
            raise forms.ValidationError(
                _("The map area must be four numbers: south, west, north, east.")
            ) from None
        values = (south, west, north, east)
        if not all(math.isfinite(v) for v in values) or not (
            -90 <= south < north <= 90 and -180 <= west < east <= 180
        ):
            raise forms.ValidationError(_("The map area lies outside the map."))
        return BBox(south, west, north, east)

    def clean_page(self) -> int | None:
        page: int | None = self.cleaned_data.get("page")
        self.requested_page = page
        return min(page, MAX_PAGE + 1) if page else page

    def clean_q(self) -> str:
        text: str = self.cleaned_data.get("q") or ""
        if text and not vocabulary.analyser().analyse(clean_text(text)):
            raise forms.ValidationError(
                _("“%(text)s” holds no word to search for; use letters or digits."),
                params={"text": text},
            )
        return text

    @property
    def refuses(self) -> bool:
        """Whether a value that narrows the search was refused: the search must find nothing."""
        return bool(self.refused)

    def _refuse(self, name: str) -> None:
        for param in NARROWING.get(name, ()):
            if param in MULTI:
                # The relaxation keeps the values that are known.
                field: Any = self.fields[param]
                known = {str(value) for value, _label in field.choices}
                values = self.data.getlist(param) if hasattr(self.data, "getlist") else []
                self.refused[param] = [v for v in values if v in known]
            else:
                self.refused[param] = []

    def to_query(self, limit: int = PAGE_SIZE) -> SearchQuery:
        """The query for what validated; a message for every value that did not.

        A refused value that would have narrowed the search (words, place, filter, map
        area) is named in ``refused``: the callers answer with the message and no
        results, never with the wider search that dropping the value would give.
        """
        valid = self.is_valid()
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if not valid:
            for name, errors in self.errors.items():
                label = (self.fields[name].label if name in self.fields else None) or name
                for error in errors:
                    self.messages.append(f"{label}: {error}")
                    self.field_errors.append({"field": name, "message": str(error)})
                self._refuse(name)
            data = {k: v for k, v in data.items() if k not in self.errors}
        filters = {name: list(data.get(name) or []) for name in MULTI}
        center = None
        radius = data.get("radius")
        if data.get("lat") is not None and data.get("lon") is not None:
            center = Point(data["lat"], data["lon"])
            self.place_label = str(_("the point on the map"))
        elif data.get("near"):
            place = locate_place(data["near"], settings.PORTAL_STATE_AGS)
            if place is None:
                self.messages.append(
                    str(_("Near: “%(place)s” is no postal code or place we know."))
                    % {"place": data["near"]}
                )
                unknown = _("“%(place)s” is no postal code or place we know.")
                self.field_errors.append(
                    {"field": "near", "message": str(unknown) % {"place": data["near"]}}
                )
                self._refuse("near")
            else:
                center = Point(place.latitude, place.longitude)
                self.place_label = place.label
        sort: Sort = data.get("sort") or (
            "distance" if center and not data.get("q") else "relevance"
        )
        if sort == "distance" and center is None:
            self.messages.append(str(_("Sorting by distance needs a place; sorted by relevance.")))
            sort = "relevance"
        page = data.get("page") or 1
        return SearchQuery(
            text=data.get("q") or "",
            filters={k: v for k, v in filters.items() if v},
            center=center,
            radius_km=float(radius) if radius and center else None,
            bbox=data.get("bbox"),
            sort=sort,
            offset=(page - 1) * limit,
            limit=limit,
        )
