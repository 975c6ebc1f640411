"""Deadline reminders: each follower gets one mail per call and stage, with a link that
ends the follow without signing in; nothing for drafts, far or past deadlines."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from content.funding.models import Follow
from content.funding.reminders import send_reminders, stage_of
from messaging.models import Message

from .factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 3, 1)


def user(email: str) -> Any:
    return get_user_model().objects.create_user(email, email, "Werkbank-Fräse-2026")


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_stages() -> None:
    assert [stage_of(d, [3, 14]) for d in (20, 15, 14, 10, 4, 3, 0, -1)] == [
        None, None, 14, 14, 14, 3, 3, None,
    ]  # fmt: skip


def test_one_mail_per_follower_call_and_stage(settings: Any) -> None:
    settings.FUNDING_REMINDER_DAYS = [14, 3]
    programme = ProgrammeFactory.create(name="Digitalbonus", continuous=False)
    call = CallFactory.create(programme=programme, closes=days(14), title="Aufruf 2027")
    ina, tom = user("ina@firma.example"), user("tom@firma.example")
    Follow.objects.create(user=ina, programme=programme)
    Follow.objects.create(user=tom, programme=programme)

    assert send_reminders(TODAY).written == 2
    assert send_reminders(TODAY).written == 0  # run again: nothing new
    assert send_reminders(days(1)).written == 0  # same stage next day
    assert send_reminders(days(11)).written == 2  # 3 days left: the second stage
    assert send_reminders(days(12)).written == 0
    assert Message.objects.filter(category="funding-reminders").count() == 4
    assert sorted(Message.objects.values_list("to", flat=True)) == [
        "ina@firma.example", "ina@firma.example", "tom@firma.example", "tom@firma.example",
    ]  # fmt: skip

    call.closes = days(40)  # the deadline moved: a new reminder is due when it comes near
    call.save()
    assert send_reminders(days(30)).written == 2


def test_the_mail_names_the_deadline_and_links_to_unfollow(settings: Any, client: Client) -> None:
    settings.FUNDING_REMINDER_DAYS = [14, 3]
    programme = ProgrammeFactory.create(name="Digitalbonus", slug="digitalbonus", continuous=False)
    CallFactory.create(programme=programme, closes=days(3))
    Follow.objects.create(user=user("ina@firma.example"), programme=programme)

    call_command("send_funding_reminders")  # today: nothing is due
    assert not Message.objects.exists()
    send_reminders(TODAY)

    message = Message.objects.get()
    assert message.subject.endswith("Frist 04.03.2027: Digitalbonus")
    assert "endet in 3 Tagen: 04.03.2027" in message.body_text
    assert "/foerderprogramme/digitalbonus/" in message.body_text
    link = next(word for word in message.body_text.split() if "/nicht-mehr-folgen/" in word)
    path = link[link.index("/foerderprogramme/") :]
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert "Die Erinnerungen zu „Digitalbonus“ beenden?" in page.content.decode()
    assert Follow.objects.exists()  # a GET (a link scanner) changes nothing
    done = client.post(path, HTTP_ACCEPT_LANGUAGE="de")
    assert "Erledigt" in done.content.decode()
    assert not Follow.objects.exists()
    assert client.get(path[:-5] + "xxxx/").status_code == 400


def test_no_reminder_for_drafts_far_or_past_deadlines_or_inactive_users(settings: Any) -> None:
    settings.FUNDING_REMINDER_DAYS = [14, 3]
    ina = user("ina@firma.example")
    gone = user("gone@firma.example")
    gone.is_active = False
    gone.save()
    for closes, status in ((days(30), "published"), (days(-1), "published"), (days(5), "draft")):
        programme = ProgrammeFactory.create(continuous=False, status=status)
        CallFactory.create(programme=programme, closes=closes)
        Follow.objects.create(user=ina, programme=programme)
    due = ProgrammeFactory.create(continuous=False)
    CallFactory.create(programme=due, closes=days(5))
    Follow.objects.create(user=gone, programme=due)

    assert send_reminders(TODAY).written == 0
    assert not Message.objects.exists()
