"""A URL configuration with the relay's ``contact-selected`` address, for rendering the
matches' contact form before (or without) the relay's own pages."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from sourcing import urls as sourcing_urls


def _selected(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


urlpatterns = [
    path(
        "",
        include(
            (
                [
                    *sourcing_urls.urlpatterns,
                    path("kontakt/auswahl/", _selected, name="contact-selected"),
                ],
                "sourcing",
            )
        ),
    ),
    path("", include("directory.urls")),
]
