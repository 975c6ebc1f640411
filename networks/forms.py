"""Filters of the network pages and the form network managers edit their profile with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from core.uploads import check_upload
from directory.choices import NETWORK_KINDS, EmployeeSizeClass
from directory.forms import DistrictChoiceField, OrganisationFilterForm
from directory.models import Organisation
from geo.models import District

from .models import (
    NetworkProfile,
    NetworkProject,
    PartnerCluster,
    QualityLabel,
    RoadmapItem,
    Study,
    WorkingGroup,
)
from .studies import check_pdf


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

    label = forms.ChoiceField(
        label=_("Quality label"),
        required=False,
        choices=[
            ("", _("Any or none")),
            ("any", _("With a current quality label")),
            ("ecei", _("ECEI label (any level)")),
            ("ecei-gold", _("ECEI gold")),
            ("ecei-silver", _("ECEI silver or better")),
            ("ecei-bronze", _("ECEI bronze or better")),
            ("go-cluster", _("go-cluster membership")),
        ],
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


class _NetworkRecordForm(forms.ModelForm):
    """A record of one network, edited by its managers: choices stay inside the network."""

    def __init__(self, *args: Any, network: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        self.instance.network = network
        members = (
            Organisation.objects.published()
            .filter(memberships__network=network)
            .only("pk", "name")
            .order_by("name")
        )
        for name in ("members", "partners"):
            if name in self.fields:
                field = self.fields[name]
                field.queryset = members  # type: ignore[attr-defined]
                field.widget = forms.CheckboxSelectMultiple(choices=field.choices)  # type: ignore[attr-defined]
        if "contact" in self.fields:
            self.fields["contact"].queryset = network.contacts.order_by(  # type: ignore[attr-defined]
                "order", "last_name"
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 4)


class WorkingGroupForm(_NetworkRecordForm):
    class Meta:
        model = WorkingGroup
        fields = (
            "name",
            "topic",
            "goals",
            "meetings",
            "next_meeting",
            "contact",
            "members",
            "order",
        )
        widgets = {"next_meeting": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        taken = WorkingGroup.objects.filter(network=self.network, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("The network already has a working group of this name."))
        return name


class NetworkProjectForm(_NetworkRecordForm):
    class Meta:
        model = NetworkProject
        fields = (
            "title",
            "summary",
            "status",
            "start_year",
            "end_year",
            "funding",
            "url",
            "partners",
            "growth_fields",
        )
        widgets = {"growth_fields": forms.CheckboxSelectMultiple}


class PartnerClusterForm(_NetworkRecordForm):
    class Meta:
        model = PartnerCluster
        fields = (
            "partner",
            "partner_name",
            "partner_location",
            "partner_url",
            "in_region",
            "cooperation",
            "description",
            "since",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        partner.queryset = (  # type: ignore[attr-defined]
            Organisation.objects.published()
            .filter(kind__in=NETWORK_KINDS)
            .exclude(pk=self.network.pk)
            .only("pk", "name")
            .order_by("name")
        )
        partner.empty_label = _("— a partner outside the portal (name it below) —")  # type: ignore[attr-defined]

    def clean_partner(self) -> Organisation | None:
        partner = self.cleaned_data.get("partner")
        if partner is not None:
            taken = PartnerCluster.objects.filter(network=self.network, partner=partner)
            if taken.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("This cooperation is already recorded."))
        return partner


class QualityLabelAdminForm(forms.ModelForm):
    """Staff record a label in the back office; its certificate must be a PDF file."""

    class Meta:
        model = QualityLabel
        fields = (
            "network",
            "scheme",
            "name",
            "level",
            "issuer",
            "awarded",
            "valid_until",
            "certificate",
        )

    def clean_certificate(self) -> Any:
        upload = self.cleaned_data.get("certificate")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            check_upload(upload, ("pdf",), settings.NETWORK_DOCUMENT_MAX_MB * 1024 * 1024)
        return upload


class RoadmapItemForm(_NetworkRecordForm):
    """A milestone a network manager keeps: in one of the network's growth fields."""

    class Meta:
        model = RoadmapItem
        fields = ("growth_field", "title", "description", "owner", "due", "status", "done_on")
        widgets = {
            "due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["growth_field"]
        fields = self.network.growth_fields.order_by("name")
        field.queryset = fields  # type: ignore[attr-defined]
        field.help_text = _("The network's growth fields (set by the agency's experts).")
        if self.instance.pk is None and len(fields) == 1:
            self.initial.setdefault("growth_field", fields[0].pk)


class StudyAdminForm(forms.ModelForm):
    """Staff upload a study: a PDF by its content, readable, of at most
    NETWORK_DOCUMENT_MAX_MB."""

    class Meta:
        model = Study
        fields = (
            "title",
            "slug",
            "publisher",
            "year",
            "summary",
            "growth_fields",
            "file",
            "published",
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.pages = check_pdf(upload)
        return upload


class GraphFilterForm(NetworkFilterForm):
    """The partner graph's filters: growth field and district (a label is a network's,
    while the graph's filters act on every organisation in it)."""

    label = None  # type: ignore[assignment]
