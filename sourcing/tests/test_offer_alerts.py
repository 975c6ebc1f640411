"""Offer alerts: when an offer is published that fits an open request, the request's
editors and its creator learn of it: once per (request, offer), at most one mail per
request and day, several offers collected in it (sourcing.postings.notifications)."""

from __future__ import annotations

import datetime
import email
from email import policy
from typing import Any

import pytest
from django.utils import timezone

from messaging.choices import MailList
from messaging.models import Message
from messaging.services import Subscription, subscription_for_token, unsubscribe_url
from messaging.testing import Inbox
from search import vectors
from search.tests.helpers import index_all
from sourcing.postings import matching
from sourcing.postings.matching import store_matches
from sourcing.postings.notifications import OFFER_ALERT_MIN_SCORE, send_offer_alerts

from .posting_fixtures import editor, firms, offer, request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    matching.forget()
    yield
    matching.forget()


@pytest.fixture
def scene() -> dict[str, Any]:
    orgs = firms()
    index_all()
    vectors.wait()
    creator = editor(orgs["buyer"], "bernd@pumpen.example")
    editor(orgs["buyer"], "clara@pumpen.example")
    editor(orgs["buyer"], "nie@pumpen.example", verified=False)
    party_editor = editor(orgs["host"], "hanna@hotel.example")
    return {
        "orgs": orgs,
        "turned_parts": request(
            orgs["buyer"],
            "Drehteile aus Edelstahl gesucht",
            "Wir suchen einen Lieferanten für gedrehte Wellen und Buchsen aus Edelstahl.",
            wz=("25.62.0",),
            place="jena",
            created_by=creator,
        ),
        "party": request(
            orgs["host"],
            "Partyservice für Sommerfest",
            "Buffet und Getränke für 120 Gäste bei unserem Sommerfest im Juli.",
            category="service",
            wz=("56.21.0",),
            created_by=party_editor,
        ),
    }


def alerts() -> list[Message]:
    return list(Message.objects.filter(category=MailList.OFFER_ALERTS).order_by("pk"))


def cnc_offer(orgs: dict[str, Any], title: str = "Freie Kapazität CNC-Drehen") -> Any:
    return offer(
        orgs["turner"],
        title,
        "CNC-Drehmaschinen frei: Drehteile aus Stahl, Edelstahl und Messing in Serie.",
        category="capacity",
        wz=("25.62.0",),
        place="gera",
    )


def test_a_fitting_offer_alerts_the_requests_verified_editors_only(scene):
    cnc = cnc_offer(scene["orgs"])
    store_matches(cnc.pk)  # what publication runs in the background
    send_offer_alerts()
    mails = alerts()
    assert sorted(m.to for m in mails) == ["bernd@pumpen.example", "clara@pumpen.example"]
    for mail in mails:
        assert "Freie Kapazität CNC-Drehen" in mail.body_text
        assert "Drehteile aus Edelstahl gesucht" in mail.subject
        assert cnc.get_absolute_url() in mail.body_html
    # The caterers' request does not fit a turning offer: no mail to the hotel.
    assert not Message.objects.filter(to="hanna@hotel.example").exists()


def test_an_unrelated_offer_alerts_nobody_about_turned_parts(scene):
    catering = offer(
        scene["orgs"]["caterer"],
        "Catering für Ihre Betriebsfeier",
        "Wir liefern Buffets, Fingerfood und Getränke für Feiern und Tagungen.",
        category="service",
        wz=("56.21.0",),
    )
    store_matches(catering.pk)
    send_offer_alerts()
    assert {m.to for m in alerts()} == {"hanna@hotel.example"}  # only the party request


def test_a_pair_is_alerted_once(scene):
    cnc = cnc_offer(scene["orgs"])
    store_matches(cnc.pk)
    send_offer_alerts()
    store_matches(cnc.pk)  # published again, edited: no second alert
    store_matches(scene["turned_parts"].pk)  # the request's own matches recomputed
    send_offer_alerts(timezone.now() + datetime.timedelta(days=2))
    assert len(alerts()) == 2  # one per recipient, once


def test_at_most_one_mail_per_request_and_day_collecting_the_offers(scene):
    now = timezone.now()
    first = cnc_offer(scene["orgs"])
    store_matches(first.pk)
    send_offer_alerts(now)
    second = cnc_offer(scene["orgs"], "Drehteile aus Edelstahl ab Lager")
    third = cnc_offer(scene["orgs"], "Edelstahl-Drehteile in Kleinserie")
    store_matches(second.pk)
    store_matches(third.pk)
    send_offer_alerts(now + datetime.timedelta(minutes=10))  # the same day: waits
    assert len(alerts()) == 2
    send_offer_alerts(now + datetime.timedelta(days=1))
    later = [m for m in alerts() if m.to == "bernd@pumpen.example"][-1]
    assert "ab Lager" in later.body_text and "Kleinserie" in later.body_text
    assert "Freie Kapazität CNC-Drehen" not in later.body_text
    assert len(alerts()) == 4


def test_a_closed_request_gets_no_alert(scene):
    req = scene["turned_parts"]
    cnc = cnc_offer(scene["orgs"])
    store_matches(cnc.pk)
    req.status = "closed"
    req.save()
    send_offer_alerts()
    assert alerts() == []


def test_the_threshold_is_a_share_of_the_score():
    assert 0 < OFFER_ALERT_MIN_SCORE < 1


def test_the_alert_arrives_over_smtp_with_both_parts_and_unsubscribe_headers(
    scene, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
):
    cnc = cnc_offer(scene["orgs"])
    with django_capture_on_commit_callbacks(execute=True):
        store_matches(cnc.pk)
    # the commit queued the alert task, which wrote and sent the mails
    recipients = sorted(e.rcpt_tos[0] for e in smtp_server.envelopes)
    assert recipients == ["bernd@pumpen.example", "clara@pumpen.example"]
    for envelope in smtp_server.envelopes:
        (me,) = envelope.rcpt_tos
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        # The link names this address and list (its signature's time may differ from now).
        link = message["List-Unsubscribe"].strip(" <>")
        assert link.startswith(unsubscribe_url(me, MailList.OFFER_ALERTS).rsplit("/", 2)[0])
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert subscription_for_token(token) == Subscription(me, MailList.OFFER_ALERTS)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        plain_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
        assert plain_part is not None and html_part is not None
        text = plain_part.get_content()
        html = html_part.get_content()
        assert "Freie Kapazität CNC-Drehen" in text and "Freie Kapazität CNC-Drehen" in html
        raw = envelope.content.decode("utf-8", "replace")
        for other in {"bernd@pumpen.example", "clara@pumpen.example", "hanna@hotel.example"}:
            if other != me:
                assert other not in raw


def test_publishing_an_offer_alerts_through_the_postings_service(
    scene, django_capture_on_commit_callbacks: Any
):
    """The way a staff approval publishes: the postings' service, then after the commit
    the matching and the alert."""
    from sourcing.models import PostingMatch
    from sourcing.postings.services import bulk_set_status

    cnc = offer(
        scene["orgs"]["turner"],
        "Freie Kapazität CNC-Drehen",
        "CNC-Drehmaschinen frei: Drehteile aus Stahl, Edelstahl und Messing in Serie.",
        wz=("25.62.0",),
        status="pending",
    )
    assert alerts() == []
    with django_capture_on_commit_callbacks(execute=True):
        bulk_set_status([cnc.pk], "published")
    matching.wait(60)
    assert PostingMatch.objects.filter(posting=cnc, other=scene["turned_parts"]).exists()
    assert sorted(m.to for m in alerts()) == ["bernd@pumpen.example", "clara@pumpen.example"]
