"""Pages of Local Sourcing: describing a need and getting fitting suppliers.

The view parses the URL through ``NeedForm`` (the search's parameters, a longer text)
and calls ``sourcing.services.match``; it never talks to an engine.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from core import pagecache
from directory.choices import OrganisationKind
from search.forms import RADIUS_CHOICES
from search.query import MAX_QUERY_LENGTH

from . import services
from .forms import NeedForm
from .matching import NEED_MAX_CHARS


def _search_url(words: list[str], text: str) -> str:
    """The search for the need's words (the search takes shorter texts)."""
    query = " ".join(words) or text
    if len(query) > MAX_QUERY_LENGTH:
        query = query[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
    base = reverse("search:search")
    return f"{base}?{urlencode({'q': query})}" if query else base


# The matching ranks by the index and its vectors (``SEARCH``, advanced by every vector
# write) and by organisations' rows, codes and places.
kept_need = pagecache.keep_page(
    pagecache.SEARCH,
    *(pagecache.of_app(label) for label in ("classification", "geo", "directory", "sourcing")),
)


@kept_need
def need(request: HttpRequest) -> HttpResponse:
    pagecache.keep_until(request, pagecache.end_of_day())  # "verified recently" by date
    form = NeedForm(request.GET)
    need = form.to_need()
    results = None
    if need.text and not form.refuses:
        results = services.match(need)
    chosen_kinds = set(request.GET.getlist("kind"))
    context = {
        "form": form,
        "need": need,
        "results": results,
        "max_chars": NEED_MAX_CHARS,
        "radius_choices": RADIUS_CHOICES,
        "kinds": [
            (value, label, value in chosen_kinds) for value, label in OrganisationKind.choices
        ],
        "search_url": _search_url(results.words if results else [], need.text),
    }
    return render(request, "sourcing/need.html", context)
