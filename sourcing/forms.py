"""The need form: the search's parameters (same names, same validation) with a longer text.

A need is written as a sentence or a paragraph, up to ``NEED_MAX_CHARS`` characters;
place, radius and filters are read exactly as the search reads them
(``search.forms.SearchForm``), so a need page's address and a search's differ only in
their path and in what the text may hold.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from search.forms import SearchForm

from .matching import MAX_PAGE_SIZE, NEED_MAX_CHARS, Need

PAGE_SIZE = 20


class NeedForm(SearchForm):
    q = forms.CharField(
        label=_("Your need"),
        required=False,
        max_length=NEED_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    page_size = forms.IntegerField(
        label=_("Results"), required=False, min_value=1, max_value=MAX_PAGE_SIZE
    )

    def to_need(self, limit: int | None = None) -> Need:
        """The need for what validated; ``messages`` and ``refused`` as the search's."""
        query = self.to_query()
        cleaned = getattr(self, "cleaned_data", {})
        size = limit or cleaned.get("page_size") or PAGE_SIZE
        return Need(
            text=query.text,
            filters=query.filters,
            center=query.center,
            radius_km=query.radius_km,
            limit=size,
        )
