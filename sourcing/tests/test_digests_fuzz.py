"""Hostile input for the digest opt-in page (slug in the address, the posted choice) and
for the matching of postings (their texts): a 4xx with a message is fine, a server error
or a crash is a bug. Bounded and derandomised."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.tests.helpers import make_org
from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS
from sourcing.models import DigestSubscription
from sourcing.postings import matching

from .posting_fixtures import editor, offer, request

pytestmark = pytest.mark.django_db

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09 "), min_size=1, max_size=12),
    st.text(max_size=40),
    st.sampled_from(["daily", "weekly", "off", "DAILY", "", "x" * 5000]),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_no_hostile_post_or_address_is_a_server_error(client: Any) -> None:
    org = make_org("Dreherei Gera", description="Drehteile", place="gera")
    client.force_login(editor(org, "anna@dreherei.example"))

    @FUZZ
    @given(frequency=st.lists(VALUE, max_size=3), slug=VALUE)
    def check(frequency: list[str], slug: str) -> None:
        response = client.post(f"/gesuche/benachrichtigungen/{org.slug}/", {"frequency": frequency})
        assert response.status_code in (200, 302, 429)
        sub = DigestSubscription.objects.filter(organisation=org).first()
        assert sub is None or sub.frequency in ("daily", "weekly", "off")
        response = client.get(f"/gesuche/benachrichtigungen/{slug}/")
        assert response.status_code < 500

    check()


def test_no_posting_text_breaks_the_matching() -> None:
    buyer = make_org("Pumpenbau Jena", description="Pumpen", place="jena")
    seller = make_org("Dreherei Gera", description="Drehteile", place="gera")
    offer(seller, "Drehteile aus Edelstahl", "CNC-Drehen")
    matching.forget()

    @FUZZ
    @given(title=VALUE, description=VALUE)
    def check(title: str, description: str) -> None:
        req = request(buyer, title[:200] or "x", description or "x")
        found = matching.matches_for(req)
        assert all(i.posting.kind == "offer" for i in found.postings)
        assert all(i.organisation.pk != buyer.pk for i in found.organisations)
        req.delete()

    check()
