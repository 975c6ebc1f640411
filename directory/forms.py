"""Public forms of the directory (the back office uses the admin's forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from classification.choices import WzLevel, WzVersion
from classification.models import WzCode
from core.abuse import HoneypotMixin
from core.widgets import QuickSelect
from geo.models import District

from .choices import OrganisationKind
from .models import ContactPerson, Organisation, Site


class DistrictChoiceField(forms.ModelChoiceField):
    widget = QuickSelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class WzSectionChoiceField(forms.ModelChoiceField):
    widget = QuickSelect

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} – {obj.display_title}"


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
            .only("code", "title", "title_en", "section")
            .order_by("code")
        )

    def full_clean(self) -> None:
        super().full_clean()
        # Screen readers announce the error with the field (the template renders it with this id).
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


# --- Self-service profile forms ----------------------------------------------------------


MAX_SUGGESTION_TEXT = 2000


class ProfileForm(forms.ModelForm):
    """The fields an organisation editor maintains; WZ codes are typed as numbers."""

    primary_wz_code = forms.CharField(
        label=_("Main WZ 2008 code"),
        required=False,
        max_length=10,
        help_text=_("A class or subclass, e.g. 28.41 or 28.41.0."),
    )
    website = forms.URLField(
        label=_("website"), required=False, max_length=300, assume_scheme="https"
    )
    secondary_wz_codes = forms.CharField(
        label=_("Further WZ 2008 codes"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_description",
            "description",
            "short_description_en",
            "description_en",
            "website",
            "email",
            "phone",
            "founding_year",
            "employee_size_class",
            "technologies",
            "growth_fields",
        ]
        widgets = {
            "technologies": forms.CheckboxSelectMultiple,
            "growth_fields": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("technologies", "growth_fields"):
            # Named in the page's language (English names where there are some).
            self.fields[name].label_from_instance = lambda obj: obj.display_name  # type: ignore[attr-defined]
        organisation = self.instance
        if organisation.pk:
            self.fields["primary_wz_code"].initial = (
                organisation.primary_wz.code if organisation.primary_wz else ""
            )
            self.fields["secondary_wz_codes"].initial = ", ".join(
                sorted(w.code for w in organisation.secondary_wz.all())
            )

    def _codes(self, value: str) -> list[str]:
        from .actions import wz_codes

        codes = [c.strip() for c in value.replace(";", ",").split(",") if c.strip()]
        wz_codes(codes)
        return codes

    def clean_primary_wz_code(self) -> str:
        value = self.cleaned_data["primary_wz_code"].strip()
        if value:
            self._codes(value)
        return value

    def clean_secondary_wz_codes(self) -> list[str]:
        return self._codes(self.cleaned_data["secondary_wz_codes"])

    def profile_data(self) -> dict[str, Any]:
        """What changed, in the shape ``actions.update_profile`` takes."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["primary_wz"] = self.cleaned_data["primary_wz_code"]
        data["secondary_wz"] = self.cleaned_data["secondary_wz_codes"]
        return data

    # -- WZ code suggestions (the editor's "Suggest codes" and "Add" buttons) ------------

    @classmethod
    def as_typed(
        cls, data: Any, instance: Organisation, add_code: str = ""
    ) -> tuple[ProfileForm, str]:
        """An unbound form showing what the editor has typed so far (nothing is saved or
        checked yet), with ``add_code`` added to the WZ fields: as the main code when
        there is none, else to the further codes. Also returns where it went."""
        probe = cls(instance=instance)
        initial = {
            name: field.widget.value_from_datadict(data, {}, probe.add_prefix(name))
            for name, field in probe.fields.items()
        }
        placed = ""
        if add_code:
            primary = (initial.get("primary_wz_code") or "").strip()
            further = [
                c.strip()
                for c in (initial.get("secondary_wz_codes") or "").replace(";", ",").split(",")
                if c.strip()
            ]
            if not primary:
                initial["primary_wz_code"], placed = add_code, "primary"
            elif add_code != primary and add_code not in further:
                initial["secondary_wz_codes"] = ", ".join([*further, add_code])
                placed = "further"
            else:
                placed = "present"
        return cls(instance=instance, initial=initial), placed

    def suggestion_text(self) -> str:
        """What the codes are suggested from: the name and the descriptions as typed."""
        names = ("name", "short_description", "description", "description_en")
        values = [self[name].value() for name in names]
        return " ".join(str(v) for v in values if v)[:MAX_SUGGESTION_TEXT]


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["title", "first_name", "last_name", "role", "phone", "email", "visibility"]


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["kind", "name", "street", "postal_code", "place"]

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        if not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError(_("A German postal code has five digits."))
        return value


class CorrectionForm(HoneypotMixin, forms.Form):
    message = forms.CharField(
        label=_("What is wrong or missing?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        help_text=_("Only if the staff may ask you about it. Only staff see it."),
    )


class MemberForm(forms.Form):
    member = forms.CharField(
        label=_("Organisation"),
        max_length=255,
        help_text=_("Its exact name or the last part of its profile address."),
    )
