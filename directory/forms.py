"""Public forms of the directory (the back office uses the admin's forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from classification.choices import WzLevel, WzVersion
from classification.models import WzCode
from geo.models import District

from .choices import OrganisationKind


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class WzSectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} – {obj.title}"


class OrganisationFilterForm(forms.Form):
    """The list page's filters; every value lives in the URL so a filtered list can be shared."""

    q = forms.CharField(
        label=_("Name contains"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *OrganisationKind.choices],
    )
    district = DistrictChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.none(),
        to_field_name="ags",
        empty_label=_("All districts"),
    )
    section = WzSectionChoiceField(
        label=_("Industry (WZ section)"),
        required=False,
        queryset=WzCode.objects.none(),
        to_field_name="code",
        empty_label=_("All industries"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Districts of the portal's state that still exist; dissolved ones only confuse.
        self.fields["district"].queryset = (  # type: ignore[attr-defined]
            District.objects.filter(
                ags__startswith=settings.PORTAL_STATE_AGS, merged_into__isnull=True
            )
            .only("ags", "name")
            .order_by("name")
        )
        self.fields["section"].queryset = (  # type: ignore[attr-defined]
            WzCode.objects.filter(version=WzVersion.WZ2008, level=WzLevel.SECTION)
            .only("code", "title", "section")
            .order_by("code")
        )

    def full_clean(self) -> None:
        super().full_clean()
        # Screen readers announce the error with the field (the template renders it with this id).
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
