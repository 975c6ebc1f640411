"""Every role × every object × every action, through the pages and through the API.

The expected answers are written out here by hand from the role table in
docs/accounts.md, not computed from ``accounts.permissions``, so a wrong rule there fails
here. Each case is judged by what a person would see: the page opens or not, the change
happened or not.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import ADMINISTRATOR, EDITOR, EXPERT
from accounts.services import grant_editor, grant_role
from core.testing import sign_in
from directory.choices import PublicationStatus
from directory.models import ChangeRequest, ContactPerson, Membership
from directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "registered",
    "organisation editor",
    "network manager",
    "expert",
    "editor",
    "administrator",
]
OBJECTS = [
    "own company",
    "foreign company",
    "network",
    "member company",
    "hidden company",
    "own archived company",
]
ACTIONS = [
    "view",
    "edit",
    "contacts",
    "sites",
    "members",
    "network records",
    "claim",
    "suggest",
    "back office",
    "review",
    "dashboard",
]

EVERYTHING = {(a, o) for a in ACTIONS for o in OBJECTS}
PUBLISHED = ["own company", "foreign company", "network", "member company"]
UNPUBLISHED = ["hidden company", "own archived company"]


def allowed(*pairs: tuple[str, list[str]]) -> set[tuple[str, str]]:
    return {(action, obj) for action, objects in pairs for obj in objects}


READ = allowed(("view", PUBLISHED), ("suggest", PUBLISHED))
STAFF_CURATION = allowed(
    ("view", UNPUBLISHED),
    ("edit", OBJECTS),
    ("contacts", OBJECTS),
    ("sites", OBJECTS),
    ("members", ["network"]),
    ("network records", ["network"]),
    ("back office", OBJECTS),
    ("review", OBJECTS),
    ("dashboard", ["network"]),
)
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "visitor": READ,
    "registered": READ | allowed(("claim", PUBLISHED)),
    # Edits only their own published company: not the archived one they also held.
    "organisation editor": READ
    | allowed(
        ("edit", ["own company"]),
        ("contacts", ["own company"]),
        ("sites", ["own company"]),
        ("claim", ["foreign company", "network", "member company"]),
    ),
    # Manages the network and its members, not a member's own profile.
    "network manager": READ
    | allowed(
        ("edit", ["network"]),
        ("contacts", ["network"]),
        ("sites", ["network"]),
        ("members", ["network"]),
        ("network records", ["network"]),
        ("dashboard", ["network"]),
        ("claim", ["own company", "foreign company", "member company"]),
    ),
    "expert": READ | allowed(("view", UNPUBLISHED), ("back office", OBJECTS)),
    "editor": READ | STAFF_CURATION,
    "administrator": READ | STAFF_CURATION,
}


@pytest.fixture
def world(django_user_model: Any) -> dict[str, Any]:
    own = OrganisationFactory.create(name="Eigene Firma GmbH", website="https://eigene.example")
    foreign = OrganisationFactory.create(name="Fremde Firma GmbH")
    network = OrganisationFactory.create(name="Netzwerk e.V.", kind="network")
    in_network = OrganisationFactory.create(name="Mitglied im Netz GmbH")
    Membership.objects.create(network=network, organisation=in_network)
    hidden = OrganisationFactory.create(name="Verborgen GmbH", status=PublicationStatus.HIDDEN)
    archived = OrganisationFactory.create(
        name="Eingestellt GmbH", status=PublicationStatus.ARCHIVED
    )
    member = OrganisationFactory.create(name="Neues Mitglied AG")
    users: dict[str, Any] = {}
    for role in ROLES[1:]:
        name = role.replace(" ", ".")
        users[role] = django_user_model.objects.create_user(name, f"{name}@example.org")
    grant_editor(users["organisation editor"], own, "domain")
    grant_editor(users["organisation editor"], archived, "domain")
    grant_editor(users["network manager"], network, "review")
    grant_role(users["expert"], EXPERT)
    grant_role(users["editor"], EDITOR)
    grant_role(users["administrator"], ADMINISTRATOR)
    return {
        "users": users,
        "objects": {
            "own company": own,
            "foreign company": foreign,
            "network": network,
            "member company": in_network,
            "hidden company": hidden,
            "own archived company": archived,
        },
        "member": member,
    }


def client_for(world: dict[str, Any], role: str) -> Client:
    client = Client()
    if role != "visitor":
        sign_in(client, world["users"][role])
    return client


def page_outcome(client: Client, action: str, org: Any, member: Any) -> bool:
    """Whether the person could do ``action`` on ``org`` through the pages."""
    slug = org.slug
    if action == "view":
        # A network's directory address leads to its network page.
        page = client.get(reverse("directory:organisation-detail", args=[slug]), follow=True)
        return page.status_code == 200
    if action == "edit":
        url = reverse("directory:organisation-edit", args=[slug])
        if client.get(url).status_code != 200:
            return False
        form = client.get(url).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data.update({"phone": "0361 4711", "technologies": [], "growth_fields": []})
        client.post(url, data)
        org.refresh_from_db()
        return org.phone == "0361 4711"
    if action == "contacts":
        before = ContactPerson.objects.filter(organisation=org).count()
        client.post(
            reverse("directory:contact-add", args=[slug]),
            {"last_name": "Neu", "visibility": "staff"},
        )
        return ContactPerson.objects.filter(organisation=org).count() == before + 1
    if action == "sites":
        # Saved at once (staff) or waiting for review (organisation editors): either way
        # the person could do it; a refusal leaves no trace.
        sites, requests = org.sites.count(), ChangeRequest.objects.filter(organisation=org)
        before = requests.count()
        client.post(
            reverse("directory:site-add", args=[slug]),
            {"kind": "branch", "street": "Anger 1", "postal_code": "99084", "place": "Erfurt"},
        )
        return org.sites.count() == sites + 1 or requests.count() == before + 1
    if action == "members":
        client.post(reverse("directory:member-add", args=[slug]), {"member": member.slug})
        return Membership.objects.filter(network=org, organisation=member).exists()
    if action == "network records":
        # A working group added on the network's page (projects and partner clusters use
        # the same views and rule: networks/tests/test_records.py).
        client.post(
            reverse("networks:record-add", args=[slug, "arbeitsgruppen"]),
            {"name": f"AG von {org.pk}", "order": "0"},
        )
        return bool(org.working_groups.exists())
    if action == "claim":
        from accounts.models import Claim

        client.post(
            reverse("accounts:claim", args=[slug]), {"ask_review": "1", "message": "Ich bin es."}
        )
        return Claim.objects.filter(organisation=org).exists()
    if action == "suggest":
        before = ChangeRequest.objects.filter(organisation=org).count()
        client.post(reverse("directory:correction", args=[slug]), {"message": "Falsch."})
        return ChangeRequest.objects.filter(organisation=org).count() == before + 1
    if action == "back office":
        url = reverse("admin:directory_organisation_change", args=[org.pk])
        return client.get(url).status_code == 200
    if action == "review":
        request = ChangeRequest.objects.create(
            organisation=org, kind="correction", message="Bitte prüfen"
        )
        client.post(
            reverse("admin:directory_changerequest_changelist"),
            {"action": "reject", "_selected_action": [request.pk]},
        )
        request.refresh_from_db()
        return request.status == "rejected"
    if action == "dashboard":
        # The network's key figures (only networks have them: others answer 404).
        return client.get(reverse("networks:dashboard", args=[slug])).status_code == 200
    raise AssertionError(action)


API = "/api/v1/organisations/"


def api_outcome(client: Client, action: str, org: Any, member: Any) -> bool | None:
    """The same through the API (None: the API has no such action)."""
    slug = org.slug
    if action == "view":
        return client.get(API + slug).status_code == 200
    if action == "edit":
        response = client.patch(
            API + slug, json.dumps({"phone": "0361 42"}), content_type="application/json"
        )
        org.refresh_from_db()
        return response.status_code == 200 and org.phone == "0361 42"
    if action == "contacts":
        response = client.post(
            API + slug + "/contacts",
            json.dumps({"last_name": "Api", "visibility": "public"}),
            content_type="application/json",
        )
        created = ContactPerson.objects.filter(organisation=org, last_name="Api").exists()
        assert (response.status_code == 201) == created
        return created
    if action == "members":
        response = client.post(
            API + slug + "/members",
            json.dumps({"member": member.slug}),
            content_type="application/json",
        )
        return response.status_code == 201
    if action == "suggest":
        response = client.post(
            API + slug + "/corrections",
            json.dumps({"message": "Falsch."}),
            content_type="application/json",
        )
        return response.status_code == 201
    return None


def mismatches(world: dict[str, Any], role: str, outcome: Any) -> list[str]:
    found = []
    for obj_name, org in world["objects"].items():
        for action in ACTIONS:
            client = client_for(world, role)
            result = outcome(client, action, org, world["member"])
            if result is None:
                continue
            expected = (action, obj_name) in EXPECTED[role]
            if result != expected:
                found.append(
                    f"{role} {'may' if expected else 'may not'} {action} on {obj_name},"
                    f" but {'could not' if expected else 'could'}"
                )
    return found


@pytest.mark.parametrize("role", ROLES)
def test_pages(world: dict[str, Any], role: str) -> None:
    assert mismatches(world, role, page_outcome) == []


@pytest.mark.parametrize("role", ROLES)
def test_api(world: dict[str, Any], role: str) -> None:
    assert mismatches(world, role, api_outcome) == []


def test_the_matrix_covers_every_role_and_a_denial_for_each() -> None:
    assert set(EXPECTED) == set(ROLES)
    for role, granted in EXPECTED.items():
        assert granted < EVERYTHING, f"{role} may do everything: the matrix tests nothing"


def test_the_api_answers_401_without_a_session_and_403_without_the_right(
    world: dict[str, Any],
) -> None:
    own = world["objects"]["own company"]
    body = json.dumps({"phone": "1"})
    anonymous = Client().patch(API + own.slug, body, content_type="application/json")
    assert anonymous.status_code == 401
    stranger = client_for(world, "registered")
    assert stranger.patch(API + own.slug, body, content_type="application/json").status_code == 403
    hidden = world["objects"]["hidden company"]
    assert stranger.get(API + hidden.slug).status_code == 404


def test_the_api_sends_reviewed_fields_to_review_and_names_bad_codes(
    world: dict[str, Any],
) -> None:
    own = world["objects"]["own company"]
    editor = client_for(world, "organisation editor")
    renamed = editor.patch(
        API + own.slug,
        json.dumps({"name": "Umbenannt GmbH", "phone": "0361 7"}),
        content_type="application/json",
    )
    assert renamed.status_code == 202
    assert renamed.json() == {"saved": ["phone"], "review": {"name": "Umbenannt GmbH"}}
    own.refresh_from_db()
    assert own.name == "Eigene Firma GmbH" and own.phone == "0361 7"
    bad = editor.patch(
        API + own.slug, json.dumps({"primary_wz": "12.34.5"}), content_type="application/json"
    )
    assert bad.status_code == 422
    assert "12.34.5" in bad.json()["detail"]


def test_api_changes_need_the_csrf_token_of_the_session(world: dict[str, Any]) -> None:
    own = world["objects"]["own company"]
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, world["users"]["organisation editor"])
    body = json.dumps({"phone": "0361 66"})
    forged = browser.patch(API + own.slug, body, content_type="application/json")
    assert forged.status_code == 403
    own.refresh_from_db()
    assert own.phone != "0361 66"
    browser.get(reverse("directory:organisation-edit", args=[own.slug]))  # sets the cookie
    token = browser.cookies["csrftoken"].value
    sent = browser.patch(
        API + own.slug, body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert sent.status_code == 200
