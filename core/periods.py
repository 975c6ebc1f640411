"""A period of whole days chosen on a figures page (``from`` and ``to`` in the address),
shared by the agency's figures and the networks' dashboards."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Periods outside these days are refused: nothing is older, and a date far ahead would
# only make an empty, very long chart.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
MAX_YEARS = 10


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end``, both included, in the portal's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_months(cls, months: int = 12, today: datetime.date | None = None) -> Period:
        """This month and the ``months - 1`` before it, up to today."""
        today = today or timezone.localdate()
        index = today.year * 12 + today.month - 1 - (months - 1)
        return cls(datetime.date(index // 12, index % 12 + 1, 1), today)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The first moment of ``start`` and the first moment after ``end``."""
        zone = timezone.get_current_timezone()
        after = self.end + datetime.timedelta(days=1)
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(after, datetime.time.min, tzinfo=zone),
        )

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches."""
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1
        return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(first, last + 1)]

    def years(self) -> list[int]:
        """Every year the period touches."""
        return list(range(self.start.year, self.end.year + 1))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """``from`` and ``to`` (days, both included; without them the last 12 months).
    ``from`` is a Python keyword, hence the fields are added in ``__init__``; a subclass
    names its further fields in ``extra`` and adds them in its own ``__init__``."""

    extra: tuple[str, ...] = ()

    def __init__(self, data: Any = None, today: datetime.date | None = None) -> None:
        self.default = Period.last_months(12, today)
        names = ("from", "to", *self.extra)
        values = {name: (data or {}).get(name) or "" for name in names}
        values["from"] = values["from"] or self.default.start.isoformat()
        values["to"] = values["to"] or self.default.end.isoformat()
        super().__init__(values)
        self.fields["from"] = forms.DateField(
            label=_("From"), widget=DateInput(), help_text=_("First day of the period")
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), widget=DateInput(), help_text=_("Last day, included")
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

    def query_values(self) -> dict[str, str]:
        period = self.period()
        return {"from": period.start.isoformat(), "to": period.end.isoformat()}

    def query(self) -> str:
        """The address's query of this period (for the CSV links), without empty values."""
        return urlencode(self.query_values())
