"""Deadline reminders for those who follow a programme (``manage.py
send_funding_reminders``, daily).

A call closing in ``d`` days is in the stage of the smallest ``FUNDING_REMINDER_DAYS``
value ``N`` with ``d <= N``; each follower gets one mail per call and stage (the outbox
key ``funding-reminder:<call>:<closes>:<N>:<follow>``), also when a daily run was missed
or a run is repeated. A follower who started following inside the last stage gets that
stage's mail only. Moving a call's deadline makes a new reminder due.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from messaging import services as outbox
from messaging.choices import MailList
from messaging.models import Message

from .models import Call, Follow

UNFOLLOW_SALT = "content.funding.unfollow"


def unfollow_url(follow: Follow) -> str:
    token = signing.dumps(follow.pk, salt=UNFOLLOW_SALT)
    return settings.PORTAL_URL.rstrip("/") + reverse(
        "content:funding-unfollow-link", kwargs={"token": token}
    )


def stage_of(days_left: int, stages: list[int]) -> int | None:
    """The reminder stage of a deadline ``days_left`` days away, or None (too far, past)."""
    if days_left < 0:
        return None
    within = [stage for stage in stages if days_left <= stage]
    return min(within) if within else None


@dataclass
class ReminderRun:
    calls: int = 0
    written: int = 0


def send_reminders(today: datetime.date | None = None) -> ReminderRun:
    """Write the reminders that are due into the outbox (each call in its own transaction)."""
    today = today or timezone.localdate()
    stages = sorted({int(s) for s in settings.FUNDING_REMINDER_DAYS if int(s) >= 0})
    run = ReminderRun()
    if not stages:
        return run
    horizon = today + datetime.timedelta(days=max(stages))
    calls = (
        Call.objects.filter(closes__gte=today, closes__lte=horizon, programme__status="published")
        .select_related("programme")
        .order_by("closes", "pk")
    )
    for call in calls:
        stage = stage_of((call.closes - today).days, stages)
        if stage is None:
            continue
        run.calls += 1
        follows = Follow.objects.filter(programme=call.programme).select_related("user")
        with transaction.atomic():
            for follow in follows:
                if _remind(follow, call, stage, today):
                    run.written += 1
    return run


def _remind(follow: Follow, call: Call, stage: int, today: datetime.date) -> bool:
    address = follow.user.email
    if not address or not follow.user.is_active:
        return False
    key = f"funding-reminder:{call.pk}:{call.closes.isoformat()}:{stage}:{follow.pk}"
    if Message.objects.filter(key=key).exists():
        return False
    programme = call.programme
    with override(settings.LANGUAGE_CODE):
        days_left = (call.closes - today).days
        outbox.enqueue(
            to=address,
            subject=_("Deadline %(date)s: %(programme)s")
            % {
                "date": formats.date_format(call.closes, "SHORT_DATE_FORMAT"),
                "programme": programme.name,
            },
            template="content/funding/email/reminder",
            context={
                "programme": programme,
                "call": call,
                "days_left": days_left,
                "programme_url": settings.PORTAL_URL.rstrip("/") + programme.get_absolute_url(),
                "unfollow_url": unfollow_url(follow),
            },
            key=key,
            category=MailList.FUNDING_REMINDERS,
        )
    return True
