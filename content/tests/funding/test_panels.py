"""The programmes on the networks' pages: a growth field's page lists its open
programmes; a network's dashboard the open programmes of its growth fields with their
next deadlines. Nothing to show: no section."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import ADMINISTRATOR
from accounts.services import grant_role
from core.testing import sign_in
from directory.tests.factories import GrowthFieldFactory
from networks.tests.factories import NetworkFactory

from .factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_a_growth_field_page_lists_its_open_programmes(client: Client) -> None:
    field = GrowthFieldFactory.create(name="Photonik-Test", slug="photonik-test")
    GrowthFieldFactory.create(name="Leer-Test", slug="leer-test")
    shown = ProgrammeFactory.create(name="Lasergutschein")
    shown.growth_fields.set([field])
    closed = ProgrammeFactory.create(name="Vorbei", continuous=False)
    closed.growth_fields.set([field])
    CallFactory.create(programme=closed, closes=timezone.localdate() - datetime.timedelta(days=1))
    draft = ProgrammeFactory.create(name="Entwurf", status="draft")
    draft.growth_fields.set([field])

    html = client.get("/wachstumsfelder/photonik-test/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'id="funding-heading"' in html and "Lasergutschein" in html
    assert "Vorbei" not in html and "Entwurf" not in html
    assert "?growth=photonik-test" in html

    html = client.get("/wachstumsfelder/leer-test/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'id="funding-heading"' not in html


def test_the_network_dashboard_lists_open_programmes_of_its_fields(
    django_user_model: Any,
) -> None:
    field = GrowthFieldFactory.create(name="Kunststoff-Test")
    network = NetworkFactory.create(name="Kunststoffnetz e. V.", slug="kunststoffnetz")
    network.growth_fields.set([field])
    soon = ProgrammeFactory.create(name="Recyclingaufruf", continuous=False)
    soon.growth_fields.set([field])
    closes = timezone.localdate() + datetime.timedelta(days=12)
    CallFactory.create(programme=soon, closes=closes)
    ProgrammeFactory.create(name="Anderes Feld").growth_fields.set([GrowthFieldFactory.create()])
    admin = django_user_model.objects.create_user("admin", "admin@example.org", "x" * 16)
    grant_role(admin, ADMINISTRATOR)
    client = Client()
    sign_in(client, admin)

    html = client.get(
        "/netzwerke/kunststoffnetz/kennzahlen/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()

    assert "Offene Förderprogramme in den Wachstumsfeldern des Netzwerks" in html
    assert "Recyclingaufruf" in html and closes.strftime("%d.%m.%Y") in html
    assert "Anderes Feld" not in html
