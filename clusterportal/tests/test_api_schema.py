"""The API keeps the promises of its OpenAPI schema: schemathesis draws requests for every
operation of /api/v1 (valid and invalid ones, as a visitor and signed in as staff) and
checks each answer: no server error, a status code, content type and body the schema
documents. Bounded: a fixed number of examples per operation, derandomised."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clusterportal.wsgi import application
from core.testing import sign_in
from directory.models import Membership
from directory.tests.factories import ContactPersonFactory, OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 15
CSRF_SECRET = "k" * 32


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would end
    the test's transaction on PostgreSQL; Django's test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def slugs() -> dict[str, str]:
    company = OrganisationFactory.create(name="Laserwerk Erfurt GmbH", website="https://a.de")
    SiteFactory.create(organisation=company)
    ContactPersonFactory.create(organisation=company, visibility="public")
    network = OrganisationFactory.create(name="Optonet e.V.", kind="network")
    Membership.objects.create(network=network, organisation=company)
    OrganisationFactory.create(name="Linsenschleiferei Gera GmbH")
    return {"company": company.slug, "network": network.slug}


def staff_cookies(admin_user: Any) -> dict[str, str]:
    client = Client()
    sign_in(client, admin_user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET}


def exercise(operation: Any, strategy: Any) -> set[int]:
    statuses: set[int] = set()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(app=application)
        statuses.add(response.status_code)
        case.validate_response(response, checks=CHECKS)

    run()
    return statuses


@pytest.mark.parametrize("who", ["visitor", "staff"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_its_schema_says(
    who: str, mode: GenerationMode, slugs: dict[str, str], admin_user: Any
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    cookies = staff_cookies(admin_user) if who == "staff" else {}
    headers = {"X-CSRFToken": CSRF_SECRET} if cookies else {}
    exercised: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            pytest.fail(f"The schema has an operation schemathesis cannot read: {result.err()}")
        operation = result.ok()
        if mode is GenerationMode.NEGATIVE and not (operation.body or operation.query):
            continue  # only the organisation's address, which is fixed: nothing to break
        fixed: dict[str, str] = {}
        if "{slug}" in operation.path:
            fixed["slug"] = slugs["network" if operation.path.endswith("members") else "company"]
        strategy = operation.as_strategy(
            mode,
            path_parameters=fixed or None,
            cookies=cookies or None,
            headers=headers or None,
        )
        exercised[f"{operation.method.upper()} {operation.path}"] = exercise(operation, strategy)
    # Every operation of the schema was exercised (negative mode: those with something to
    # break, a body or query parameters); counted from the schema itself, so that a new
    # operation is covered without editing this test.
    expected = {
        f"{method.upper()} {path}"
        for path, operations in schema.raw_schema["paths"].items()
        for method, operation in operations.items()
        if mode is GenerationMode.POSITIVE
        or "requestBody" in operation
        or any(p.get("in") == "query" for p in operation.get("parameters", []))
    }
    assert set(exercised) == expected, exercised
    if who == "staff" and mode is GenerationMode.POSITIVE:
        # The drawn bodies got past validation into the writes, not only into 422s.
        for name in ("PATCH", "POST /api/v1/organisations/{slug}/contacts"):
            statuses = next(v for k, v in exercised.items() if k.startswith(name))
            assert any(200 <= status < 300 for status in statuses), (name, statuses)
