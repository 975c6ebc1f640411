"""Filters of the network list and of a network's members (HTML forms and, later, the API)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from directory.filtersets import OrganisationFilterSet
from directory.models import Organisation, Site

from .forms import MemberFilterForm, NetworkFilterForm


class NetworkFilterSet:
    """Invalid values are ignored (the form says why) rather than emptying the list."""

    def __init__(self, data: Any, queryset: QuerySet[Organisation]) -> None:
        self.form = NetworkFilterForm(data)
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
        if values.get("growth"):
            queryset = queryset.filter(growth_fields=values["growth"])
        if values.get("district"):
            main_site = Site.objects.filter(
                organisation=OuterRef("pk"), is_primary=True, district=values["district"]
            )
            queryset = queryset.filter(Exists(main_site))
        return queryset


class MemberFilterSet(OrganisationFilterSet):
    """The directory's filters (name, kind, district, WZ section) and the size class."""

    form_class = MemberFilterForm

    @property
    def qs(self) -> QuerySet[Organisation]:
        queryset = super().qs
        size = self.form.cleaned_data.get("size")
        return queryset.filter(employee_size_class=size) if size else queryset
