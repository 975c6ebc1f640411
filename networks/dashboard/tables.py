"""The dashboards' figures as tables: the same columns and cells on the page and in its
CSV files. Each table names the indicator of the ECEI cluster benchmarking it serves
where one fits (docs/networks.md, "KPI dashboard")."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.exports import Column, Table
from directory.choices import OrganisationKind

from ..choices import ProjectStatus
from .services import Composition, Dashboard, Growth, NetworkFigures, Overview


def percent(share: float | None) -> str:
    return "" if share is None else number_format(share * 100, 1)


def day(value: datetime.date | None) -> str:
    return "" if value is None else date_format(value, "SHORT_DATE_FORMAT")


def yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


# ECEI benchmarking indicators (as the European Secretariat for Cluster Analysis names
# them) beside the portal's figures.
ECEI_MEMBERS = _("Number of cluster participants")
ECEI_GROWTH = _("Development of the number of cluster participants")
ECEI_COMPOSITION = _("Composition of the cluster participants")
ECEI_SERVICES = _("Services of the cluster management (working groups)")
ECEI_PROJECTS = _("Cooperation projects")
ECEI_INTERNATIONAL = _("International cooperation")
ECEI_LABEL = _("Quality label of the cluster management")


def _key_rows(figures: NetworkFigures) -> list[tuple[str | Promise, Any, str | Promise]]:
    g = figures.growth
    return [
        (_("Members at the start of the period"), g.at_start, ECEI_MEMBERS),
        (_("Members at the end of the period"), g.at_end, ECEI_MEMBERS),
        (_("Joined in the period"), g.joined, ECEI_GROWTH),
        (_("Left in the period"), g.left, ECEI_GROWTH),
        (_("Change of the members"), g.change, ECEI_GROWTH),
        (_("Growth of the members (%)"), percent(g.rate), ECEI_GROWTH),
        (_("Working groups"), figures.working_groups, ECEI_SERVICES),
        (_("Organisations in working groups"), figures.group_participants, ECEI_SERVICES),
        (_("Projects planned"), figures.projects.get(ProjectStatus.PLANNED, 0), ECEI_PROJECTS),
        (_("Projects running"), figures.projects_running, ECEI_PROJECTS),
        (
            _("Projects completed"),
            figures.projects.get(ProjectStatus.COMPLETED, 0),
            ECEI_PROJECTS,
        ),
        (_("Partner clusters in the region"), figures.partners_in_region, ECEI_INTERNATIONAL),
        (
            _("Partner clusters outside the region"),
            figures.partners_outside,
            ECEI_INTERNATIONAL,
        ),
        (_("Labels valid at the end of the period"), "; ".join(figures.labels), ECEI_LABEL),
        (_("Inquiries forwarded to the network"), figures.inquiries, ""),
        (_("Requests published by members"), figures.requests, ""),
        (_("Offers published by members"), figures.offers, ""),
        (_("Matches naming members"), figures.matches, ""),
        (_("Contacts to members"), figures.contacts, ""),
        (_("of which answered"), figures.contacts_answered, ""),
        (_("Contacts to the network itself"), figures.contacts_to_network, ""),
    ]


def key_table(board: Dashboard) -> Table:
    return Table(
        "kennzahlen",
        _("Key figures"),
        [
            Column("figure", _("Figure")),
            Column("value", _("Value")),
            Column("ecei", _("ECEI benchmarking indicator")),
        ],
        [
            {"figure": label, "value": value, "ecei": ecei}
            for label, value, ecei in _key_rows(board.figures)
        ],
        text=frozenset({"ecei"}),
    )


def month_table(board: Dashboard) -> Table:
    return Table(
        "monate",
        _("Per month"),
        [
            Column("month", _("Month")),
            Column("members", _("Members at the end")),
            Column("joined", _("Joined")),
            Column("left", _("Left")),
            Column("inquiries", _("Inquiries forwarded")),
            Column("matches", _("Matches naming members")),
            Column("contacts", _("Contacts to members")),
        ],
        [
            {
                "month": row.growth.label,
                "members": row.growth.at_end,
                "joined": row.growth.joined,
                "left": row.growth.left,
                "inquiries": row.inquiries,
                "matches": row.matches,
                "contacts": row.contacts,
            }
            for row in board.months
        ],
    )


def _growth_cells(row: Growth) -> dict[str, Any]:
    return {
        "at_start": row.at_start,
        "at_end": row.at_end,
        "joined": row.joined,
        "left": row.left,
        "change": row.change,
        "rate": percent(row.rate),
    }


GROWTH_COLUMNS = [
    Column("at_start", _("Members at the start")),
    Column("at_end", _("Members at the end")),
    Column("joined", _("Joined")),
    Column("left", _("Left")),
    Column("change", pgettext_lazy("number", "Change")),
    Column("rate", _("Growth (%)")),
]


def year_table(board: Dashboard) -> Table:
    return Table(
        "jahre",
        _("Members per year"),
        [Column("year", _("Year")), *GROWTH_COLUMNS],
        [{"year": row.label, **_growth_cells(row)} for row in board.years],
    )


def composition_items(composition: Composition) -> list[tuple[str | Promise, int]]:
    return [
        (_("SMEs (fewer than 250 employees)"), composition.sme),
        (_("Large companies (250 or more)"), composition.large),
        (_("Companies of unknown size"), composition.companies_unknown_size),
        (_("Research institutes and universities"), composition.research),
        (_("Other members"), composition.others),
    ]


def _share(count: int, total: int) -> str:
    return percent(count / total) if total else ""


def composition_table(board: Dashboard) -> Table:
    total = board.composition.total
    rows = [
        {"group": label, "members": count, "share": _share(count, total)}
        for label, count in composition_items(board.composition)
    ]
    rows.append({"group": str(_("Total")), "members": total, "share": _share(total, total)})
    return Table(
        "zusammensetzung",
        _("Composition of the members today"),
        [
            Column("group", _("Group")),
            Column("members", _("Members")),
            Column("share", _("Share (%)")),
        ],
        rows,
    )


def kind_table(board: Dashboard) -> Table:
    kinds = dict(OrganisationKind.choices)
    return Table(
        "arten",
        _("Members today by kind"),
        [
            Column("kind", _("Kind")),
            Column("members", _("Members")),
            Column("share", _("Share (%)")),
        ],
        [
            {
                "kind": str(kinds.get(share.value, share.label)),
                "members": share.count,
                "share": _share(share.count, share.total),
            }
            for share in board.mix.by_kind
        ],
    )


def group_table(board: Dashboard) -> Table:
    return Table(
        "arbeitsgruppen",
        _("Working groups"),
        [
            Column("group", _("Working group")),
            Column("members", _("Member organisations")),
            Column("next", _("Next meeting")),
        ],
        [
            {"group": row.name, "members": row.members, "next": day(row.next_meeting)}
            for row in board.groups
        ],
    )


def project_table(board: Dashboard) -> Table:
    return Table(
        "projekte",
        _("Projects"),
        [Column("status", _("Status")), Column("projects", _("Projects"))],
        [
            {"status": str(status.label), "projects": board.figures.projects.get(status, 0)}
            for status in ProjectStatus
        ],
    )


def partner_table(board: Dashboard) -> Table:
    return Table(
        "partner",
        _("Partner clusters"),
        [
            Column("cooperation", _("Kind of cooperation")),
            Column("inside", _("In the region")),
            Column("outside", _("Outside the region")),
        ],
        [
            {"cooperation": label, "inside": inside, "outside": outside}
            for label, inside, outside in board.partners_by_cooperation
        ],
    )


def label_table(board: Dashboard) -> Table:
    return Table(
        "siegel",
        _("Labels"),
        [
            Column("label", _("Label")),
            Column("awarded", _("Awarded on")),
            Column("valid_until", _("Valid until")),
            Column("current", _("Valid at the end of the period")),
        ],
        [
            {
                "label": label.title,
                "awarded": day(label.awarded),
                "valid_until": day(label.valid_until),
                "current": yes_no(label.current),  # type: ignore[attr-defined]
            }
            for label in board.labels
        ],
    )


DASHBOARD_TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "kennzahlen": key_table,
    "monate": month_table,
    "jahre": year_table,
    "zusammensetzung": composition_table,
    "arten": kind_table,
    "arbeitsgruppen": group_table,
    "projekte": project_table,
    "partner": partner_table,
    "siegel": label_table,
}


def dashboard_tables(board: Dashboard) -> dict[str, Table]:
    return {slug: build(board) for slug, build in DASHBOARD_TABLES.items()}


# --- The overview --------------------------------------------------------------------------

OVERVIEW_COLUMNS = [
    Column("network", _("Network or cluster")),
    *GROWTH_COLUMNS,
    Column("groups", _("Working groups")),
    Column("projects", _("Projects")),
    Column("running", _("of which running")),
    Column("outside", _("Partner clusters outside the region")),
    Column("labels", _("Labels valid at the end")),
    Column("inquiries", _("Inquiries forwarded")),
    Column("matches", _("Matches naming members")),
    Column("contacts", _("Contacts to members")),
    Column("answered", _("of which answered")),
]


def _overview_cells(figures: NetworkFigures) -> dict[str, Any]:
    return {
        **_growth_cells(figures.growth),
        "groups": figures.working_groups,
        "projects": figures.projects_total,
        "running": figures.projects_running,
        "outside": figures.partners_outside,
        "labels": "; ".join(figures.labels),
        "inquiries": figures.inquiries,
        "matches": figures.matches,
        "contacts": figures.contacts,
        "answered": figures.contacts_answered,
    }


def overview_table(overview: Overview) -> Table:
    rows = [
        {"network": figures.network.name, **_overview_cells(figures)} for figures in overview.rows
    ]
    start, end = overview.total_growth("at_start"), overview.total_growth("at_end")
    rows.append(
        {
            "network": str(_("Total (memberships)")),
            "at_start": start,
            "at_end": end,
            "joined": overview.total_growth("joined"),
            "left": overview.total_growth("left"),
            "change": end - start,
            "rate": percent((end - start) / start) if start else "",
            "groups": overview.total("working_groups"),
            "projects": overview.total("projects_total"),
            "running": overview.total("projects_running"),
            "outside": overview.total("partners_outside"),
            "labels": sum(bool(figures.labels) for figures in overview.rows),
            "inquiries": overview.total("inquiries"),
            "matches": overview.total("matches"),
            "contacts": overview.total("contacts"),
            "answered": overview.total("contacts_answered"),
        }
    )
    return Table(
        "netzwerke",
        _("All networks and clusters"),
        OVERVIEW_COLUMNS,
        rows,
        text=frozenset({"labels"}),
    )


OVERVIEW_TABLES: dict[str, Callable[[Overview], Table]] = {"netzwerke": overview_table}
