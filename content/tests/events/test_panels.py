"""The events appear on the pages of the networks app: a growth field's page, a
network's page (with "add an event" for its managers), the network's dashboard and the
overview of all networks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.roles import ADMINISTRATOR
from accounts.services import grant_editor, grant_role
from content.events.choices import EventStatus, RegistrationStatus
from core.testing import sign_in
from directory.tests.factories import GrowthFieldFactory
from networks.tests.factories import NetworkFactory

from .factories import EventFactory, RegistrationFactory, in_days

pytestmark = pytest.mark.django_db
GERMAN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "de"}


def test_a_growth_fields_page_lists_its_upcoming_events(client: Client) -> None:
    field = GrowthFieldFactory.create(slug="gesundheit-test", name="Gesundheit Test")
    shown = EventFactory.create(title="Medizintechnik-Dialog")
    shown.growth_fields.add(field)
    past = EventFactory.create(title="Vergangenes Treffen", start=in_days(-5))
    past.growth_fields.add(field)
    draft = EventFactory.create(title="Entwurfstreffen", status=EventStatus.DRAFT)
    draft.growth_fields.add(field)

    page = client.get("/wachstumsfelder/gesundheit-test/", **GERMAN).content.decode()
    assert "Kommende Veranstaltungen" in page and "Medizintechnik-Dialog" in page
    assert "Vergangenes Treffen" not in page and "Entwurfstreffen" not in page
    assert "/veranstaltungen/wachstumsfeld/gesundheit-test.ics" in page


def test_a_networks_page_lists_its_events_and_offers_its_managers_to_add_one(
    client: Client, django_user_model: Any
) -> None:
    network = NetworkFactory.create(slug="optonet-panel")
    EventFactory.create(title="Optik-Stammtisch", network=network)
    EventFactory.create(title="Fremdes Event")
    page = client.get("/netzwerke/optonet-panel/", **GERMAN).content.decode()
    assert "Optik-Stammtisch" in page and "Fremdes Event" not in page
    assert "/veranstaltungen/neu/" not in page

    manager = django_user_model.objects.create_user("m", "m@example.org", "x" * 16)
    grant_editor(manager, network, "review")
    client.force_login(manager)
    page = client.get("/netzwerke/optonet-panel/", **GERMAN).content.decode()
    assert "/veranstaltungen/neu/?netzwerk=optonet-panel" in page


def test_the_dashboards_count_events_registrations_and_attendance(
    client: Client, django_user_model: Any
) -> None:
    network = NetworkFactory.create(slug="zaehlnetz", name="Zählnetz e. V.")
    held = EventFactory.create(network=network, start=in_days(-3))
    RegistrationFactory.create(event=held, attended=True)
    RegistrationFactory.create(event=held)
    RegistrationFactory.create(event=held, status=RegistrationStatus.CANCELLED)
    administrator = django_user_model.objects.create_user("a", "a@example.org", "x" * 16)
    grant_role(administrator, ADMINISTRATOR)
    sign_in(client, administrator)

    page = client.get("/netzwerke/zaehlnetz/kennzahlen/", **GERMAN).content.decode()
    section = page.split('id="dashboard-events-heading"')[1]
    assert "<td>1</td><td>2</td><td>1</td>" in section.replace("\n", "").replace(" ", "")
    overview = client.get("/intern/kennzahlen/netzwerke/", **GERMAN).content.decode()
    row = overview.split('id="overview-events-heading"')[1].split("Zählnetz e. V.")[1]
    assert row.replace(" ", "").startswith("</th><td>1</td><td>2</td><td>1</td>")
