"""The growth-field pages: the overview at /wachstumsfelder/, a page per field or
sector, and the studies with their PDF (docs/networks.md, "Growth fields")."""

from __future__ import annotations

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.permissions import is_staff

from . import growth
from .models import Study


def field_list(request: HttpRequest) -> HttpResponse:
    grouped = growth.overview(request.user)
    return render(
        request,
        "networks/fields/list.html",
        {"strategy": grouped["strategy"], "sectors": grouped["sector"]},
    )


def field_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = growth.visible_fields(request.user).filter(slug=slug).first()
    if found is None:
        raise Http404(_("No growth field is published under this address."))
    return render(request, "networks/fields/detail.html", {"detail": growth.detail(found)})


def _study(request: HttpRequest, slug: str) -> Study:
    studies = (
        Study.objects.all() if is_staff(request.user) else Study.objects.filter(published=True)
    )
    study = studies.filter(slug=slug).prefetch_related("growth_fields").first()
    if study is None:
        raise Http404(_("No study is published under this address."))
    return study


def study_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "networks/fields/study.html", {"study": _study(request, slug)})


def study_file(request: HttpRequest, slug: str) -> FileResponse:
    study = _study(request, slug)
    try:
        handle = study.file.open("rb")
    except (FileNotFoundError, SuspiciousFileOperation, ValueError) as error:
        raise Http404(_("The file of this study is missing.")) from error
    response = FileResponse(
        handle, filename=study.filename or f"{study.slug}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
