"""Who sees which contact person: anonymous visitors, registered users and staff.

Contact persons are personal data; each carries a visibility and the profile page
and its JSON-LD must show exactly what the visitor's role allows.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from core.testing import sign_in
from directory import services
from directory.choices import Visibility
from directory.models import ContactPerson
from directory.tests.factories import ContactPersonFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CONTACTS = {
    Visibility.PUBLIC: ("Paula", "Öffentlich", "+49 361 1111111", "paula@example.org"),
    Visibility.REGISTERED: ("Rita", "Registriert", "+49 361 2222222", "rita@example.org"),
    Visibility.STAFF: ("Stefan", "Intern", "+49 361 3333333", "stefan@example.org"),
}

ROLE_SEES = {
    "anonymous": {Visibility.PUBLIC},
    "registered": {Visibility.PUBLIC, Visibility.REGISTERED},
    "staff": {Visibility.PUBLIC, Visibility.REGISTERED, Visibility.STAFF},
}


@pytest.fixture
def organisation() -> Any:
    org = OrganisationFactory.create(name="Kontaktfirma GmbH")
    for order, (visibility, (first, last, phone, email)) in enumerate(CONTACTS.items()):
        ContactPersonFactory(
            organisation=org,
            first_name=first,
            last_name=last,
            phone=phone,
            email=email,
            visibility=visibility,
            order=order,
        )
    return org


def user_for(role: str, django_user_model: Any) -> Any:
    if role == "anonymous":
        return AnonymousUser()
    return django_user_model.objects.create_user(
        f"{role}-user", password="unused-password", is_staff=role == "staff"
    )


def login(client: Client, user: Any) -> None:
    if user.is_authenticated:
        sign_in(client, user)


@pytest.mark.parametrize("role", ROLE_SEES)
def test_profile_html_shows_exactly_the_allowed_contacts(
    client: Client, django_user_model: Any, organisation: Any, role: str
) -> None:
    login(client, user_for(role, django_user_model))

    html = client.get(organisation.get_absolute_url()).content.decode()

    for visibility, (first, last, phone, email) in CONTACTS.items():
        shown = visibility in ROLE_SEES[role]
        for value in (f"{first} {last}", phone, email):
            assert (value in html) is shown, (
                f"{role}: {value} should be {'shown' if shown else 'hidden'}"
            )


@pytest.mark.parametrize("role", ROLE_SEES)
def test_json_ld_carries_public_contacts_only(
    client: Client, django_user_model: Any, organisation: Any, role: str
) -> None:
    login(client, user_for(role, django_user_model))

    html = client.get(organisation.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)  # type: ignore[union-attr]
    )

    first, last, phone, email = CONTACTS[Visibility.PUBLIC]
    assert data["contactPoint"] == [
        {
            "@type": "ContactPoint",
            "name": f"{first} {last}",
            "contactType": "Geschäftsführerin",
            "email": email,
            "telephone": phone,
        }
    ]
    payload = json.dumps(data, ensure_ascii=False)
    for visibility in (Visibility.REGISTERED, Visibility.STAFF):
        for value in CONTACTS[visibility]:
            assert value not in payload


def test_anonymous_visitor_is_told_that_signing_in_shows_more(
    client: Client, organisation: Any, django_user_model: Any
) -> None:
    anonymous = client.get(organisation.get_absolute_url()).content.decode()
    login(client, user_for("registered", django_user_model))
    registered = client.get(organisation.get_absolute_url()).content.decode()

    assert "Angemeldete Nutzer sehen weitere Ansprechpersonen." in anonymous
    assert "Angemeldete Nutzer sehen weitere Ansprechpersonen." not in registered


def test_staff_sees_which_contacts_are_not_public(
    client: Client, organisation: Any, django_user_model: Any
) -> None:
    login(client, user_for("staff", django_user_model))

    html = client.get(organisation.get_absolute_url()).content.decode()

    assert "Sichtbarkeit: registrierte Nutzer" in html
    assert "Sichtbarkeit: nur Mitarbeitende" in html
    assert "Sichtbarkeit: öffentlich" not in html


@pytest.mark.parametrize("role", ROLE_SEES)
def test_queryset_helper_applies_the_same_rule_to_many_organisations(
    django_user_model: Any, organisation: Any, role: str
) -> None:
    other = OrganisationFactory.create()
    for visibility in CONTACTS:
        ContactPersonFactory(organisation=other, visibility=visibility)
    user = user_for(role, django_user_model)

    visible = services.visible_contacts_queryset(user)

    assert {c.visibility for c in visible} == ROLE_SEES[role]
    assert visible.count() == 2 * len(ROLE_SEES[role])
    assert {c.visibility for c in services.visible_contacts(organisation, user)} == ROLE_SEES[role]
    assert ContactPerson.objects.count() == 6


def test_nobody_signed_in_sees_public_only() -> None:
    assert services.contact_visibilities_for(None) == [Visibility.PUBLIC]
    assert services.contact_visibilities_for(AnonymousUser()) == [Visibility.PUBLIC]
