"""The figures page for the agency's administrators and its CSV files."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import charts
from core.exports import Table, export_response
from inquiries.permissions import is_inquiry_admin
from sourcing.choices import PostingKind

from . import services
from .forms import PeriodForm
from .tables import BUILDERS, STAGES, tables


def _refused(request: HttpRequest) -> HttpResponse | None:
    """Administrators only (``inquiries.view_inquiry``, as the whole inbox): the figures
    count every case, per expert too."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_inquiry_admin(request.user):
        return render(request, "figures/no_access.html", status=403)
    return None


def _figures(form: PeriodForm) -> services.Figures:
    return services.figures(
        form.period(),
        form.topic(),
        no_topic=_("without topic"),
        no_expert=_("no expert assigned"),
    )


def _charts(figures: services.Figures) -> dict[str, charts.Chart]:
    result = {}
    for funnel in figures.funnels:
        title = (
            _("Requests published in the period and how far they got")
            if funnel.kind == PostingKind.REQUEST
            else _("Offers published in the period and how far they got")
        )
        result[funnel.kind] = charts.horizontal(
            f"chart-{funnel.kind}",
            title,
            [(str(label), getattr(funnel, key)) for key, label in STAGES],
        )
    result["months"] = charts.vertical(
        "chart-months",
        _("Inquiries filed per month"),
        [(row.label, row.filed) for row in figures.inquiries.per_month],
        [row.key.strftime("%m/%y") for row in figures.inquiries.per_month],
    )
    return result


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    refused = _refused(request)
    if refused:
        return refused
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "figures/index.html", {"form": form}, status=400)
    figures = _figures(form)
    return render(
        request,
        "figures/index.html",
        {
            "form": form,
            "figures": figures,
            "tables": tables(figures),
            "charts": _charts(figures),
            "query": form.query(),
        },
    )


@require_GET
def table_csv(request: HttpRequest, table: str) -> HttpResponse | StreamingHttpResponse:
    refused = _refused(request)
    if refused:
        return refused
    build = BUILDERS.get(table)
    if build is None:
        raise Http404
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "figures/index.html", {"form": form}, status=400)
    result: Table = build(_figures(form))
    period = form.period()
    return export_response(
        result.rows,
        result.columns,
        "csv",
        f"kennzahlen-{table}-{period.start.isoformat()}-{period.end.isoformat()}",
    )
