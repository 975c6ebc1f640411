from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    return redirect("directory:organisation-list")


def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.published()[:50]
    return render(request, "directory/organisation_list.html", {"organisations": organisations})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.published(), slug=slug)
    return render(request, "directory/organisation_detail.html", {"organisation": organisation})
