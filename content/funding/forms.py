"""The list's filters and the finder's questions, both read from the URL (GET), so that
a result can be bookmarked and shared."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from geo.models import PostalCode

from .choices import CompanySize, FundingType, Level, TargetGroup, Topic
from .finder import Answers

WITHIN_DAYS = (14, 30, 60, 90)
MAX_AMOUNT = 10**9


def _growth_choices() -> list[tuple[str, str]]:
    return list(GrowthField.objects.order_by("name").values_list("slug", "name"))


class ProgrammeFilterForm(forms.Form):
    """The list's filters; a refused value is left out with a message at its field."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    level = forms.MultipleChoiceField(
        label=_("Level"), required=False, choices=Level.choices, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.MultipleChoiceField(
        label=_("Type of funding"),
        required=False,
        choices=FundingType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    target = forms.MultipleChoiceField(
        label=_("Target group"),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    topic = forms.MultipleChoiceField(
        label=_("Topic"), required=False, choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    growth = forms.MultipleChoiceField(
        label=_("Growth field"), required=False, widget=forms.CheckboxSelectMultiple
    )
    open_now = forms.BooleanField(label=_("Open for applications now"), required=False)
    within_days = forms.TypedChoiceField(
        label=_("Deadline within"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("any time"))]
        + [(str(days), _("%(days)s days") % {"days": days}) for days in WITHIN_DAYS],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["growth"].choices = _growth_choices()  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid field is left out; its error is shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class FinderForm(forms.Form):
    """The finder's questions. Only "who" must be answered; each further answer narrows."""

    who = forms.ChoiceField(
        label=_("Who are you?"), choices=TargetGroup.choices, widget=forms.RadioSelect
    )
    size = forms.ChoiceField(
        label=_("How large is your company?"),
        required=False,
        choices=[("", _("not a company / not stated")), *CompanySize.choices],
        widget=forms.RadioSelect,
        help_text=_("Employees; only asked of companies and start-ups."),
    )
    plz = forms.CharField(
        label=_("Where are you? (postal code)"),
        required=False,
        max_length=10,
        help_text=_("Five digits, e.g. 07743. Empty: anywhere."),
    )
    topics = forms.MultipleChoiceField(
        label=_("What do you plan?"),
        required=False,
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more topics; none: every topic."),
    )
    growth = forms.ChoiceField(label=_("Growth field (optional)"), required=False)
    amount = forms.IntegerField(
        label=_("Amount you need in euros (optional)"),
        required=False,
        min_value=1,
        max_value=MAX_AMOUNT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["growth"].choices = [  # type: ignore[attr-defined]
            ("", _("any growth field")),
            *_growth_choices(),
        ]
        self.postal_code: PostalCode | None = None

    def clean_plz(self) -> str:
        code = "".join(str(self.cleaned_data.get("plz") or "").split())
        if not code:
            return ""
        if not re.fullmatch(r"\d{5}", code):
            raise forms.ValidationError(
                _("A German postal code has five digits, e.g. 07743."), code="format"
            )
        rows = list(
            PostalCode.objects.filter(code=code)
            .select_related("state", "district")
            .order_by("is_large_customer", "place")
        )
        if not rows:
            raise forms.ValidationError(
                _("We do not know the postal code %(code)s. Please check it or leave it empty."),
                code="unknown",
                params={"code": code},
            )
        self.postal_code = rows[0]
        self._districts = {row.district_id for row in rows if not row.is_large_customer}
        return code

    def answers(self) -> Answers:
        """The validated answers (call after ``is_valid()``)."""
        data = self.cleaned_data
        state = district = None
        if self.postal_code is not None:
            state = self.postal_code.state
            # A code shared by places of several districts names no single district.
            if len(self._districts) <= 1:
                district = self.postal_code.district
        growth = None
        if data.get("growth"):
            growth = GrowthField.objects.filter(slug=data["growth"]).first()
        size = data.get("size") or ""
        return Answers(
            who=data["who"],
            size=size if data["who"] in (TargetGroup.COMPANY, TargetGroup.STARTUP) else "",
            postal_code=data.get("plz") or "",
            state=state,
            district=district,
            topics=list(data.get("topics") or []),
            growth_field=growth,
            amount=data.get("amount"),
        )
