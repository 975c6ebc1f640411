"""Issues as editors and subscribers see them: composed from the sources, previewed,
test-sent, sent in batches on a real SMTP server with the unsubscribe headers and both
parts, one-click unsubscribe, bounces and the figures."""

from __future__ import annotations

import datetime
import json
from email import message_from_bytes, policy
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from messaging.choices import Status
from messaging.models import Message, Suppression
from messaging.services import send_due
from newsletter import services, sources
from newsletter.choices import IssueStatus, SubscriberStatus
from newsletter.models import Bounce, Delivery, IssueItem, NewsletterIssue, Subscriber, Topic
from sourcing.models import PostingStatus
from sourcing.tests.postings_factories import PostingFactory

from .helpers import topics

pytestmark = pytest.mark.django_db


def confirmed(email: str, *topic: Topic) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email, status=SubscriberStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    subscriber.topics.set(topic)
    return subscriber


def issue_with_item(*topic: Topic) -> NewsletterIssue:
    issue = NewsletterIssue.objects.create(
        subject="Neues aus dem Cluster", intro="Hallo & willkommen"
    )
    issue.topics.set(topic)
    IssueItem.objects.create(
        issue=issue,
        title="Gesuch: Drehteile",
        summary="5.000 Stück",
        url="https://portal.example/gesuche/1/",
    )
    return issue


def test_filling_from_the_sources_takes_recent_public_postings(admin_client: Client) -> None:
    fresh: Any = PostingFactory(title="Laserschneiden gesucht")
    PostingFactory(title="Alt", published_at=timezone.now() - datetime.timedelta(days=90))
    PostingFactory(title="Noch in Prüfung", status=PostingStatus.PENDING, published_at=None)
    issue = NewsletterIssue.objects.create(subject="Dezember")
    response = admin_client.post(f"/admin/newsletter/newsletterissue/{issue.pk}/fill/")
    assert response.status_code == 302
    items = list(issue.items.all())
    assert [i.title for i in items] == ["Gesuch: Laserschneiden gesucht"]
    assert items[0].url.endswith(f"/gesuche/{fresh.pk}/") and items[0].source == "postings"
    assert items[0].date == timezone.localdate()
    # Filling again adds nothing twice.
    assert services.fill_from_sources(issue) == 0
    # A GET changes nothing (the button posts).
    assert (
        admin_client.get(f"/admin/newsletter/newsletterissue/{issue.pk}/fill/").status_code == 405
    )


def test_a_new_source_is_a_few_lines(monkeypatch: Any, settings: Any) -> None:
    settings.PORTAL_URL = "https://portal.example"
    monkeypatch.setattr(sources, "_sources", dict(sources._sources))
    sources.register(
        "news",
        "Neuigkeiten",
        lambda since, limit: [
            sources.SourceItem("Neue Halle eröffnet", "Kurz gesagt", "/aktuelles/1/", None)
        ],
    )
    issue = NewsletterIssue.objects.create(subject="Dezember")
    assert services.fill_from_sources(issue) == 1
    item = issue.items.get()
    assert (item.source, item.url) == ("news", "https://portal.example/aktuelles/1/")


def test_preview_shows_both_parts_and_a_test_goes_to_the_given_address(
    admin_client: Client, mail_sent_at_once: None
) -> None:
    issue = issue_with_item()
    page = admin_client.get(
        f"/admin/newsletter/newsletterissue/{issue.pk}/preview/"
    ).content.decode()
    assert "HTML-Teil" in page and "Textteil" in page
    assert "Hallo &amp; willkommen" in page  # the intro, escaped
    assert '<a href="https://portal.example/gesuche/1/">Gesuch: Drehteile</a>' in page
    html = admin_client.get(f"/admin/newsletter/newsletterissue/{issue.pk}/preview/html/")
    assert html.content.decode().startswith("<!doctype html>")
    response = admin_client.post(
        f"/admin/newsletter/newsletterissue/{issue.pk}/test/",
        {"address": "redaktion@agentur.example"},
    )
    assert response.status_code == 302
    [test] = mail.outbox
    assert test.to == ["redaktion@agentur.example"] and "Neues aus dem Cluster" in test.subject
    assert "Gesuch: Drehteile" in test.body
    assert not Delivery.objects.exists()  # a test is no delivery
    assert (
        admin_client.post(
            f"/admin/newsletter/newsletterissue/{issue.pk}/test/", {"address": "kein"}
        ).status_code
        == 200
    )


def test_an_issue_reaches_confirmed_subscribers_of_its_topics_on_the_wire(
    admin_client: Client, smtp_server: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.MESSAGING_RATE_PER_MINUTE = 0
    settings.PORTAL_URL = "https://portal.example"
    chosen = topics()
    confirmed("a@beispiel.de", chosen["wasserstoff"])
    confirmed("b@beispiel.de")  # chose no topic: every issue
    confirmed("c@beispiel.de", chosen["mobilitaet"])
    Subscriber.objects.create(email="wartet@beispiel.de")  # never confirmed
    issue = issue_with_item(chosen["wasserstoff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/newsletter/newsletterissue/{issue.pk}/send/")
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "a@beispiel.de",
        "b@beispiel.de",
    ]
    [envelope] = [e for e in smtp_server.envelopes if e.rcpt_tos == ["a@beispiel.de"]]
    parsed: Any = message_from_bytes(envelope.content, policy=policy.default)
    unsubscribe = str(parsed["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<https://portal.example/abmelden/")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Gesuch: Drehteile" in text and "Gesuch: Drehteile" in html
    subscriber = Subscriber.objects.get(email="a@beispiel.de")
    assert f"/newsletter/einstellungen/{subscriber.token}/" in text
    assert f"/newsletter/einstellungen/{subscriber.token}/" in html
    # The one-click POST of RFC 8058 to the header's address unsubscribes at once.
    url = unsubscribe.strip("<>").split(">")[0]
    path = "/" + url.split("/", 3)[3]
    assert Client().get(path).status_code == 200  # GET asks
    assert Subscriber.objects.get(pk=subscriber.pk).status == SubscriberStatus.CONFIRMED
    response = Client().post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_issue == issue
    assert services.figures(issue).unsubscribed == 1
    assert Suppression.objects.filter(address="a@beispiel.de", list_name="newsletter").exists()


def test_issues_are_written_in_batches_and_never_twice(settings: Any) -> None:
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(5):
        confirmed(f"p{n}@beispiel.de")
    issue = issue_with_item()
    NewsletterIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SENDING)
    assert [services.compose_batch(issue) for _ in range(4)] == [2, 2, 1, 0]
    assert NewsletterIssue.objects.get(pk=issue.pk).status == IssueStatus.SENT
    keys = sorted(Message.objects.values_list("key", flat=True))
    assert keys == sorted(f"newsletter:{issue.pk}:{s.pk}" for s in Subscriber.objects.all())
    NewsletterIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SENDING)
    assert services.compose_batch(issue) == 0  # everyone has a delivery already
    assert Message.objects.count() == 5


def bounce(client: Client, body: Any, secret: str = "geheim") -> Any:
    return client.post(
        "/newsletter/bounces/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_bounce_endpoint_needs_the_secret_and_suppresses(settings: Any) -> None:
    client = Client()
    settings.NEWSLETTER_BOUNCE_SECRET = ""
    assert bounce(client, {"address": "a@beispiel.de", "kind": "hard"}).status_code == 404
    settings.NEWSLETTER_BOUNCE_SECRET = "geheim"
    assert bounce(client, {"address": "a@beispiel.de", "kind": "hard"}, "falsch").status_code == 401
    assert (
        client.post("/newsletter/bounces/", "{}", content_type="application/json").status_code
        == 401
    )
    wrong = bounce(client, {"address": "a@beispiel.de", "kind": "weich"})
    assert wrong.status_code == 400 and "'kind'" in wrong.json()["error"]
    assert bounce(client, [{"address": "kein", "kind": "hard"}]).status_code == 400
    assert not Bounce.objects.exists()

    settings.NEWSLETTER_SOFT_BOUNCE_LIMIT = 3
    subscriber = confirmed("a@beispiel.de")
    issue = issue_with_item()
    NewsletterIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SENDING)
    confirmed("b@beispiel.de")
    confirmed("c@beispiel.de")
    services.compose_batch(issue)
    response = bounce(client, {"address": "B@beispiel.de", "kind": "hard", "detail": "550 unknown"})
    assert response.status_code == 200 and response.json() == {"recorded": 1}
    assert Suppression.objects.get(address="b@beispiel.de").list_name == ""  # every mail
    bounce(client, {"address": "c@beispiel.de", "kind": "complaint"})
    assert Suppression.objects.get(address="c@beispiel.de").reason == "complaint"
    assert bounce(client, [{"address": "a@beispiel.de", "kind": "soft"}] * 2).json() == {
        "recorded": 2
    }
    assert not Suppression.objects.filter(address="a@beispiel.de").exists()
    bounce(client, {"address": "a@beispiel.de", "kind": "soft"})
    subscriber.refresh_from_db()
    assert subscriber.soft_bounces == 3
    assert Suppression.objects.get(address="a@beispiel.de").reason == "bounce"
    numbers = services.figures(issue)
    assert (numbers.bounced, numbers.complaints) == (4, 1)


def test_figures_count_what_left_and_what_failed(admin_client: Client, settings: Any) -> None:
    settings.MESSAGING_RATE_PER_MINUTE = 0
    for n in range(3):
        confirmed(f"p{n}@beispiel.de")
    issue = issue_with_item()
    NewsletterIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.SENDING)
    services.compose_batch(issue)
    Suppression.objects.create(
        address="p2@beispiel.de", list_name="newsletter", reason="unsubscribe"
    )
    send_due()
    Message.objects.filter(to="p1@beispiel.de").update(status=Status.FAILED)
    assert len(mail.outbox) == 2
    numbers = services.figures(issue)
    assert (numbers.recipients, numbers.sent, numbers.failed, numbers.suppressed) == (3, 1, 1, 1)
    page = admin_client.get(
        f"/admin/newsletter/newsletterissue/{issue.pk}/change/"
    ).content.decode()
    assert "<dt>gesendet</dt><dd>1</dd>" in page
    assert "<dt>Empfänger</dt><dd>3</dd>" in page
