"""Who sees an inquiry: every role × every case × every action, through the pages.

The expectations are written out by hand from docs/inquiries.md ("Who sees what"), not
computed from ``inquiries.permissions``, so a wrong rule there fails here. Each case is
judged by what a person would see: the case in the list, its page with the asker's
address, the attachment, a note or reply that took effect.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import ADMINISTRATOR, EDITOR
from accounts.services import grant_editor, grant_role
from core.testing import sign_in
from directory.tests.factories import OrganisationFactory
from inquiries import services
from inquiries.models import Expert, Inquiry

from .files import PDF

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "registered",
    "organisation editor",
    "assigned expert",
    "team lead",
    "other expert",
    "editor",
    "administrator",
]
OBJECTS = ["funding case", "service case"]
ACTIONS = ["list", "open", "attachment", "note", "reply"]
EVERYTHING = {(a, o) for a in ACTIONS for o in OBJECTS}


def on(*objects: str) -> set[tuple[str, str]]:
    return {(a, o) for a in ACTIONS for o in objects}


# "funding case": assigned to Anna (team Förderteam, lead Bernd).
# "service case": routed by the fallback to the Service team (lead Clara), no expert.
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "visitor": set(),
    "registered": set(),
    "organisation editor": set(),
    "assigned expert": on("funding case"),  # Anna
    "team lead": on("funding case"),  # Bernd leads Anna's team
    "other expert": on("service case"),  # Clara: lead of the service team only
    "editor": set(),
    "administrator": on("funding case", "service case"),
}
LOGINS = {"assigned expert": "anna", "team lead": "bernd", "other expert": "clara"}


@pytest.fixture
def world(agency: Any, django_user_model: Any) -> dict[str, Any]:
    def filed(topic: str) -> Inquiry:
        return services.file_inquiry(
            services.NewInquiry(
                name="Eva Geheim",
                email="eva.geheim@firma.example",
                phone="0361 999",
                message="Vertrauliche Frage",
                topic=agency.topics[topic],
            ),
            attachment=SimpleUploadedFile("geheim.pdf", PDF),
            attachment_kind="pdf",
        )

    cases = {"funding case": filed("foerderung"), "service case": filed("sonstiges")}
    assert cases["funding case"].expert == agency.experts["anna"]
    assert cases["service case"].team == agency.teams["service"]
    users = {role: agency.users[login] for role, login in LOGINS.items()}
    for role in ("registered", "organisation editor", "editor", "administrator"):
        name = role.replace(" ", ".")
        users[role] = django_user_model.objects.create_user(name, f"{name}@example.org")
    grant_editor(users["organisation editor"], OrganisationFactory.create(), "domain")
    grant_role(users["editor"], EDITOR)
    grant_role(users["administrator"], ADMINISTRATOR)
    # Dora is an expert of the service team, neither assigned nor lead: sees nothing.
    users["dora"] = agency.users["dora"]
    return {"users": users, "cases": cases}


def client_for(world: dict[str, Any], role: str) -> Client:
    client = Client()
    if role != "visitor":
        sign_in(client, world["users"][role])
    return client


def outcome(client: Client, action: str, case: Inquiry) -> bool:
    url = f"/intern/anfragen/{case.reference}/"
    if action == "list":
        response = client.get("/intern/anfragen/")
        return response.status_code == 200 and case.reference in response.content.decode()
    if action == "open":
        response = client.get(url)
        shown = (
            response.status_code == 200 and "eva.geheim@firma.example" in response.content.decode()
        )
        if not shown:
            assert "eva.geheim@firma.example" not in response.content.decode()
        return shown
    if action == "attachment":
        response = client.get(f"{url}anhang/{case.attachments.get().pk}/")
        if response.status_code != 200:
            return False
        return b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    if action == "note":
        before = case.notes.count()
        client.post(url, {"action": "note", "text": "Notiz"})
        return case.notes.count() == before + 1
    if action == "reply":
        before = case.replies.count()
        client.post(url, {"action": "reply", "text": "Antwort"})
        return case.replies.count() == before + 1
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_what(world: dict[str, Any], role: str) -> None:
    found = []
    for obj_name, case in world["cases"].items():
        for action in ACTIONS:
            result = outcome(client_for(world, role), action, case)
            expected = (action, obj_name) in EXPECTED[role]
            if result != expected:
                found.append(
                    f"{role} {'may' if expected else 'may not'} {action} the {obj_name},"
                    f" but {'could not' if expected else 'could'}"
                )
    assert found == []


def test_an_expert_of_the_team_who_is_neither_assigned_nor_lead_sees_nothing(
    world: dict[str, Any],
) -> None:
    team = Expert.objects.get(user=world["users"]["dora"]).team
    assert team is not None and team.name == "Service"
    client = client_for(world, "dora")
    assert client.get("/intern/anfragen/").status_code == 200
    for case in world["cases"].values():
        assert outcome(client, "list", case) is False
        assert client.get(f"/intern/anfragen/{case.reference}/").status_code == 404


def test_the_asker_sees_status_message_and_replies_but_no_address(
    world: dict[str, Any], agency: Any
) -> None:
    case = world["cases"]["funding case"]
    services.add_note(case, "Interne Notiz", agency.users["anna"])
    services.send_reply(case, "Öffentliche Antwort", agency.users["anna"])
    page = Client().get(f"/anfrage/status/{case.token}/").content.decode()
    assert "Vertrauliche Frage" in page and "Öffentliche Antwort" in page
    for hidden in ("eva.geheim@firma.example", "0361 999", "Interne Notiz", "geheim.pdf"):
        assert hidden not in page
    assert Client().get("/anfrage/status/not-the-token/").status_code == 404


def test_the_matrix_tests_something() -> None:
    assert set(EXPECTED) == set(ROLES)
    for role, granted in EXPECTED.items():
        assert granted < EVERYTHING or role == "administrator"
    assert EXPECTED["administrator"] == EVERYTHING
