"""Public pages of networks and clusters: the list, each network's profile, the partner graph."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousFileOperation
from django.core.paginator import Page
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, can
from classification.models import GrowthField
from core import pagecache
from core.exports import Column, export_response
from core.pagination import Paginator
from directory import services as directory_services
from directory.choices import NETWORK_KINDS
from directory.models import Organisation, Site

from . import activities, brochure, services
from .choices import BrochureLanguage
from .filtersets import MemberFilterSet, NetworkFilterSet
from .forms import GraphFilterForm, NetworkProfileForm
from .graph import MEMBERSHIP, Graph, build_graph
from .models import QualityLabel

PAGE_SIZE = 25
# Network pages show the index, networks' rows and those of the apps below and above
# (events, news and programmes through panels): a write to any of them makes them anew.
kept = pagecache.keep_page(
    pagecache.SEARCH, *(pagecache.of_app(label) for label in pagecache.WATCHED_APPS)
)
MAP_MARKERS = 500


def _page(
    request: HttpRequest, items: Any, count: int | None = None
) -> tuple[Paginator, Page[Any]]:
    """The asked page; a page number that is no page shows the nearest one."""
    paginator = Paginator(items, PAGE_SIZE, count=count)
    return paginator, paginator.get_page(request.GET.get("page"))


def _partial(request: HttpRequest, target: str) -> bool:
    """An htmx request for the element ``target`` alone (the list's results)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx and htmx.target == target and not htmx.history_restore_request)


@kept
def network_list(request: HttpRequest) -> HttpResponse:
    pagecache.keep_until(request, pagecache.end_of_day())  # labels are current by date
    networks = services.with_member_counts(services.network_queryset()).prefetch_related(
        Prefetch("growth_fields", queryset=GrowthField.objects.order_by("name")),
        Prefetch(
            "quality_labels",
            queryset=QualityLabel.objects.filter(activities.current_labels_q()),
            to_attr="current_label_list",
        ),
        Prefetch(
            "sites",
            queryset=Site.objects.filter(is_primary=True)
            .select_related("district")
            .defer("district__geometry"),
            to_attr="primary_site_list",
        ),
    )
    partial = _partial(request, "results")
    filterset = NetworkFilterSet(request.GET, networks.order_by("name", "pk"))
    paginator, page = _page(request, filterset.qs)
    context = {
        "filter_form": filterset.form,
        "is_filtered": filterset.is_filtered,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "networks": list(page.object_list),
        "brochures": [] if partial else brochure.latest_builds(),
    }
    template = "networks/_network_results.html" if partial else "networks/network_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _network(request: HttpRequest, slug: str) -> Organisation | HttpResponse:
    """The network with everything its organisation's profile shows (and its JSON-LD
    needs), as the user may see it; another organisation's slug leads to its page."""
    organisation = (
        directory_services.organisation_detail_queryset(request.user)
        .select_related("network_profile__carrier")
        .filter(slug=slug)
        .first()
    )
    if organisation is None:
        raise Http404(_("No network is published under this address."))
    if organisation.kind not in NETWORK_KINDS:
        return redirect(organisation.get_absolute_url(), permanent=True)
    return organisation


@kept
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pagecache.keep_until(request, pagecache.end_of_day())  # labels, roadmap: by date
    found = _network(request, slug)
    if isinstance(found, HttpResponse):
        return found
    network = found
    members = services.member_organisations(
        directory_services.organisation_list_queryset(), network
    )
    filterset = MemberFilterSet(request.GET, members)
    mix = services.member_mix(network)
    # Unfiltered, the list holds the published members the mix counted.
    paginator, page = _page(request, filterset.qs, None if filterset.is_filtered else mix.total)
    context = {
        "filter_form": filterset.form,
        "is_filtered": filterset.is_filtered,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "members": list(page.object_list),
        "network": network,
        "map_data": _member_map(filterset.qs),
    }
    sites = network.site_list  # type: ignore[attr-defined]
    context["primary_site"] = next((site for site in sites if site.is_primary), None)
    context["json_ld"] = directory_services.organisation_json_ld(network, request)
    all_contacts = list(network.contacts.all())
    contacts = directory_services.visible_contacts(network, request.user)
    context.update(
        profile=services.profile_of(network),
        working_groups=activities.working_groups(network, request.user),
        network_projects=activities.projects(network),
        partner_links=activities.partner_links(network),
        labels=activities.labels(network),
        network_roadmap=list(
            network.roadmap_items.select_related("growth_field").order_by("due", "title")  # type: ignore[attr-defined]
        ),
        today=timezone.localdate(),
        mix=mix,
        contacts=contacts,
        hidden_contacts=len(all_contacts) - len(contacts),
        may_edit=can(request.user, Action.EDIT, network),
        may_manage_members=can(request.user, Action.MEMBERS, network),
        # Anonymous visitors see the offer too; the claim page asks them to sign in.
        may_claim=can(request.user, Action.CLAIM, network) or not request.user.is_authenticated,
    )
    return render(request, "networks/network_detail.html", context)


def _member_map(members: Any) -> dict[str, Any] | None:
    """The main sites of the filtered members, as the profile map draws sites."""
    # From the members to their main site (one join, read once), not from every site.
    rows = (
        members.filter(
            sites__is_primary=True,
            sites__latitude__isnull=False,
            sites__longitude__isnull=False,
        )
        .order_by("name")
        .values_list("sites__latitude", "sites__longitude", "name")[:MAP_MARKERS]
    )
    markers = [{"lat": lat, "lon": lon, "label": name} for lat, lon, name in rows]
    if not markers:
        return None
    return {
        "markers": markers,
        "boundaries": [],
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
    }


def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Network managers (the network's organisation editors) and staff edit the profile."""
    network = Organisation.objects.filter(slug=slug, kind__in=NETWORK_KINDS).first()
    if network is None or not can(request.user, Action.EDIT, network):
        if network is not None and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404(_("No network you may change is published under this address."))
    profile = services.profile_of(network)
    form = NetworkProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        if form.has_changed() or profile.pk is None:
            form.save()
            messages.success(request, _("Your changes are saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("networks:detail", slug=network.slug)
    return render(request, "networks/network_edit.html", {"network": network, "form": form})


def label_certificate(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A label's certificate, for whoever may see the network's page."""
    network = (
        directory_services.organisation_detail_queryset(request.user)
        .filter(slug=slug, kind__in=NETWORK_KINDS)
        .first()
    )
    label = QualityLabel.objects.filter(network=network, pk=pk).first() if network else None
    if label is None or not label.certificate:
        raise Http404(_("This network has no such certificate."))
    try:
        handle = label.certificate.open("rb")
    except (FileNotFoundError, SuspiciousFileOperation) as error:
        raise Http404(_("This network has no such certificate.")) from error
    filename = f"{network.slug}-{slugify(label.title)}.pdf"  # type: ignore[union-attr]
    response = FileResponse(handle, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


GRAPH_FILENAME = "partnergraph"
GRAPH_COLUMNS = (
    Column("from_name", gettext_lazy("Organisation")),
    Column("from_kind", gettext_lazy("Kind")),
    Column("relation", gettext_lazy("Relation")),
    Column("detail", gettext_lazy("Role or kind of cooperation")),
    Column("to_name", gettext_lazy("Network or partner")),
    Column("to_kind", gettext_lazy("Kind of network or partner")),
)


def _graph(request: HttpRequest) -> tuple[GraphFilterForm, Graph]:
    """The graph for the request's filters; an invalid filter is dropped (the form says why)."""
    form = GraphFilterForm(request.GET)
    form.is_valid()
    values = form.cleaned_data
    return form, build_graph(values.get("growth"), values.get("district"))


def _relation(relation: str) -> str:
    return _("member of") if relation == MEMBERSHIP else _("partner of")


def partner_graph(request: HttpRequest) -> HttpResponse:
    """The graph page: without JavaScript the table of relations, with it the drawing too."""
    form, graph = _graph(request)
    query = request.GET.urlencode()
    counts = {"network": 0, "member": 0, "external": 0}
    for node in graph.nodes:
        counts[node.group] += 1
    context = {
        "filter_form": form,
        "is_filtered": any(form.cleaned_data.values()),
        "rows": [(a, _relation(edge.relation), edge, b) for a, edge, b in graph.rows()],
        "counts": counts,
        "query": query,
    }
    return render(request, "networks/partner_graph.html", context)


def partner_graph_json(request: HttpRequest) -> HttpResponse:
    _form, graph = _graph(request)
    data = graph.as_json()
    data["labels"] = {"member": _("member of"), "partner": _("partner of")}
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def partner_graph_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    _form, graph = _graph(request)
    rows = (
        {
            "from_name": a.name,
            "from_kind": a.kind,
            "relation": _relation(edge.relation),
            "detail": edge.label,
            "to_name": b.name,
            "to_kind": b.kind,
        }
        for a, edge, b in graph.rows()
    )
    return export_response(rows, GRAPH_COLUMNS, "csv", GRAPH_FILENAME)


def brochure_download(request: HttpRequest, language: str) -> FileResponse:
    """The newest finished brochure in ``language`` (docs/networks.md, "Brochure")."""
    build = brochure.latest(language) if language in BrochureLanguage.values else None
    if build is None:
        raise Http404(_("No brochure has been built in this language yet."))
    try:
        handle = build.file.open("rb")
    except (FileNotFoundError, SuspiciousFileOperation) as error:
        raise Http404(_("No brochure has been built in this language yet.")) from error
    response = FileResponse(
        handle, filename=brochure.filename(build), content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Language"] = build.language
    return response
