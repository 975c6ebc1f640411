"""The subscription form, the preference form and the back office's test send."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.abuse import HoneypotMixin

from . import services
from .models import Topic


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=services.offered_topics(),
            required=False,
            label=_("Topics"),
            help_text=_("None chosen: every issue."),
            **kwargs,
        )

    def label_from_instance(self, obj: Topic) -> str:
        return f"{obj.name} – {obj.description}" if obj.description else obj.name


class SubscribeForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    topics = TopicsField()
    consent = forms.BooleanField(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text, version = services.consent_text()
        self.fields["consent"].label = text
        self.fields["consent"].help_text = _(
            "Version %(version)s of this wording. You can unsubscribe at any time with the "
            "link in every issue."
        ) % {"version": version}
        self.fields["consent"].error_messages["required"] = _(
            "Tick the box to agree: without it we may not send you the newsletter."
        )


class PreferencesForm(forms.Form):
    topics = TopicsField()


class TestSendForm(forms.Form):
    address = forms.EmailField(label=_("Send a test to"), max_length=254)
