"""Expiry: the scheduled command expires postings on the day and reminds posters once."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from directory.tests.factories import OrganisationFactory
from messaging.models import Message
from sourcing.models import PostingStatus
from sourcing.postings import services
from sourcing.postings.listing import PostingFilter, list_postings

from .postings_factories import PostingFactory, editor_of

pytestmark = pytest.mark.django_db


def in_days(n: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=n)


def test_expire_and_remind_once(
    mail_sent_at_once: None, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = OrganisationFactory.create()
    editor = editor_of(organisation)
    past = PostingFactory.create(organisation=organisation, title="Gestern", expires_on=in_days(-1))
    today = PostingFactory.create(organisation=organisation, title="Heute", expires_on=in_days(0))
    soon = PostingFactory.create(
        organisation=organisation, created_by=editor, title="Bald", expires_on=in_days(7)
    )
    later = PostingFactory.create(organisation=organisation, title="Später", expires_on=in_days(8))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_postings", stdout=out)
    assert "1 postings expired, 2 posters reminded" in out.getvalue()
    for posting, status in ((past, "expired"), (today, "published"), (soon, "published")):
        posting.refresh_from_db()
        assert posting.status == status
    assert {p.title for p in list_postings(PostingFilter()).postings} == {"Heute", "Bald", "Später"}
    reminders = [m for m in mail.outbox if editor.email in m.to]
    # "Heute" (its creator unknown: the editors) and "Bald"; not "Später".
    titles = sorted(t for m in reminders for t in ("Bald", "Heute", "Später") if t in m.subject)
    assert titles == ["Bald", "Heute"]
    bald = next(m for m in reminders if "Bald" in m.subject)
    assert f"/gesuche/{soon.pk}/bearbeiten/" in bald.body
    assert "List-Unsubscribe" in bald.extra_headers
    # A second run (or an interrupted one run again) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_postings", stdout=StringIO())
    assert len([m for m in mail.outbox if editor.email in m.to]) == 2
    assert Message.objects.filter(key__startswith=f"posting-reminder:{soon.pk}:").count() == 1
    later.refresh_from_db()
    assert later.reminded_at is None


def test_a_reminder_lost_before_its_mark_is_not_sent_twice(mail_sent_at_once: None) -> None:
    """An interrupted run: the mail was queued, the reminder mark not kept; the outbox key
    makes the rerun's mail the same message."""
    organisation = OrganisationFactory.create()
    editor = editor_of(organisation)
    soon = PostingFactory.create(
        organisation=organisation, created_by=editor, expires_on=in_days(3)
    )
    services.expire_postings()
    type(soon).objects.filter(pk=soon.pk).update(reminded_at=None)
    services.expire_postings()
    assert Message.objects.filter(key__startswith=f"posting-reminder:{soon.pk}:").count() == 1


def test_extending_after_a_reminder_allows_the_next_one(mail_sent_at_once: None) -> None:
    organisation = OrganisationFactory.create()
    editor = editor_of(organisation)
    soon = PostingFactory.create(
        organisation=organisation, created_by=editor, expires_on=in_days(2)
    )
    services.expire_postings()
    services.extend_posting(editor, soon, 5)
    soon.refresh_from_db()
    assert soon.reminded_at is None and soon.expires_on == in_days(5)
    services.expire_postings()
    assert Message.objects.filter(key__startswith=f"posting-reminder:{soon.pk}:").count() == 2


def test_the_command_refuses_a_bad_date() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date"):
        call_command("expire_postings", "--date", "gestern")


def test_the_task_runs_the_same() -> None:
    from sourcing.postings.tasks import expire_postings

    PostingFactory.create(expires_on=in_days(-3))
    result = expire_postings.call()
    assert result.startswith("1 postings expired")
    assert PostingFactory._meta.model.objects.get().status == PostingStatus.EXPIRED
