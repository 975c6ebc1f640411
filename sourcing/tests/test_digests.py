"""The digest of new fitting requests: the opt-in page of an organisation's editors, one
mail per editor and period, nothing when nothing is new, exactly once even when a run
is killed and run again (sourcing.postings.notifications)."""

from __future__ import annotations

import datetime
import email
from email import policy
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.testing import sign_in
from messaging.choices import MailList
from messaging.models import Message
from messaging.services import Subscription, subscription_for_token, unsubscribe_url
from messaging.testing import Inbox
from search.tests.helpers import make_org
from sourcing.models import DigestFrequency, DigestSubscription, PostingMatch
from sourcing.postings import notifications
from sourcing.postings.notifications import period_of, send_digests

from .posting_fixtures import editor, request

pytestmark = pytest.mark.django_db


def digests() -> list[Message]:
    return list(Message.objects.filter(category=MailList.POSTING_DIGEST).order_by("to"))


def subscribe(org: Any, frequency: str = DigestFrequency.DAILY, days_ago: int = 1) -> Any:
    sub = DigestSubscription.objects.create(organisation=org, frequency=frequency)
    DigestSubscription.objects.filter(pk=sub.pk).update(
        created=timezone.now() - datetime.timedelta(days=days_ago)
    )
    sub.refresh_from_db()
    return sub


def matched(req: Any, org: Any, score: float = 0.5, when: Any = None) -> PostingMatch:
    return PostingMatch.objects.create(
        posting=req,
        organisation=org,
        score=score,
        reasons={"words": ["Drehteile"]},
        created=when or timezone.now(),
    )


@pytest.fixture
def scene() -> dict[str, Any]:
    supplier = make_org("Dreherei Gera", description="Drehteile", wz="25.62.0", place="gera")
    buyer = make_org("Pumpenbau Jena", description="Pumpen", wz="28.13.0", place="jena")
    req = request(buyer, "Drehteile aus Edelstahl gesucht", place="jena")
    return {"supplier": supplier, "buyer": buyer, "request": req}


# --- The opt-in page -----------------------------------------------------------------


def test_an_editor_opts_in_and_out_on_the_page(client, scene):
    user = editor(scene["supplier"], "anna@dreherei.example")
    client.force_login(user)
    url = reverse("sourcing:digest-settings", args=[scene["supplier"].slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Dreherei Gera" in page.content.decode()
    response = client.post(url, {"frequency": "daily"})
    assert response.status_code == 302
    assert DigestSubscription.objects.get(organisation=scene["supplier"]).frequency == "daily"
    client.post(url, {"frequency": "off"})
    assert DigestSubscription.objects.get(organisation=scene["supplier"]).frequency == "off"


def test_a_wrong_choice_is_refused_with_a_message(client, scene):
    client.force_login(editor(scene["supplier"], "anna@dreherei.example"))
    url = reverse("sourcing:digest-settings", args=[scene["supplier"].slug])
    response = client.post(url, {"frequency": "hourly"})
    assert response.status_code == 200
    assert "hourly" in response.content.decode()  # Django names the refused choice
    assert not DigestSubscription.objects.exists()


def test_only_editors_and_staff_reach_the_page(client, scene, admin_user):
    url = reverse("sourcing:digest-settings", args=[scene["supplier"].slug])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(editor(scene["buyer"], "bernd@pumpen.example"))
    assert client.get(url).status_code == 404  # another organisation's editor
    assert client.post(url, {"frequency": "daily"}).status_code == 404
    assert not DigestSubscription.objects.exists()
    sign_in(client, admin_user)
    assert client.get(url).status_code == 200
    unknown = reverse("sourcing:digest-settings", args=["gibt-es-nicht"])
    assert client.get(unknown).status_code == 404


# --- Sending -------------------------------------------------------------------------


def test_each_verified_editor_gets_one_digest_of_the_new_requests(scene):
    editor(scene["supplier"], "anna@dreherei.example")
    editor(scene["supplier"], "otto@dreherei.example", verified=False)
    subscribe(scene["supplier"])
    matched(scene["request"], scene["supplier"])
    report = send_digests()
    assert report.organisations == 1
    (mail,) = digests()
    assert mail.to == "anna@dreherei.example"
    assert "Drehteile aus Edelstahl gesucht" in mail.body_text
    assert scene["request"].get_absolute_url() in mail.body_html
    assert "Pumpenbau Jena" in mail.body_text


def test_nothing_new_sends_nothing(scene):
    editor(scene["supplier"], "anna@dreherei.example")
    subscribe(scene["supplier"])
    assert send_digests().organisations == 0
    assert digests() == []


def test_an_organisation_that_opted_out_gets_nothing(scene):
    editor(scene["supplier"], "anna@dreherei.example")
    subscribe(scene["supplier"], DigestFrequency.OFF)
    matched(scene["request"], scene["supplier"])
    send_digests()
    assert digests() == []


def test_a_closed_request_is_not_in_the_digest(scene):
    editor(scene["supplier"], "anna@dreherei.example")
    subscribe(scene["supplier"])
    matched(scene["request"], scene["supplier"])
    scene["request"].status = "closed"
    scene["request"].save()
    send_digests()
    assert digests() == []


def test_once_per_period_and_only_what_is_new_since_the_last(scene):
    editor(scene["supplier"], "anna@dreherei.example")
    subscribe(scene["supplier"], DigestFrequency.DAILY, days_ago=3)
    now = timezone.now()
    matched(scene["request"], scene["supplier"], when=now - datetime.timedelta(hours=1))
    send_digests(now)
    send_digests(now + datetime.timedelta(minutes=5))  # the same day: nothing more
    assert len(digests()) == 1

    later = request(scene["buyer"], "Frästeile aus Aluminium gesucht")
    tomorrow = now + datetime.timedelta(days=1)
    matched(later, scene["supplier"], when=tomorrow - datetime.timedelta(hours=1))
    send_digests(tomorrow)
    _first, second = Message.objects.filter(category=MailList.POSTING_DIGEST).order_by("pk")
    assert "Frästeile" in second.body_text
    assert "Drehteile aus Edelstahl" not in second.body_text


def test_a_weekly_digest_goes_once_a_week():
    monday = timezone.make_aware(datetime.datetime(2026, 11, 30, 8))
    assert period_of("weekly", monday) == period_of("weekly", monday + datetime.timedelta(days=4))
    assert period_of("weekly", monday) != period_of("weekly", monday + datetime.timedelta(days=7))
    assert period_of("daily", monday) != period_of("daily", monday + datetime.timedelta(days=1))


def test_the_poster_does_not_get_its_own_requests(scene):
    editor(scene["buyer"], "bernd@pumpen.example")
    subscribe(scene["buyer"])
    matched(scene["request"], scene["buyer"])
    send_digests()
    assert digests() == []


def test_a_killed_run_sends_each_digest_exactly_once_when_run_again(scene, monkeypatch):
    """Three organisations; the run dies while writing the second one's mails (after
    the first of its two editors). The run again sends what is missing, nothing twice."""
    other = make_org("Drehtechnik Suhl", description="Drehteile", place="ilmenau")
    third = make_org("Feinmechanik Erfurt", description="Drehteile", place="erfurt")
    editor(scene["supplier"], "anna@dreherei.example")
    editor(other, "carl@drehtechnik.example")
    editor(other, "dora@drehtechnik.example")
    editor(third, "emil@feinmechanik.example")
    for org in (scene["supplier"], other, third):
        subscribe(org)
        matched(scene["request"], org)

    real = notifications.enqueue
    calls = {"n": 0}

    def dies_on_the_third_mail(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real(**kwargs)

    monkeypatch.setattr(notifications, "enqueue", dies_on_the_third_mail)
    with pytest.raises(KeyboardInterrupt):
        call_command("send_posting_digests", stdout=StringIO())
    # The first organisation is done, the second left untouched (its one mail rolled back).
    assert [m.to for m in digests()] == ["anna@dreherei.example"]
    assert DigestSubscription.objects.get(organisation=other).last_sent_at is None

    monkeypatch.setattr(notifications, "enqueue", real)
    call_command("send_posting_digests", stdout=StringIO())
    call_command("send_posting_digests", stdout=StringIO())
    assert [m.to for m in digests()] == [
        "anna@dreherei.example",
        "carl@drehtechnik.example",
        "dora@drehtechnik.example",
        "emil@feinmechanik.example",
    ]


def test_the_digest_arrives_over_smtp_with_both_parts_and_unsubscribe_headers(
    scene, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
):
    editor(scene["supplier"], "anna@dreherei.example")
    editor(scene["supplier"], "ben@dreherei.example")
    subscribe(scene["supplier"])
    matched(scene["request"], scene["supplier"])
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "anna@dreherei.example",
        "ben@dreherei.example",
    ]
    for envelope in smtp_server.envelopes:
        (me,) = envelope.rcpt_tos
        other = ({"anna@dreherei.example", "ben@dreherei.example"} - {me}).pop()
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        # The link names this person and this list (the signed token carries a timestamp,
        # so it is read back rather than compared with one made a second later).
        link = message["List-Unsubscribe"].strip().strip("<>")
        assert link.startswith(unsubscribe_url(me, MailList.POSTING_DIGEST).split("/abmelden/")[0])
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert subscription_for_token(token) == Subscription(me, MailList.POSTING_DIGEST)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        plain_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
        assert plain_part is not None and html_part is not None
        text = plain_part.get_content()
        html = html_part.get_content()
        assert "Drehteile aus Edelstahl gesucht" in text
        assert "Drehteile aus Edelstahl gesucht" in html
        raw = envelope.content.decode("utf-8", "replace")
        assert other not in raw  # no other person's address anywhere in the mail


def test_an_editor_who_unsubscribed_gets_no_digest(
    scene, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
):
    from messaging.services import suppress

    editor(scene["supplier"], "anna@dreherei.example")
    editor(scene["supplier"], "ben@dreherei.example")
    suppress("anna@dreherei.example", MailList.POSTING_DIGEST, "unsubscribe")
    subscribe(scene["supplier"])
    matched(scene["request"], scene["supplier"])
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["ben@dreherei.example"]]
