"""The contact form: name, (for visitors) address, subject and message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.abuse import HoneypotMixin, clean_text

MAX_SUBJECT = 200
MAX_BODY = 4000


class ContactForm(HoneypotMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        help_text=_("Shown to the recipient. Your address is not."),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        required=False,
        help_text=_("We send you a link to confirm it; it is never shown to the recipient."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Up to %(limit)d characters.") % {"limit": MAX_BODY},
    )

    def __init__(self, *args: Any, needs_address: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_address = needs_address
        if needs_address:
            self.fields["email"].required = True
        else:
            del self.fields["email"]
        # The honeypot stays the last field.
        self.order_fields(["name", "email", "subject", "body", "website_url"])

    def clean_name(self) -> str:
        name = " ".join(clean_text(self.cleaned_data["name"], 200).split())
        if not name:
            raise forms.ValidationError(_("Give your name."))
        if "@" in name:
            raise forms.ValidationError(
                _("Give your name here, not an email address: the recipient sees this field.")
            )
        return name

    def clean_subject(self) -> str:
        subject = " ".join(clean_text(self.cleaned_data["subject"], MAX_SUBJECT).split())
        if not subject:
            raise forms.ValidationError(_("Give a subject."))
        return subject

    def clean_body(self) -> str:
        body = clean_text(self.cleaned_data["body"], MAX_BODY)
        if not body:
            raise forms.ValidationError(_("Write a message."))
        return body


class SettingsForm(forms.Form):
    policy = forms.ChoiceField(
        label=_("Who may write to this organisation"), widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from messaging.models import PartyPolicy

        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = PartyPolicy.Policy.choices  # type: ignore[attr-defined]
