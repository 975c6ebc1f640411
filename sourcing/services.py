"""Local Sourcing's entry points, called by the need page, the API, the benchmarks and tests."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .matching import MAX_PAGE_SIZE, NEED_MAX_CHARS, MatchResults, Need
from .matching import match as _match


def match(need: Need) -> MatchResults:
    """The organisations that can meet ``need``, best first, each with its reasons.

    The text holds at most ``NEED_MAX_CHARS`` characters and a page at most
    ``MAX_PAGE_SIZE`` organisations (the form and the API refuse more, naming the
    field); place, radius and filters narrow every channel alike.
    """
    if len(need.text) > NEED_MAX_CHARS:
        raise ValidationError({"q": f"The need may be at most {NEED_MAX_CHARS:,} characters long."})
    if not 1 <= need.limit <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": f"A page holds 1 to {MAX_PAGE_SIZE} organisations."})
    return _match(need)
