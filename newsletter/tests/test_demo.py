"""``generate_demo_newsletter``: topics to choose on the subscription page and a draft
issue from the demo content that says it is a demo; nothing is sent, nobody subscribed."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from messaging.models import Message
from newsletter.choices import IssueStatus
from newsletter.models import NewsletterIssue, Subscriber, Topic
from sourcing.tests.postings_factories import PostingFactory

pytestmark = pytest.mark.django_db


def test_the_demo_offers_topics_and_a_draft_issue_marked_as_demo(client: Client) -> None:
    PostingFactory.create(title="Laserschneiden gesucht")

    call_command("generate_demo_newsletter", "--if-empty")

    page = client.get("/newsletter/").content.decode()
    for topic in Topic.objects.all():
        assert topic.name in page
    assert Topic.objects.count() == 4
    issue = NewsletterIssue.objects.get()
    assert issue.status == IssueStatus.DRAFT
    assert "(Demo)" in issue.subject
    assert [item.title for item in issue.items.all()] == ["Gesuch: Laserschneiden gesucht"]
    assert not Subscriber.objects.exists() and not Message.objects.exists()

    call_command("generate_demo_newsletter", "--if-empty")
    assert NewsletterIssue.objects.count() == 1 and Topic.objects.count() == 4
