"""Every API error answers with one documented body; bodies no database can store are
refused with the field named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from core.testing import sign_in
from directory.models import ContactPerson, Organisation
from directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/organisations/"


@pytest.fixture
def firms() -> dict[str, Organisation]:
    return {
        "company": OrganisationFactory.create(name="Laserwerk Erfurt GmbH"),
        "network": OrganisationFactory.create(name="Optonet e.V.", kind="network"),
        "member": OrganisationFactory.create(name="Linsenschleiferei Gera GmbH"),
    }


def send(client: Client, method: str, path: str, body: Any) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("method", "suffix", "body", "field"),
    [
        ("patch", "", {"name": "Laser\x00werk"}, "name"),
        ("patch", "", {"secondary_wz": ["28.41", "25\x00"]}, "secondary_wz"),
        ("post", "/contacts", {"last_name": "Berger", "role": "Leitung\x00"}, "role"),
        ("post", "/corrections", {"message": "Die Adresse\x00 stimmt nicht."}, "message"),
    ],
)
def test_nul_characters_in_a_body_are_refused_naming_the_field(
    admin_client: Client, firms: dict[str, Organisation], method, suffix, body, field
) -> None:
    company = firms["company"]
    response = send(admin_client, method, API + company.slug + suffix, body)
    assert response.status_code == 422
    data = response.json()
    assert [e["field"] for e in data["errors"]] == [field]
    assert "NUL" in data["errors"][0]["message"] and field in data["detail"]
    company.refresh_from_db()
    assert company.name == "Laserwerk Erfurt GmbH"
    assert not ContactPerson.objects.filter(organisation=company).exists()


def test_nul_in_a_member_slug_and_a_lone_surrogate_are_refused(
    admin_client: Client, firms: dict[str, Organisation]
) -> None:
    network = firms["network"]
    response = send(admin_client, "post", API + network.slug + "/members", {"member": "a\x00b"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "member"
    # json.dumps writes a lone surrogate as \ud800, which json.loads accepts.
    response = send(admin_client, "patch", API + firms["company"].slug, {"phone": "0361 \ud800"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["phone"]
    assert not network.members.exists()


def assert_error_body(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    assert set(data) == {"detail", "errors"} and data["detail"]
    return data


def test_errors_answer_with_one_body(
    client: Client, admin_client: Client, firms: dict[str, Organisation]
) -> None:
    company = firms["company"]
    data = assert_error_body(send(client, "patch", API + company.slug, {"phone": "1"}), 401)
    assert "sign in" in data["detail"]
    assert_error_body(client.get(API + "gibt-es-nicht"), 404)
    data = assert_error_body(client.get("/api/v1/search", {"page_size": "1000"}), 422)
    assert data["errors"][0]["field"] == "page_size"
    data = assert_error_body(send(admin_client, "patch", API + company.slug, {"email": "x"}), 422)
    assert [e["field"] for e in data["errors"]] == ["email"]
    data = assert_error_body(
        send(admin_client, "post", API + firms["network"].slug + "/members", {"member": "nix"}),
        422,
    )
    assert data["errors"][0]["field"] == "member"
    response = admin_client.patch(API + company.slug, "{kaputt", content_type="application/json")
    assert "JSON" in assert_error_body(response, 400)["detail"]


def test_a_suggestion_past_the_hourly_limit_answers_429_with_retry_after(
    client: Client, firms: dict[str, Organisation], settings: Any
) -> None:
    settings.CORRECTIONS_PER_HOUR = 1
    path = API + firms["company"].slug + "/corrections"
    assert send(client, "post", path, {"message": "Falsche Adresse."}).status_code == 201
    response = send(client, "post", path, {"message": "Noch einmal."})
    assert_error_body(response, 429)
    assert int(response["Retry-After"]) > 0


def test_the_schema_documents_every_error_code_with_the_error_body(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    expected = {
        ("get", "/api/v1/search"): {"422", "503"},
        ("get", "/api/v1/suggest"): {"422", "503"},
        ("get", "/api/v1/search/all"): {"422", "503"},
        ("get", "/api/v1/search/content"): {"422", "503"},
        ("get", "/api/v1/wz/suggest"): {"422"},
        ("get", "/api/v1/match"): {"422", "503"},
        ("get", "/api/v1/postings"): {"422"},
        ("get", "/api/v1/postings/{posting_id}"): {"404", "422"},
        ("get", "/api/v1/organisations/{slug}"): {"404", "422"},
        ("patch", "/api/v1/organisations/{slug}"): {"400", "401", "403", "404", "422"},
        ("post", "/api/v1/organisations/{slug}/contacts"): {"400", "401", "403", "404", "422"},
        ("post", "/api/v1/organisations/{slug}/members"): {"400", "401", "403", "404", "422"},
        ("post", "/api/v1/organisations/{slug}/corrections"): {"400", "403", "404", "422", "429"},
    }
    operations = {
        (method, path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert set(operations) == set(expected)
    for key, codes in expected.items():
        responses = operations[key]["responses"]
        errors = {code for code in responses if int(code) >= 400}
        assert errors == codes, key
        for code in codes:
            ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorOut", (key, code)
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "errors"}


def test_without_a_session_the_answer_is_401_even_without_a_csrf_token(
    firms: dict[str, Organisation], admin_user: Any
) -> None:
    # A real client: CSRF checked. Not signed in is 401, whatever the token.
    visitor = Client(enforce_csrf_checks=True)
    response = send(visitor, "patch", API + firms["company"].slug, {"phone": "1"})
    assert "sign in" in assert_error_body(response, 401)["detail"]
    # Signed in without the token: 403, saying which header is missing.
    staff = Client(enforce_csrf_checks=True)
    sign_in(staff, admin_user)
    response = send(staff, "patch", API + firms["company"].slug, {"phone": "1"})
    assert "X-CSRFToken" in assert_error_body(response, 403)["detail"]
    firms["company"].refresh_from_db()
    assert firms["company"].phone == ""
