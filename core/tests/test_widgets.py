"""QuickSelect writes the HTML of Django's own Select, option for option."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from core.widgets import QuickSelect

CHOICES: list[Any] = [
    ("", "Alle"),
    ("a&b", 'A <b> & "c"'),
    ("Gruppe <1>", [("1", "eins"), ("2", "zwei")]),
    (3, "drei"),
    ("2", "zwei, noch einmal"),
]


class Both(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, required=False)
    quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)


def same(form: forms.Form, left: str, right: str) -> bool:
    return str(form[right]).replace(f"id_{right}", f"id_{left}").replace(
        f'name="{right}"', f'name="{left}"'
    ) == str(form[left])


@pytest.mark.parametrize("value", [None, "", "2", "a&b", "x"])
def test_the_html_equals_djangos_select(value: str | None) -> None:
    form = Both({"django": value, "quick": value} if value is not None else None)
    assert same(form, "django", "quick")
    assert "&lt;b&gt;" in str(form["quick"])  # labels are escaped


def test_a_required_field_and_extra_attributes_are_kept() -> None:
    class Required(forms.Form):
        django = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"class": "x"}))
        quick = forms.ChoiceField(choices=CHOICES, widget=QuickSelect(attrs={"class": "x"}))

    form = Required({"django": "3", "quick": "3"})
    assert same(form, "django", "quick")
    assert '<select name="quick" class="x" required id="id_quick">' in str(form["quick"])
    assert '<option value="3" selected>drei</option>' in str(form["quick"])
