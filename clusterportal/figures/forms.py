"""The period (and topic) of the figures page and its CSV files, read from the address."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.periods import PeriodForm as BasePeriodForm
from inquiries.models import InquiryTopic


class PeriodForm(BasePeriodForm):
    """The shared period (``core.periods``) and an optional topic of the inquiries."""

    extra = ("topic",)

    def __init__(self, data: Any = None, today: datetime.date | None = None) -> None:
        super().__init__(data, today)
        self.fields["topic"] = forms.ModelChoiceField(
            label=_("Topic of the inquiries"),
            queryset=InquiryTopic.objects.all(),
            required=False,
            empty_label=_("all topics"),
        )

    def topic(self) -> InquiryTopic | None:
        return self.cleaned_data.get("topic")

    def query_values(self) -> dict[str, str]:
        values = super().query_values()
        topic = self.topic()
        if topic is not None:
            values["topic"] = str(topic.pk)
        return values
