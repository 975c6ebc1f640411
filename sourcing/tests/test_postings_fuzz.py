"""Hostile values in the posting form (create, edit, WZ suggestion) and the staff review:
a message at the field or a refusal, never a server error, and nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.tests.factories import OrganisationFactory
from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS
from sourcing.models import Posting

from .postings_factories import PostingFactory, editor_of, signed_in, staff_user

pytestmark = pytest.mark.django_db

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09 .,-"), min_size=1, max_size=12),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "request",
            "offer",
            "material",
            "urgent",
            "25.62.0",
            "99084",
            "Erfurt",
            "2030-01-01",
            "x" * 4001,
            "50",
            "suggest",
        ]
    ),
)
FIELDS = (
    "organisation",
    "kind",
    "category",
    "title",
    "description",
    "quantity",
    "deadline",
    "place",
    "radius_km",
    "district",
    "wz_codes",
    "urgency",
    "expires_on",
    "wz_action",
    "wz_add",
    "website_url",
)


@pytest.fixture
def editor_client(settings: Any) -> Any:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "posting": (0, 3600)}
    organisation = OrganisationFactory.create()
    return signed_in(editor_of(organisation)), organisation


def test_hostile_posts_to_the_form(editor_client: Any) -> None:
    client, organisation = editor_client
    posting = PostingFactory.create(organisation=organisation)
    drawn = st.fixed_dictionaries({name: st.lists(VALUE, max_size=2) for name in FIELDS}).map(
        lambda d: {k: v for k, v in d.items() if v}
    )

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=drawn)
    def check(data: dict[str, list[str]]) -> None:
        before = Posting.objects.count()
        for url in ("/gesuche/neu/", f"/gesuche/{posting.pk}/bearbeiten/"):
            response = client.post(url, data)
            assert response.status_code < 500, (url, data)
        created = Posting.objects.count() - before
        assert created in (0, 1)
        if created:
            new = Posting.objects.order_by("-pk").first()
            assert new is not None and new.title and new.description

    check()


def test_hostile_review_decisions() -> None:
    client = signed_in(staff_user())

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(pk=VALUE, decision=VALUE, note=VALUE)
    def check(pk: str, decision: str, note: str) -> None:
        response = client.post(
            "/gesuche/pruefen/", {"posting": pk, "decision": decision, "note": note}
        )
        assert response.status_code < 500

    check()
