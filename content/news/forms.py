"""The filters of the news list (``/aktuelles/``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from directory.choices import NETWORK_KINDS
from directory.models import Organisation

from .models import Article, NewsCategory


class NewsFilterForm(forms.Form):
    """Invalid values are ignored with a message beside the field rather than emptying
    the list or failing."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=NewsCategory.objects.order_by("order", "name"),
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    growth = forms.ModelChoiceField(
        label=_("Growth field"),
        required=False,
        queryset=GrowthField.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All growth fields"),
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        required=False,
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=_("All networks"),
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1990,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.published()
            .filter(kind__in=NETWORK_KINDS)
            .only("slug", "name")
            .order_by("name")
        )

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class NewsFilterSet:
    def __init__(self, data: Any, queryset: QuerySet[Article]) -> None:
        self.form = NewsFilterForm(data)
        self.queryset = queryset

    @property
    def values(self) -> dict[str, Any]:
        self.form.is_valid()
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}

    @property
    def is_filtered(self) -> bool:
        return bool(self.values)

    @property
    def qs(self) -> QuerySet[Article]:
        values = self.values
        queryset = self.queryset
        if "category" in values:
            queryset = queryset.filter(categories=values["category"])
        if "growth" in values:
            queryset = queryset.filter(growth_fields=values["growth"])
        if "network" in values:
            queryset = queryset.filter(networks=values["network"])
        if "year" in values:
            queryset = queryset.filter(publish_at__year=values["year"])
        return queryset
