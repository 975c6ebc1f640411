"""The figures of a small built period: every expected number is derived here from the
specs the test builds, with plain Python, not read from the figures' code."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from typing import Any

import pytest
from django.utils import timezone

from clusterportal.figures import services
from clusterportal.figures.services import Period
from inquiries.choices import OPEN_STATUSES, InquiryStatus
from messaging import relay

from .data import Built, Case, Post, filed_at, local, make_case, make_post, make_topics_and_experts

pytestmark = pytest.mark.django_db

NO_TOPIC = "ohne Thema"
NO_EXPERT = "niemand"

CASES = [
    Case(80, "Förderung", "Anna Förder", due_hours=48, answer_hours=20),
    Case(70, "Förderung", "Anna Förder", due_hours=48, answer_hours=60),
    Case(65, "Fachkräfte", "Bernd Lead", due_hours=24, answer_hours=10, by_reply=False),
    Case(50, "Fachkräfte", None, due_hours=24),
    Case(40, None, "Bernd Lead", due_hours=96, status=InquiryStatus.FORWARDED),
    Case(30, "Förderung", "Bernd Lead", due_hours=48, answer_hours=47.5, last_answer_hours=200),
    Case(10, "Fachkräfte", "Anna Förder", due_hours=24, answer_hours=100),
    Case(3, "Förderung", None, due_hours=24 * 30, status=InquiryStatus.NEW),
    Case(120, "Förderung", "Anna Förder", due_hours=10, answer_hours=5),  # before the period
    Case(0, "Fachkräfte", "Anna Förder", due_hours=24, answer_hours=1, hour=0),
]
POSTS = [
    Post("request", 10, matches=2, contacts=(True, False)),
    Post("request", 20, matches=1, contacts=(False,)),
    Post("request", 30),
    Post("request", 5, matches=3),
    Post("request", 200, matches=1, contacts=(True,)),  # before the period
    Post("request", None, matches=1),  # never published
    Post("offer", 15, matches=1, contacts=(True,)),
    Post("offer", 40, contacts=(False, False)),
]


@pytest.fixture
def built(db: Any) -> Built:
    today = timezone.localdate()
    built = Built(today=today, now=local(today, 12))
    make_topics_and_experts(built, ["Förderung", "Fachkräfte"], ["Anna Förder", "Bernd Lead"])
    for case in CASES:
        make_case(built, case)
    built.posts = [(post, make_post(built, post)) for post in POSTS]  # type: ignore[attr-defined]
    # A conversation about an organisation, not a posting, is no posting's contact.
    relay.start_conversation(
        about="organisation:1",
        about_title="Firma",
        about_url="",
        subject="Hallo",
        sender=relay.Party("visitor:x", "X", "x@firma.example"),
        recipient=relay.Party("organisation:1", "Firma", "info@firma.example"),
        body="Hallo",
    )
    return built


def period_of(built: Built) -> Period:
    return Period(built.today - datetime.timedelta(days=90), built.today)


def inside(built: Built, period: Period) -> list[Case]:
    start, end = period.bounds()
    return [case for case in CASES if start <= filed_at(case, built.today) < end]


def is_overdue(case: Case, built: Built) -> bool:
    due = filed_at(case, built.today) + datetime.timedelta(hours=case.due_hours)
    open_ = (case.status or InquiryStatus.ASSIGNED) in OPEN_STATUSES
    return case.answer_hours is None and open_ and due < built.now


def expected_counts(cases: list[Case], built: Built) -> dict[str, Any]:
    answered = [case for case in cases if case.answer_hours is not None]
    hours = [case.answer_hours for case in answered if case.answer_hours is not None]
    on_time = [case for case in answered if (case.answer_hours or 0) <= case.due_hours]
    return {
        "filed": len(cases),
        "answered": len(answered),
        "on_time": len(on_time),
        "late": len(answered) - len(on_time),
        "overdue": sum(is_overdue(case, built) for case in cases),
        "mean_hours": statistics.mean(hours) if hours else None,
    }


def counts_of(row: services.InquiryRow) -> dict[str, Any]:
    return {
        "filed": row.filed,
        "answered": row.answered,
        "on_time": row.on_time,
        "late": row.late,
        "overdue": row.overdue,
        "mean_hours": None if row.mean_time is None else row.mean_time.total_seconds() / 3600,
    }


def assert_counts(row: services.InquiryRow, expected: dict[str, Any]) -> None:
    actual = counts_of(row)
    assert actual["mean_hours"] == pytest.approx(expected["mean_hours"])
    assert {k: v for k, v in actual.items() if k != "mean_hours"} == {
        k: v for k, v in expected.items() if k != "mean_hours"
    }


def test_inquiries_of_the_period_with_their_answer_times(built: Built) -> None:
    period = period_of(built)
    cases = inside(built, period)
    figures = services.inquiry_figures(period, now=built.now)

    expected = expected_counts(cases, built)
    assert_counts(figures.total, expected)
    answered_hours = [case.answer_hours for case in cases if case.answer_hours is not None]
    assert figures.median_time is not None
    assert figures.median_time.total_seconds() / 3600 == pytest.approx(
        statistics.median(answered_hours)
    )
    share = expected["on_time"] / (expected["on_time"] + expected["late"] + expected["overdue"])
    assert figures.total.on_time_share == pytest.approx(share)


def test_inquiries_per_topic_expert_and_month(built: Built) -> None:
    period = period_of(built)
    cases = inside(built, period)
    figures = services.inquiry_figures(
        period, now=built.now, no_topic=NO_TOPIC, no_expert=NO_EXPERT
    )

    by_topic: dict[str, list[Case]] = defaultdict(list)
    by_expert: dict[str, list[Case]] = defaultdict(list)
    by_month: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_topic[case.topic or NO_TOPIC].append(case)
        by_expert[case.expert or NO_EXPERT].append(case)
        by_month[filed_at(case, built.today).strftime("%m/%Y")].append(case)

    assert {row.label for row in figures.per_topic} == set(by_topic)
    for row in figures.per_topic:
        assert_counts(row, expected_counts(by_topic[row.label], built))
    assert figures.per_topic[-1].label == NO_TOPIC  # cases without a topic come last
    assert {row.label for row in figures.per_expert} == set(by_expert)
    for row in figures.per_expert:
        assert_counts(row, expected_counts(by_expert[row.label], built))

    # Every month of the period is a row, the empty ones too, in order.
    months = [row.label for row in figures.per_month]
    assert months[0] == period.start.strftime("%m/%Y")
    assert months[-1] == period.end.strftime("%m/%Y")
    assert len(months) == len(set(months))
    for row in figures.per_month:
        assert_counts(row, expected_counts(by_month.get(row.label, []), built))


def test_a_topic_filter_counts_that_topic_only(built: Built) -> None:
    period = period_of(built)
    topic = built.topics["Fachkräfte"]
    figures = services.inquiry_figures(period, topic=topic, now=built.now)
    cases = [case for case in inside(built, period) if case.topic == "Fachkräfte"]
    assert_counts(figures.total, expected_counts(cases, built))
    assert [row.label for row in figures.per_topic] == ["Fachkräfte"]


def test_the_period_ends_with_its_last_day(built: Built) -> None:
    # Yesterday as the last day leaves out today's case filed just after midnight.
    yesterday = built.today - datetime.timedelta(days=1)
    period = Period(built.today - datetime.timedelta(days=90), yesterday)
    figures = services.inquiry_figures(period, now=built.now)
    start, end = period.bounds()
    expected = [case for case in CASES if start <= filed_at(case, built.today) < end]
    assert figures.total.filed == len(expected)
    assert len(expected) == len(inside(built, period_of(built))) - 1


def test_requests_and_offers_from_publication_to_an_answered_contact(built: Built) -> None:
    period = period_of(built)
    for kind in ("request", "offer"):
        posts = [
            post
            for post in POSTS
            if post.kind == kind and post.days_ago is not None and post.days_ago <= 90
        ]
        funnel = services.funnel(kind, period)
        assert funnel.published == len(posts)
        assert funnel.matched == sum(post.matches > 0 for post in posts)
        assert funnel.contacted == sum(bool(post.contacts) for post in posts)
        assert funnel.answered == sum(any(post.contacts) for post in posts)
        assert funnel.contacts == sum(len(post.contacts) for post in posts)
        assert funnel.contacts_answered == sum(sum(post.contacts) for post in posts)
        # Contacts need no stored match (a visitor responds from the list), so the
        # stages narrow from the published ones and from contacted to answered only.
        assert funnel.published >= max(funnel.matched, funnel.contacted)
        assert funnel.contacted >= funnel.answered


def test_postings_per_month(built: Built) -> None:
    period = period_of(built)
    counts = services.postings_per_month("request", period)
    expected: dict[datetime.date, int] = defaultdict(int)
    for post in POSTS:
        if post.kind == "request" and post.days_ago is not None and post.days_ago <= 90:
            day = built.today - datetime.timedelta(days=post.days_ago)
            expected[day.replace(day=1)] += 1
    assert counts == dict(expected)


def test_answers_written_by_the_inbox_are_counted(db: Any, django_user_model: Any) -> None:
    """The inbox's own write paths: a reply and a status set to "answered" both count."""
    from inquiries import services as inquiry_services

    today = timezone.localdate()
    built = Built(today=today, now=timezone.now())
    make_topics_and_experts(built, ["Förderung"], [])
    replied = make_case(built, Case(0, "Förderung", None, due_hours=24, hour=0))
    marked = make_case(built, Case(0, "Förderung", None, due_hours=24, hour=0))
    make_case(built, Case(0, "Förderung", None, due_hours=24, hour=0))
    staff = django_user_model.objects.create_user("s", "s@agentur.example", "x" * 16)
    inquiry_services.send_reply(replied, "Die Antwort.", staff)
    inquiry_services.change_status(marked, InquiryStatus.ANSWERED, staff)

    figures = services.inquiry_figures(Period(today, today))
    assert figures.total.filed == 3
    assert figures.total.answered == 2
