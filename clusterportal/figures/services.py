"""The agency's figures for a period: requests and offers from publication to an answered
contact, and the expert inquiries per topic, expert and month with their answer times.

They read three apps (``sourcing``, ``messaging``, ``inquiries``), so they live at the top
of the layers, in the project package (docs/development/architecture.md). Everything is
counted by the database: one aggregate or one ``GROUP BY`` per table, a median by two
rows at its offset; no list of cases is loaded into Python. What each figure means is
written for operators in docs/figures.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncMonth
from django.utils import timezone

from core.periods import Period
from inquiries.choices import OPEN_STATUSES
from inquiries.models import Inquiry, InquiryTopic
from messaging.models import Conversation
from sourcing.choices import PostingKind
from sourcing.models import Posting, PostingMatch

# What a relayed conversation about a posting names in ``Conversation.about``
# (``sourcing.contact``: responding to a posting, or writing to a request's matches).
ABOUT_POSTING = "posting:"


# --- Requests and offers -------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """Postings of one kind published in the period, and how far each got. Contacts and
    answers are counted whenever they happened, so the stages describe the same postings."""

    kind: str
    published: int
    matched: int
    contacted: int
    answered: int
    contacts: int
    contacts_answered: int


def _posting_key(pk: Any) -> Concat:
    return Concat(Value(ABOUT_POSTING), Cast(pk, output_field=CharField()))


def published_postings(kind: str, period: Period) -> QuerySet[Posting]:
    """Postings of ``kind`` first published in the period (their status now does not
    matter: a request closed or expired since still counts)."""
    start, end = period.bounds()
    return Posting.objects.filter(kind=kind, published_at__gte=start, published_at__lt=end)


def funnel(kind: str, period: Period) -> Funnel:
    postings = published_postings(kind, period).order_by()
    about_it = Conversation.objects.filter(about=_posting_key(OuterRef("pk")))
    stages = postings.aggregate(
        published=Count("pk"),
        matched=Count("pk", filter=Exists(PostingMatch.objects.filter(posting=OuterRef("pk")))),
        contacted=Count("pk", filter=Exists(about_it)),
        answered=Count("pk", filter=Exists(about_it.filter(first_reply_at__isnull=False))),
    )
    keys = postings.annotate(key=_posting_key("pk")).values("key")
    contacts = Conversation.objects.filter(about__in=keys).aggregate(
        contacts=Count("pk"),
        contacts_answered=Count("pk", filter=Q(first_reply_at__isnull=False)),
    )
    return Funnel(kind=kind, **stages, **contacts)


# --- Inquiries -----------------------------------------------------------------------------


def _first_answer() -> Coalesce:
    """When the asker was first answered: the first reply sent from the inbox, or, for a
    case set to "answered" without one (answered by phone, say), that moment."""
    return Coalesce(F("first_answer_at"), F("answered_at"))


def _answer_time() -> ExpressionWrapper:
    return ExpressionWrapper(F("answer") - F("created"), output_field=DurationField())


def filed_inquiries(period: Period, topic: InquiryTopic | None = None) -> QuerySet[Inquiry]:
    """Inquiries filed in the period (of ``topic``), each with ``answer``: see
    :func:`_first_answer`."""
    start, end = period.bounds()
    cases = Inquiry.objects.filter(created__gte=start, created__lt=end)
    if topic is not None:
        cases = cases.filter(topic=topic)
    return cases.order_by().annotate(answer=_first_answer())


def _counts(now: datetime.datetime) -> dict[str, Any]:
    """The aggregates every inquiry table has, for ``aggregate`` or ``annotate``."""
    answered = Q(answer__isnull=False)
    return {
        "filed": Count("pk"),
        "answered": Count("pk", filter=answered),
        "on_time": Count("pk", filter=answered & Q(answer__lte=F("due_at"))),
        "late": Count("pk", filter=answered & Q(answer__gt=F("due_at"))),
        "overdue": Count(
            "pk",
            filter=Q(answer__isnull=True, status__in=OPEN_STATUSES, due_at__lt=now),
        ),
        "mean_time": Avg(_answer_time(), filter=answered),
    }


@dataclass(frozen=True)
class InquiryRow:
    """One line of an inquiry table (all cases, a topic, an expert, a month)."""

    label: str
    filed: int
    answered: int
    on_time: int
    late: int
    overdue: int
    mean_time: datetime.timedelta | None
    key: Any = None

    @property
    def judged(self) -> int:
        """Cases whose due date can be judged: answered, or open past their due date."""
        return self.on_time + self.late + self.overdue

    @property
    def on_time_share(self) -> float | None:
        """Answered within the due date, of the cases that can be judged (0 to 1)."""
        return self.on_time / self.judged if self.judged else None


def _row(label: str, values: Mapping[str, Any], key: Any = None) -> InquiryRow:
    return InquiryRow(
        label=label,
        filed=values["filed"] or 0,
        answered=values["answered"] or 0,
        on_time=values["on_time"] or 0,
        late=values["late"] or 0,
        overdue=values["overdue"] or 0,
        mean_time=values["mean_time"],
        key=key,
    )


def median_answer_time(cases: QuerySet[Inquiry]) -> datetime.timedelta | None:
    """The median time from filing to the first answer: the middle one or two rows in
    the database's order, read at their offset."""
    times = (
        cases.filter(Q(answer__isnull=False))
        .annotate(duration=_answer_time())
        .order_by("duration", "pk")
        .values_list("duration", flat=True)
    )
    count = times.count()
    if not count:
        return None
    middle = list(times[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, datetime.timedelta()) / len(middle)


@dataclass
class InquiryFigures:
    total: InquiryRow
    median_time: datetime.timedelta | None
    per_topic: list[InquiryRow] = field(default_factory=list)
    per_expert: list[InquiryRow] = field(default_factory=list)
    per_month: list[InquiryRow] = field(default_factory=list)


def inquiry_figures(
    period: Period,
    topic: InquiryTopic | None = None,
    now: datetime.datetime | None = None,
    no_topic: str = "",
    no_expert: str = "",
) -> InquiryFigures:
    """Every inquiry table of the period; ``no_topic`` and ``no_expert`` name the rows of
    cases without one."""
    now = now or timezone.now()
    cases = filed_inquiries(period, topic)
    counts = _counts(now)
    total = _row("", cases.aggregate(**counts))
    per_topic = [
        _row(values["topic__name"] or no_topic, values, values["topic_id"])
        for values in cases.values("topic_id", "topic__name", "topic__order")
        .annotate(**counts)
        .order_by("topic__order", "topic__name")
    ]
    per_expert = [
        _row(values["expert__name"] or no_expert, values, values["expert_id"])
        for values in cases.values("expert_id", "expert__name")
        .annotate(**counts)
        .order_by("expert__name", "expert_id")
    ]
    zone = timezone.get_current_timezone()
    by_month = {
        _month_of(values["month"]): values
        for values in cases.annotate(month=TruncMonth("created", tzinfo=zone))
        .values("month")
        .annotate(**counts)
    }
    empty = dict.fromkeys(counts, 0) | {"mean_time": None}
    per_month = [
        _row(month.strftime("%m/%Y"), by_month.get(month, empty), month)
        for month in period.months()
    ]
    # Cases without a topic or expert sort last, under the name given.
    per_topic.sort(key=lambda row: row.key is None)
    per_expert.sort(key=lambda row: row.key is None)
    return InquiryFigures(
        total=total,
        median_time=median_answer_time(cases),
        per_topic=per_topic,
        per_expert=per_expert,
        per_month=per_month,
    )


def _month_of(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def postings_per_month(kind: str, period: Period) -> dict[datetime.date, int]:
    """Postings of ``kind`` published per month of the period (months without any are
    missing)."""
    zone = timezone.get_current_timezone()
    rows = (
        published_postings(kind, period)
        .order_by()
        .annotate(month=TruncMonth("published_at", tzinfo=zone))
        .values("month")
        .annotate(count=Count("pk"))
    )
    return {_month_of(row["month"]): row["count"] for row in rows}


# --- Everything for the page ---------------------------------------------------------------


@dataclass
class Figures:
    period: Period
    topic: InquiryTopic | None
    funnels: list[Funnel]
    inquiries: InquiryFigures
    postings_per_month: dict[str, dict[datetime.date, int]]


def figures(
    period: Period,
    topic: InquiryTopic | None = None,
    now: datetime.datetime | None = None,
    no_topic: str = "",
    no_expert: str = "",
) -> Figures:
    kinds = [PostingKind.REQUEST, PostingKind.OFFER]
    return Figures(
        period=period,
        topic=topic,
        funnels=[funnel(kind, period) for kind in kinds],
        inquiries=inquiry_figures(period, topic, now, no_topic, no_expert),
        postings_per_month={str(kind): postings_per_month(kind, period) for kind in kinds},
    )
