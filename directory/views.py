"""Public pages of the directory: start page, organisation list and profile."""

from __future__ import annotations

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from . import services
from .choices import OrganisationKind, Source
from .filtersets import OrganisationFilterSet
from .models import Organisation

PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    counts = (
        Organisation.objects.published()
        .values("kind")
        .annotate(total=Count("pk"), generated=Count("pk", filter=Q(source=Source.GENERATED)))
        .order_by("kind")
    )
    by_kind = {row["kind"]: row for row in counts}
    kinds = [
        (value, label, by_kind[value]["total"])
        for value, label in OrganisationKind.choices
        if value in by_kind
    ]
    return render(
        request,
        "directory/home.html",
        {
            "kinds": kinds,
            "total": sum(row["total"] for row in by_kind.values()),
            "generated": sum(row["generated"] for row in by_kind.values()),
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    filterset = OrganisationFilterSet(request.GET, services.organisation_list_queryset())
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(_("This page of the list does not exist.")) from exc
    organisations = list(page.object_list)
    context = {
        "filter_form": filterset.form,
        "is_filtered": filterset.is_filtered,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "organisations": organisations,
        "shows_generated": any(o.is_generated for o in organisations),
    }
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = (
        "directory/_organisation_results.html" if partial else "directory/organisation_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = services.organisation_detail(slug, request.user)
    except Organisation.DoesNotExist as exc:
        raise Http404(_("No organisation is published under this address.")) from exc
    all_contacts = list(organisation.contacts.all())
    contacts = services.visible_contacts(organisation, request.user)
    description = services.localized_description(organisation)
    context = {
        "organisation": organisation,
        "description": description,
        "wz_paths": services.organisation_wz_paths(organisation),
        "sites": organisation.site_list,  # type: ignore[attr-defined]
        "map_data": services.site_map_data(organisation.site_list),  # type: ignore[attr-defined]
        "contacts": contacts,
        "hidden_contacts": len(all_contacts) - len(contacts),
        "members": services.network_members(organisation) if organisation.is_network else None,
        "json_ld": services.organisation_json_ld(organisation, request),
        "is_staff": services.is_staff(request.user),
    }
    return render(request, "directory/organisation_detail.html", context)
