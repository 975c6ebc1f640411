"""The list and the pages of networks kept for visitors without a session
(core.pagecache): served again while nothing they show changed, made anew after a
change of a network's profile or its members (its events, shown through a panel of
``content``: content/tests/test_page_cache.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from core.testing import sign_in
from directory.models import Organisation
from directory.tests.factories import MembershipFactory, OrganisationFactory
from networks.tests.factories import NetworkProfileFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


@pytest.fixture
def network(settings: Any) -> Organisation:
    settings.PAGE_CACHE_SECONDS = 300
    profile = NetworkProfileFactory.create(organisation__name="Kunststoffnetz Thüringen e. V.")
    MembershipFactory.create(
        network=profile.organisation,
        organisation=OrganisationFactory.create(name="Formteile Gera GmbH"),
    )
    return profile.organisation


def visit(path: str) -> Any:
    return Client().get(path, HTTP_ACCEPT_LANGUAGE="de")


def text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def pages(network: Organisation) -> list[str]:
    return [reverse("networks:list"), reverse("networks:detail", args=[network.slug])]


def test_the_second_visitor_gets_the_kept_page(network: Organisation):
    for path in pages(network):
        first, second = visit(path), visit(path)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit"), path
        assert "Kunststoffnetz Thüringen" in text(second)
        assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())


def test_a_new_member_reaches_the_kept_pages(network: Organisation):
    for path in pages(network):
        visit(path)
    MembershipFactory.create(
        network=network, organisation=OrganisationFactory.create(name="Spritzguss Suhl GmbH")
    )
    detail = visit(pages(network)[1])
    assert detail["X-Page-Cache"] == "miss"
    assert "Spritzguss Suhl GmbH" in text(detail)
    assert visit(pages(network)[0])["X-Page-Cache"] == "miss"


def test_a_changed_profile_shows_at_once(network: Organisation):
    path = pages(network)[1]
    visit(path)
    profile = network.network_profile  # type: ignore[attr-defined]
    profile.mission = "Wir bringen Recyclingbetriebe und Verarbeiter zusammen."
    profile.save()
    changed = visit(path)
    assert changed["X-Page-Cache"] == "miss"
    assert "Recyclingbetriebe und Verarbeiter" in text(changed)
    assert visit(path)["X-Page-Cache"] == "hit"


def test_signed_in_people_never_get_a_kept_network_page(network: Organisation):
    person = Client()
    sign_in(person, User.objects.create_user("netzwerkerin", "n@agentur.example", "x" * 16))
    for path in pages(network):
        visit(path)
        mine = person.get(path, HTTP_ACCEPT_LANGUAGE="de")
        assert "X-Page-Cache" not in mine and "Abmelden" in mine.content.decode(), path
