"""Hostile JSON bodies for every API write (profile, contacts, members, corrections),
sent by staff so that they reach the writes: never a server error, and whatever is
refused leaves the profile as it was."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from directory.api import ContactIn, CorrectionIn, MemberIn, ProfileIn
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "\u202etxt.exe",
    "\ufeff",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "'; DROP TABLE directory_organisation; --",
    "javascript:alert(1)",
    "x" * 300,
    "ü" * 6000,
    "28.41",
    "99.99.9",
    "public",
    "mailto:a@b",
    "a@b",
    "http://[::1",
]
TEXT = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
VALUES = st.one_of(
    TEXT,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.lists(TEXT, max_size=4),
    st.dictionaries(TEXT, TEXT, max_size=2),
)


def bodies(schema: Any) -> st.SearchStrategy[Any]:
    """A body with some of the schema's fields (and an unknown one), each any value;
    now and then not an object at all."""
    fields = dict.fromkeys(schema.model_fields, VALUES)
    fields["unknown"] = VALUES
    objects = st.fixed_dictionaries({}, optional=fields)
    return st.one_of(objects, objects, objects, VALUES)


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return False


SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def firms() -> dict[str, Organisation]:
    return {
        "company": OrganisationFactory.create(name="Laserwerk Erfurt GmbH"),
        "network": OrganisationFactory.create(name="Optonet e.V.", kind="network"),
    }


def send(client: Client, method: str, path: str, body: Any) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("method", "suffix", "schema", "target", "text_field"),
    [
        ("patch", "", ProfileIn, "company", "name"),
        ("post", "/contacts", ContactIn, "company", "last_name"),
        ("post", "/members", MemberIn, "network", "member"),
        ("post", "/corrections", CorrectionIn, "company", "message"),
    ],
)
def test_hostile_bodies_never_cause_a_server_error(
    admin_client: Client,
    firms: dict[str, Organisation],
    settings: Any,
    method: str,
    suffix: str,
    schema: Any,
    target: str,
    text_field: str,
) -> None:
    settings.CORRECTIONS_PER_HOUR = 10_000
    organisation = firms[target]
    path = f"/api/v1/organisations/{organisation.slug}{suffix}"

    @SETTINGS
    @given(body=bodies(schema))
    @example(body={text_field: "Laser\x00werk"})
    @example(body={text_field: "x" * 100_000})
    def run(body: Any) -> None:
        before = Organisation.objects.values().get(pk=organisation.pk)
        response = send(admin_client, method, path, body)
        assert response.status_code < 500, (body, response.content[:500])
        assert response["Content-Type"] == "application/json; charset=utf-8"
        if isinstance(body, dict) and any(
            has_nul(value) for name, value in body.items() if name in schema.model_fields
        ):
            assert response.status_code == 422, body
        if response.status_code >= 400:
            assert response.json()["detail"]
            assert Organisation.objects.values().get(pk=organisation.pk) == before

    run()
