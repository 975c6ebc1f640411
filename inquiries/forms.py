"""The public inquiry form and the inbox's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.consents import PRIVACY_CONSENT
from classification.models import GrowthField, WzCode
from core.abuse import HoneypotMixin, clean_text
from core.uploads import check_upload
from core.widgets import QuickSelect
from directory.models import Organisation
from geo.models import District

from .choices import InquiryStatus, Urgency
from .models import Expert, InquiryTopic, Team

ATTACHMENT_KINDS = ("pdf", "png", "jpeg", "docx", "xlsx", "odt", "txt")


class InquiryForm(HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=60, required=False)
    organisation_name = forms.CharField(
        label=_("Company or organisation (optional)"), max_length=200, required=False
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=InquiryTopic.objects.all(), empty_label=None
    )
    growth_field = forms.ModelChoiceField(
        label=_("Sector (growth field, optional)"),
        queryset=GrowthField.objects.all(),
        required=False,
    )
    wz_code = forms.CharField(
        label=_("or WZ code of your business (optional)"),
        max_length=12,
        required=False,
        help_text=_('E.g. 28.41; "Suggest codes" proposes codes from your message.'),
    )
    district = forms.ModelChoiceField(
        label=_("District (optional)"),
        queryset=District.objects.none(),
        required=False,
        widget=QuickSelect,  # Germany's 400 districts
    )
    place = forms.CharField(label=_("or place (optional)"), max_length=120, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    message = forms.CharField(
        label=_("Your question"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX, XLSX, ODT or TXT, at most %(mb)s MB."),
    )
    consent = forms.BooleanField(label=str(PRIVACY_CONSENT.text), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Names only: the boundaries (GeoJSON) of 400 districts cost more than the page.
        self.fields["district"].queryset = District.objects.only("pk", "name").order_by("name")  # type: ignore[attr-defined]
        self.fields["consent"].label = _(
            "I agree that the agency processes my details and my question to answer it, "
            "as the privacy policy describes; the inquiry is deleted %(days)s days after "
            "it is closed."
        ) % {"days": settings.RETENTION_INQUIRY_DAYS}
        self.fields["attachment"].help_text = str(self.fields["attachment"].help_text) % {
            "mb": settings.INQUIRY_ATTACHMENT_MAX_MB
        }
        self.attachment_kind = ""

    def clean_message(self) -> str:
        text = clean_text(self.cleaned_data["message"], 5000)
        if len(text) < 10:
            raise ValidationError(_("Please describe your question in a few words."))
        return text

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"], 200)
        if not name:
            raise ValidationError(_("Please give your name."))
        return name

    def clean_wz_code(self) -> WzCode | None:
        code = self.cleaned_data["wz_code"].strip()
        if not code:
            return None
        found = WzCode.objects.filter(version="2008", code=code, level__gte=2).first()
        if found is None:
            raise ValidationError(
                _("Unknown WZ 2008 code %(code)s: use e.g. 28 or 28.41.") % {"code": code}
            )
        return found

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        kind = check_upload(
            upload, ATTACHMENT_KINDS, settings.INQUIRY_ATTACHMENT_MAX_MB * 1024 * 1024
        )
        self.attachment_kind = kind.name
        return upload


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the asker"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=InquiryStatus.choices)


class AssignForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=Expert.objects.filter(active=True), required=False
    )
    team = forms.ModelChoiceField(label=_("or team"), queryset=Team.objects.all(), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("expert") and not cleaned.get("team"):
            raise ValidationError(_("Choose an expert or a team."))
        return cleaned


class ForwardForm(forms.Form):
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Network or cluster"), queryset=Organisation.objects.none()
    )
    note = forms.CharField(
        label=_("Note to the network's managers (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .services import partner_organisations

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations()  # type: ignore[attr-defined]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *list(InquiryStatus.choices)], required=False
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=InquiryTopic.objects.all(),
        required=False,
        empty_label=_("all topics"),
    )
    expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=Expert.objects.all(), required=False, empty_label=_("all")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("all teams")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
