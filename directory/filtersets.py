"""Filters of the organisation list: one FilterSet for the HTML form and, later, the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .forms import OrganisationFilterForm
from .models import Organisation, Site


class OrganisationFilterSet:
    """Validates the URL parameters through the filter form and narrows a queryset.

    Invalid values are ignored (the form shows why) rather than emptying the list.
    Filters combine with AND.
    """

    form_class = OrganisationFilterForm

    def __init__(self, data: Any, queryset: QuerySet[Organisation]) -> None:
        self.form = self.form_class(data)
        self.queryset = queryset

    @property
    def is_filtered(self) -> bool:
        self.form.is_valid()
        return any(value for value in self.form.cleaned_data.values())

    @property
    def qs(self) -> QuerySet[Organisation]:
        self.form.is_valid()
        values = self.form.cleaned_data
        queryset = self.queryset
        if values.get("q"):
            queryset = queryset.filter(name__icontains=values["q"].strip())
        if values.get("kind"):
            queryset = queryset.filter(kind=values["kind"])
        if values.get("district"):
            # The district's sites lead to their organisations (an index on the site's
            # district), rather than every organisation asking for a site there.
            sites = Site.objects.filter(district=values["district"])
            queryset = queryset.filter(pk__in=sites.values("organisation_id"))
        if values.get("section"):
            section = values["section"].section
            secondary = Organisation.secondary_wz.through.objects.filter(
                organisation_id=OuterRef("pk"), wzcode__section=section
            )
            queryset = queryset.filter(Q(primary_wz__section=section) | Exists(secondary))
        return queryset
