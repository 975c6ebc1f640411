"""The period (and topic) of the figures page and its CSV files, read from the address."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inquiries.models import InquiryTopic

from .services import Period

# Periods outside these days are refused: nothing is older, and a date far ahead would
# only make an empty, very long chart.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
MAX_YEARS = 10


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """``from`` and ``to`` (days, both included; without them the last 12 months) and
    an optional topic of the inquiries. ``from`` is a Python keyword, hence the fields
    are added in ``__init__``."""

    def __init__(self, data: Any = None, today: datetime.date | None = None) -> None:
        self.default = Period.last_months(12, today)
        values = {name: (data or {}).get(name) or "" for name in ("from", "to", "topic")}
        values["from"] = values["from"] or self.default.start.isoformat()
        values["to"] = values["to"] or self.default.end.isoformat()
        super().__init__(values)
        self.fields["from"] = forms.DateField(
            label=_("From"), widget=DateInput(), help_text=_("First day of the period")
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), widget=DateInput(), help_text=_("Last day, included")
        )
        self.fields["topic"] = forms.ModelChoiceField(
            label=_("Topic of the inquiries"),
            queryset=InquiryTopic.objects.all(),
            required=False,
            empty_label=_("all topics"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        start, end = cleaned["from"], cleaned["to"]
        for name, day in (("from", start), ("to", end)):
            if not EARLIEST <= day <= LATEST:
                self.add_error(
                    name,
                    _("Choose a day between %(first)s and %(last)s.")
                    % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
                )
        if self.errors:
            return cleaned
        if start > end:
            raise ValidationError(
                _("The first day (%(start)s) is after the last day (%(end)s).")
                % {"start": start.isoformat(), "end": end.isoformat()},
                code="order",
            )
        if end.year * 12 + end.month - (start.year * 12 + start.month) >= MAX_YEARS * 12:
            raise ValidationError(
                _("A period spans at most %(years)d years.") % {"years": MAX_YEARS},
                code="span",
            )
        cleaned["period"] = Period(start, end)
        return cleaned

    def period(self) -> Period:
        return self.cleaned_data["period"]  # type: ignore[no-any-return]

    def topic(self) -> InquiryTopic | None:
        return self.cleaned_data.get("topic")

    def query(self) -> str:
        """The address's query of this period (for the CSV links), without empty values."""
        from urllib.parse import urlencode

        period = self.period()
        values = {"from": period.start.isoformat(), "to": period.end.isoformat()}
        topic = self.topic()
        if topic is not None:
            values["topic"] = str(topic.pk)
        return urlencode(values)
