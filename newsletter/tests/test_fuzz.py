"""Hostile values in every public input of the newsletter (the subscription form, the
preference form, the token links, the bounce endpoint): an answer, never a server
error; nothing half-written."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ConsentRecord
from newsletter.choices import SubscriberStatus
from newsletter.models import Bounce, Subscriber, Topic
from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS

pytestmark = pytest.mark.django_db

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09 .,-@"), min_size=1, max_size=12),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["on", "unsubscribe", "topics", "a@b.example", "x" * 300, "1", "-1"]),
)
RUN = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def scene(settings: Any) -> Subscriber:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "newsletter": (0, 3600)}
    settings.NEWSLETTER_BOUNCE_SECRET = "geheim"
    Topic.objects.create(name="Wasserstoff")
    return Subscriber.objects.create(
        email="fest@beispiel.de", status=SubscriberStatus.CONFIRMED, confirmed_at=timezone.now()
    )


@RUN
@given(data=st.dictionaries(st.sampled_from(["email", "topics", "consent", "website_url"]), VALUE))
def test_subscribe_form(scene: Subscriber, data: dict[str, str]) -> None:
    response = Client().post("/newsletter/", data)
    assert response.status_code in (200, 302)
    # Every stored subscription has its consent record (nothing half-written).
    for subscriber in Subscriber.objects.exclude(pk=scene.pk):
        assert ConsentRecord.objects.filter(email=subscriber.email).exists()


@RUN
@given(data=st.dictionaries(st.sampled_from(["action", "topics"]), VALUE))
def test_preference_form(scene: Subscriber, data: dict[str, str]) -> None:
    response = Client().post(f"/newsletter/einstellungen/{scene.token}/", data)
    assert response.status_code in (200, 302)


@RUN
@given(token=VALUE)
def test_token_links(scene: Subscriber, token: str) -> None:
    for page in ("einstellungen", "bestaetigen"):
        url = f"/newsletter/{page}/{quote(token, safe='')}/"
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            assert response.status_code in (200, 302, 400, 404, 410)
    response = Client().post(f"/abmelden/{quote(token, safe='')}/")
    assert response.status_code in (200, 400, 404)
    assert Subscriber.objects.get(pk=scene.pk).status == SubscriberStatus.CONFIRMED


JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), VALUE),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(VALUE, inner, max_size=3)),
    max_leaves=8,
)


@RUN
@given(
    body=st.one_of(
        JSONISH,
        st.fixed_dictionaries(
            {"address": VALUE, "kind": st.sampled_from(["hard", "soft", "complaint", "x"])},
            optional={"detail": VALUE},
        ),
    ),
    raw=st.booleans(),
)
def test_bounce_endpoint(scene: Subscriber, body: Any, raw: bool) -> None:
    before = Bounce.objects.count()
    payload = str(body) if raw else json.dumps(body)
    response = Client().post(
        "/newsletter/bounces/",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer geheim",
    )
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert Bounce.objects.count() == before and response.json()["error"]
