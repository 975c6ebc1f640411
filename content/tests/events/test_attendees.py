"""Who registered is personal data: the attendee list, its CSV and XLSX files and the
check-in list are for the event's organiser (its network's managers) and the agency's
administrators only; everyone else is sent to sign in or refused."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import OrganisationEditor
from accounts.roles import ADMINISTRATOR, EDITOR
from accounts.services import grant_role
from content.events.choices import RegistrationStatus
from core.testing import sign_in
from networks.tests.factories import NetworkFactory

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> Any:
    network = NetworkFactory.create()
    event = EventFactory.create(network=network, slug="laser-tag")
    RegistrationFactory.create(
        event=event, name="Ada Lovelace", email="ada@example.org", organisation="=HYPERLINK(1)"
    )
    RegistrationFactory.create(event=event, name="Bea Warte", status=RegistrationStatus.WAITING)
    RegistrationFactory.create(event=event, name="Cid Storno", status=RegistrationStatus.CANCELLED)
    return event


def user(name: str, **kwargs: Any) -> User:
    return User.objects.create_user(name, f"{name}@example.org", "x" * 16, **kwargs)


URLS = (
    "/veranstaltungen/laser-tag/teilnehmende/",
    "/veranstaltungen/laser-tag/teilnehmende.csv",
    "/veranstaltungen/laser-tag/teilnehmende.xlsx",
)


def test_visitors_are_sent_to_sign_in_and_others_are_refused(client: Client, event: Any) -> None:
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]
    other_network = NetworkFactory.create()
    stranger = user("fremd")
    OrganisationEditor.objects.create(user=stranger, organisation=other_network, via="staff")
    client.force_login(stranger)
    for url in URLS:
        assert client.get(url).status_code == 403
    assert "ada@example.org" not in client.get(event.get_absolute_url()).content.decode()


def test_editors_of_the_back_office_without_the_registrations_right_are_refused(
    client: Client, event: Any
) -> None:
    editor = user("redakteur")
    grant_role(editor, EDITOR)
    sign_in(client, editor)
    assert client.get(URLS[0]).status_code == 403
    # They keep the event itself in the back office, without the registrations inline.
    page = client.get(f"/admin/content/event/{event.pk}/change/")
    assert page.status_code == 200 and "ada@example.org" not in page.content.decode()


def test_the_networks_manager_exports_and_checks_in(client: Client, event: Any) -> None:
    manager = user("managerin")
    OrganisationEditor.objects.create(user=manager, organisation=event.network, via="staff")
    client.force_login(manager)

    page = client.get(URLS[0], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ada Lovelace" in page and "Bea Warte" in page and "Cid Storno" not in page
    assert "Warteliste" in page

    csv_text = client.get(URLS[1]).content.decode("utf-8-sig")
    assert "ada@example.org" in csv_text and "Cid Storno" not in csv_text
    assert "'=HYPERLINK(1)" in csv_text  # no formula for Excel

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(URLS[2]).content))
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "Ada Lovelace" in cells and "=HYPERLINK(1)" in cells

    ada = event.registrations.get(name="Ada Lovelace")
    response = client.post(URLS[0], {"attended": [str(ada.pk), "abc", "9" * 30]})
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.attended
    client.post(URLS[0], {})
    ada.refresh_from_db()
    assert not ada.attended


def test_administrators_see_every_events_list(client: Client, event: Any) -> None:
    administrator = user("admina")
    grant_role(administrator, ADMINISTRATOR)
    sign_in(client, administrator)
    assert "ada@example.org" in client.get(URLS[1]).content.decode("utf-8-sig")
    assert client.get("/veranstaltungen/laser-tag/teilnehmende.json").status_code == 404
