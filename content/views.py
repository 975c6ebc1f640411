"""Public pages of the cluster management: the overview, each page, the team and the
supporters."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from directory.services import is_staff

from . import services
from .choices import SUPPORTER_HEADINGS, SitePageKind
from .formatting import render_body
from .models import SitePage, Supporter


def overview(request: HttpRequest) -> HttpResponse:
    sections = services.overview_sections(request.user)
    has_supporters = Supporter.objects.exists()
    return render(
        request,
        "content/overview.html",
        {"sections": sections, "has_supporters": has_supporters},
    )


def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = services.pages_for(request.user).filter(slug=slug).first()
    if page is None:
        raise Http404(_("No page of the cluster management is published under this address."))
    siblings = list(
        services.pages_for(request.user)
        .filter(section=page.section)
        .exclude(pk=page.pk)
        .only("title", "slug", "section")
    )
    return render(
        request,
        "content/page.html",
        {
            "page": page,
            "body": render_body(page.body),
            "siblings": siblings,
            "is_staff": is_staff(request.user),
        },
    )


def team(request: HttpRequest) -> HttpResponse:
    teams, alone = services.team_page(request.user)
    return render(request, "content/team.html", {"teams": teams, "alone": alone})


def supporters(request: HttpRequest) -> HttpResponse:
    by_kind: dict[str, list[Supporter]] = {}
    for supporter in Supporter.objects.all():
        by_kind.setdefault(supporter.kind, []).append(supporter)
    groups = [
        (str(heading), by_kind[kind])
        for kind, heading in SUPPORTER_HEADINGS.items()
        if kind in by_kind
    ]
    return render(request, "content/supporters.html", {"groups": groups})


def _site_page(request: HttpRequest, kind: SitePageKind) -> HttpResponse:
    page = SitePage.objects.filter(kind=kind).first()
    context = {
        "kind": kind,
        "page": page,
        "title": page.title if page else kind.label,
        "body": render_body(page.body) if page else "",
        "is_staff": is_staff(request.user),
    }
    return render(request, "content/site_page.html", context)


def imprint(request: HttpRequest) -> HttpResponse:
    return _site_page(request, SitePageKind.IMPRINT)


def accessibility(request: HttpRequest) -> HttpResponse:
    return _site_page(request, SitePageKind.ACCESSIBILITY)
