"""Filters of the network list and of a network's members (HTML forms and, later, the API)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from directory.filtersets import OrganisationFilterSet
from directory.models import Organisation, Site

from .activities import current_labels_q
from .choices import LabelScheme
from .forms import MemberFilterForm, NetworkFilterForm
from .models import QualityLabel


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
        if values.get("label"):
            queryset = queryset.filter(Exists(_current_labels(values["label"])))
        return queryset


# ECEI levels from the chosen one up ("silver or better").
_ECEI_AT_LEAST = {
    "ecei": ["bronze", "silver", "gold"],
    "ecei-bronze": ["bronze", "silver", "gold"],
    "ecei-silver": ["silver", "gold"],
    "ecei-gold": ["gold"],
}


def _current_labels(choice: str) -> QuerySet[QualityLabel]:
    labels = QualityLabel.objects.filter(current_labels_q(), network=OuterRef("pk"))
    if choice in _ECEI_AT_LEAST:
        return labels.filter(scheme=LabelScheme.ECEI, level__in=_ECEI_AT_LEAST[choice])
    if choice == "any":
        return labels
    return labels.filter(scheme=choice)


class MemberFilterSet(OrganisationFilterSet):
    """The directory's filters (name, kind, district, WZ section) and the size class."""

    form_class = MemberFilterForm

    @property
    def qs(self) -> QuerySet[Organisation]:
        queryset = super().qs
        size = self.form.cleaned_data.get("size")
        return queryset.filter(employee_size_class=size) if size else queryset
