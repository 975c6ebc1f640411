"""A view that fails, for the logging tests (``@pytest.mark.urls``)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the disk is full")


urlpatterns = [
    path("boom/", boom),
    path("", include("clusterportal.urls")),
]
