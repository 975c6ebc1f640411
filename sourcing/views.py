"""Pages of Local Sourcing: describing a need and getting fitting suppliers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def need(request: HttpRequest) -> HttpResponse:
    return render(request, "sourcing/need.html", {"q": request.GET.get("q", "")})
