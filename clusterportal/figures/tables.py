"""The figures as tables: the same columns and cells on the page and in its CSV files, so
that a download shows what the page showed. Numbers with decimals are written the way
the reader's language writes them (German: a comma), as German Excel expects."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.exports import Column, Table

from .services import Figures, Funnel, InquiryRow


def hours(value: datetime.timedelta | None) -> str:
    """A duration in hours with one decimal; empty when there is none."""
    if value is None:
        return ""
    return number_format(value.total_seconds() / 3600, 1)


def days(value: datetime.timedelta | None) -> str:
    if value is None:
        return ""
    return number_format(value.total_seconds() / 86400, 1)


def percent(share: float | None) -> str:
    return "" if share is None else number_format(share * 100, 1)


STAGES: list[tuple[str, str | Promise]] = [
    ("published", _("Published in the period")),
    ("matched", _("With a match")),
    ("contacted", _("With a contact")),
    ("answered", _("With an answered contact")),
]
CONTACTS: list[tuple[str, str | Promise]] = [
    ("contacts", _("Contacts (conversations) about them")),
    ("contacts_answered", _("of which answered")),
]


def funnel_table(funnels: list[Funnel]) -> Table:
    by_kind = {funnel.kind: funnel for funnel in funnels}
    rows = [
        {
            "stage": label,
            "request": getattr(by_kind["request"], key),
            "offer": getattr(by_kind["offer"], key),
        }
        for key, label in [*STAGES, *CONTACTS]
    ]
    return Table(
        "trichter",
        _("Requests and offers"),
        [
            Column("stage", _("Stage")),
            Column("request", _("Requests")),
            Column("offer", _("Offers")),
        ],
        rows,
    )


def _inquiry_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("filed", _("Inquiries filed")),
        Column("answered", _("Answered")),
        Column("on_time", _("Answered within the due date")),
        Column("late", _("Answered after the due date")),
        Column("overdue", _("Open and overdue")),
        Column("share", _("Share answered within the due date (%)")),
        Column("mean_hours", _("Mean time to the first answer (hours)")),
    ]


def _inquiry_cells(row: InquiryRow) -> dict[str, Any]:
    return {
        "filed": row.filed,
        "answered": row.answered,
        "on_time": row.on_time,
        "late": row.late,
        "overdue": row.overdue,
        "share": percent(row.on_time_share),
        "mean_hours": hours(row.mean_time),
    }


def _grouped(
    slug: str, title: str | Promise, first: Column, groups: list[InquiryRow], total: InquiryRow
) -> Table:
    rows = [{first.key: group.label, **_inquiry_cells(group)} for group in groups]
    rows.append({first.key: str(_("Total")), **_inquiry_cells(total)})
    return Table(slug, title, _inquiry_columns(first), rows)


def overview_table(figures: Figures) -> Table:
    total = figures.inquiries.total
    median = figures.inquiries.median_time
    items: list[tuple[str | Promise, Any]] = [
        (_("Inquiries filed"), total.filed),
        (_("Answered"), total.answered),
        (_("Median time to the first answer (hours)"), hours(median)),
        (_("Median time to the first answer (days)"), days(median)),
        (_("Mean time to the first answer (hours)"), hours(total.mean_time)),
        (_("Mean time to the first answer (days)"), days(total.mean_time)),
        (_("Answered within the due date"), total.on_time),
        (_("Answered after the due date"), total.late),
        (_("Open and overdue"), total.overdue),
        (_("Share answered within the due date (%)"), percent(total.on_time_share)),
    ]
    return Table(
        "uebersicht",
        _("Inquiries at a glance"),
        [Column("figure", _("Figure")), Column("value", _("Value"))],
        [{"figure": label, "value": value} for label, value in items],
    )


def month_table(figures: Figures) -> Table:
    requests = figures.postings_per_month["request"]
    offers = figures.postings_per_month["offer"]
    rows = [
        {
            "month": row.label,
            "filed": row.filed,
            "answered": row.answered,
            "share": percent(row.on_time_share),
            "requests": requests.get(row.key, 0),
            "offers": offers.get(row.key, 0),
        }
        for row in figures.inquiries.per_month
    ]
    return Table(
        "monate",
        _("Per month"),
        [
            Column("month", _("Month")),
            Column("filed", _("Inquiries filed")),
            Column("answered", _("Answered")),
            Column("share", _("Share answered within the due date (%)")),
            Column("requests", _("Requests published")),
            Column("offers", _("Offers published")),
        ],
        rows,
    )


def topic_table(figures: Figures) -> Table:
    return _grouped(
        "themen",
        _("Inquiries per topic"),
        Column("topic", _("Topic")),
        figures.inquiries.per_topic,
        figures.inquiries.total,
    )


def expert_table(figures: Figures) -> Table:
    return _grouped(
        "experten",
        _("Inquiries per expert"),
        Column("expert", _("Expert")),
        figures.inquiries.per_expert,
        figures.inquiries.total,
    )


BUILDERS = {
    "uebersicht": overview_table,
    "trichter": lambda figures: funnel_table(figures.funnels),
    "monate": month_table,
    "themen": topic_table,
    "experten": expert_table,
}


def tables(figures: Figures) -> dict[str, Table]:
    return {slug: build(figures) for slug, build in BUILDERS.items()}
