"""Filters of the network pages and the form network managers edit their profile with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from directory.choices import EmployeeSizeClass
from directory.forms import DistrictChoiceField, OrganisationFilterForm
from geo.models import District

from .models import NetworkProfile


class _Accessible(forms.Form):
    def full_clean(self) -> None:
        super().full_clean()
        # Screen readers announce the error with the field (the template gives it this id).
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class NetworkFilterForm(_Accessible):
    """The list of networks: by growth field and by the district of the main site."""

    growth = forms.ModelChoiceField(
        label=_("Growth field"),
        required=False,
        queryset=GrowthField.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All growth fields"),
    )
    district = DistrictChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.none(),
        to_field_name="ags",
        empty_label=_("All districts"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = (  # type: ignore[attr-defined]
            District.objects.filter(
                ags__startswith=settings.PORTAL_STATE_AGS, merged_into__isnull=True
            )
            .only("ags", "name")
            .order_by("name")
        )


class MemberFilterForm(OrganisationFilterForm):
    """The directory's organisation filters plus the size class, for a network's members."""

    size = forms.ChoiceField(
        label=_("Employees"),
        required=False,
        choices=[("", _("All sizes")), *EmployeeSizeClass.choices],
    )


class NetworkProfileForm(forms.ModelForm):
    """What a network manager maintains beyond the organisation's own profile."""

    class Meta:
        model = NetworkProfile
        fields = ("mission", "goals", "focus_topics", "services")
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}
