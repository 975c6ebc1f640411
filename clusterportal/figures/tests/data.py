"""A small agency's period, built from specs, for the figures tests: the tests derive
what they expect from these specs, never from the figures' own code."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

from django.utils import timezone

from directory.tests.factories import OrganisationFactory
from inquiries.choices import InquiryStatus
from inquiries.models import Expert, Inquiry, InquiryTopic
from messaging import relay
from sourcing.models import Posting, PostingMatch
from sourcing.tests.postings_factories import PostingFactory

_numbers = itertools.count(1)


@dataclass(frozen=True)
class Case:
    """An inquiry: filed ``days_ago`` at ``hour`` local time, due ``due_hours`` later,
    answered ``answer_hours`` after filing (None: not yet) by a reply (``by_reply``) or by
    setting the status; ``last_answer_hours``: a later reply."""

    days_ago: int
    topic: str | None
    expert: str | None
    due_hours: float
    answer_hours: float | None = None
    by_reply: bool = True
    status: str = ""
    hour: int = 10
    last_answer_hours: float | None = None


@dataclass(frozen=True)
class Post:
    """A posting published ``days_ago`` (None: never published), with ``matches`` stored
    matches and one relayed conversation per entry of ``contacts`` (True: answered)."""

    kind: str
    days_ago: int | None
    matches: int = 0
    contacts: tuple[bool, ...] = ()


@dataclass
class Built:
    today: datetime.date
    now: datetime.datetime
    topics: dict[str, InquiryTopic] = field(default_factory=dict)
    experts: dict[str, Expert] = field(default_factory=dict)
    cases: list[tuple[Case, Inquiry]] = field(default_factory=list)


def local(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def filed_at(case: Case, today: datetime.date) -> datetime.datetime:
    return local(today - datetime.timedelta(days=case.days_ago), case.hour)


def hours(value: float) -> datetime.timedelta:
    return datetime.timedelta(hours=value)


def make_topics_and_experts(built: Built, topics: list[str], experts: list[str]) -> None:
    for order, name in enumerate(topics):
        built.topics[name] = InquiryTopic.objects.create(
            name=name, slug=f"thema-{order}", order=order
        )
    for name in experts:
        built.experts[name] = Expert.objects.create(
            name=name, email=f"{name.split()[0].lower()}@agentur.example"
        )


def make_case(built: Built, case: Case) -> Inquiry:
    created = filed_at(case, built.today).astimezone(datetime.UTC)  # hours are real hours
    answer = None if case.answer_hours is None else created + hours(case.answer_hours)
    last = answer if case.last_answer_hours is None else created + hours(case.last_answer_hours)
    status = case.status or (InquiryStatus.ANSWERED if answer else InquiryStatus.ASSIGNED)
    number = next(_numbers)
    inquiry = Inquiry.objects.create(
        reference=f"A-T-{number:05d}",
        name="Eva Fragend",
        email="eva@firma.example",
        message="Welche Förderung gibt es?",
        consent_at=created,
        consent_version="1",
        topic=built.topics.get(case.topic or ""),
        expert=built.experts.get(case.expert or ""),
        status=status,
        due_at=created + hours(case.due_hours),
        first_answer_at=answer if case.by_reply else None,
        answered_at=last,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(created=created)  # auto_now_add
    inquiry.refresh_from_db()
    built.cases.append((case, inquiry))
    return inquiry


def make_post(built: Built, post: Post) -> Posting:
    published = (
        None
        if post.days_ago is None
        else local(built.today - datetime.timedelta(days=post.days_ago), 9)
    )
    posting: Posting = PostingFactory.create(
        kind=post.kind,
        published_at=published,
        status="published" if published else "pending",
    )
    for _index in range(post.matches):
        PostingMatch.objects.create(
            posting=posting, organisation=OrganisationFactory.create(), score=0.5
        )
    for index, answered in enumerate(post.contacts):
        sender = relay.Party(
            key=f"visitor:{posting.pk}-{index}", name="Max Anbieter", address="max@firma.example"
        )
        recipient = relay.Party(
            key=f"organisation:{posting.organisation_id}",
            name=posting.organisation.name,
            address="info@firma.example",
        )
        conversation = relay.start_conversation(
            about=f"posting:{posting.pk}",
            about_title=posting.title,
            about_url="",
            subject=f"Zu: {posting.title}",
            sender=sender,
            recipient=recipient,
            body="Wir können liefern.",
        )
        if answered:
            participant = conversation.participants.get(side="recipient")
            relay.reply(conversation, participant, "Gern, rufen Sie an.")
    return posting
