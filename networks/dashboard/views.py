"""A network's dashboard (/netzwerke/<slug>/kennzahlen/), the cluster management's
overview of all networks (/intern/kennzahlen/netzwerke/) and their CSV files."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import charts
from core.exports import export_response
from core.periods import PeriodForm
from directory.choices import NETWORK_KINDS
from directory.models import Organisation

from ..permissions import may_see_dashboard, may_see_overview
from . import services
from .tables import (
    DASHBOARD_TABLES,
    OVERVIEW_TABLES,
    composition_items,
    dashboard_tables,
    overview_table,
)


def _network(slug: str) -> Organisation:
    network = Organisation.objects.filter(slug=slug, kind__in=NETWORK_KINDS).first()
    if network is None:
        raise Http404(_("No network under this address."))
    return network


def _refused(request: HttpRequest, allowed: bool) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not allowed:
        return render(request, "networks/dashboard/no_access.html", status=403)
    return None


def _dashboard_charts(board: services.Dashboard) -> dict[str, charts.Chart]:
    months = board.months
    ticks = [row.growth.key.strftime("%m/%y") for row in months]
    return {
        "members": charts.vertical(
            "chart-members",
            _("Members at the end of each month"),
            [(row.growth.label, row.growth.at_end) for row in months],
            ticks,
        ),
        "joined": charts.vertical(
            "chart-joined",
            _("Members joined per month"),
            [(row.growth.label, row.growth.joined) for row in months],
            ticks,
        ),
        "composition": charts.horizontal(
            "chart-composition",
            _("Composition of the members today"),
            [(str(label), count) for label, count in composition_items(board.composition)],
        ),
    }


def _period_form(request: HttpRequest) -> PeriodForm:
    return PeriodForm(request.GET)


@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    refused = _refused(request, may_see_dashboard(request.user, network))
    if refused:
        return refused
    form = _period_form(request)
    context: dict[str, Any] = {"form": form, "network": network}
    if not form.is_valid():
        return render(request, "networks/dashboard/network.html", context, status=400)
    board = services.dashboard(network, form.period())
    context.update(
        board=board,
        tables=dashboard_tables(board),
        charts=_dashboard_charts(board),
        query=form.query(),
    )
    return render(request, "networks/dashboard/network.html", context)


@require_GET
def dashboard_csv(
    request: HttpRequest, slug: str, table: str
) -> HttpResponse | StreamingHttpResponse:
    network = _network(slug)
    refused = _refused(request, may_see_dashboard(request.user, network))
    if refused:
        return refused
    build = DASHBOARD_TABLES.get(table)
    if build is None:
        raise Http404
    form = _period_form(request)
    if not form.is_valid():
        return render(
            request,
            "networks/dashboard/network.html",
            {"form": form, "network": network},
            status=400,
        )
    period = form.period()
    result = build(services.dashboard(network, period))
    return export_response(
        result.rows,
        result.columns,
        "csv",
        f"kennzahlen-{network.slug}-{table}-{period.start.isoformat()}-{period.end.isoformat()}",
    )


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    refused = _refused(request, may_see_overview(request.user))
    if refused:
        return refused
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "networks/dashboard/overview.html", {"form": form}, status=400)
    found = services.overview(form.period())
    rows = found.rows
    return render(
        request,
        "networks/dashboard/overview.html",
        {
            "form": form,
            "overview": found,
            "table": overview_table(found),
            "charts": {
                "members": charts.horizontal(
                    "chart-network-members",
                    _("Members at the end of the period per network"),
                    [(row.network.name, row.growth.at_end) for row in rows],
                ),
                "joined": charts.horizontal(
                    "chart-network-joined",
                    _("Members joined in the period per network"),
                    [(row.network.name, row.growth.joined) for row in rows],
                ),
            },
            "query": form.query(),
        },
    )


@require_GET
def overview_csv(request: HttpRequest, table: str) -> HttpResponse | StreamingHttpResponse:
    refused = _refused(request, may_see_overview(request.user))
    if refused:
        return refused
    build = OVERVIEW_TABLES.get(table)
    if build is None:
        raise Http404
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "networks/dashboard/overview.html", {"form": form}, status=400)
    period = form.period()
    result = build(services.overview(period))
    return export_response(
        result.rows,
        result.columns,
        "csv",
        f"kennzahlen-netzwerke-{table}-{period.start.isoformat()}-{period.end.isoformat()}",
    )
