"""Documents of an event (slides, minutes): checked by their content on upload, served
from the event's page, and kept after the event is over."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.datastructures import MultiValueDict

from content.events.forms import EventDocumentForm
from content.events.models import EventDocument

from .factories import EventFactory, in_days

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_file_that_is_not_what_its_name_says_is_refused() -> None:
    form = EventDocumentForm(
        {"title": "Folien", "kind": "slides"},
        MultiValueDict(
            {"file": [SimpleUploadedFile("folien.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")]}
        ),
    )
    assert not form.is_valid()
    assert "folien.pdf" in str(form.errors["file"])


def test_a_past_events_slides_stay_downloadable(
    client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.EVENT_DOCUMENT_DIR = tmp_path
    event = EventFactory.create(start=in_days(-40))
    form = EventDocumentForm(
        {"title": "Folien Vortrag", "kind": "slides"},
        MultiValueDict({"file": [SimpleUploadedFile("vortrag.pdf", PDF, "application/pdf")]}),
        instance=EventDocument(event=event),
    )
    assert form.is_valid(), form.errors
    document = form.save()

    page = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Folien Vortrag" in page and document.get_absolute_url() in page
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert 'filename="folien-vortrag.pdf"' in response["Content-Disposition"]
    assert client.get(event.get_absolute_url() + "dokumente/999/").status_code == 404


def test_a_networks_manager_adds_minutes_and_others_may_not(
    client: Client, settings: Any, tmp_path: Any
) -> None:
    from django.contrib.auth.models import User

    from accounts.models import OrganisationEditor
    from networks.tests.factories import NetworkFactory

    settings.EVENT_DOCUMENT_DIR = tmp_path
    network = NetworkFactory.create()
    event = EventFactory.create(network=network, start=in_days(-3))
    url = f"/veranstaltungen/{event.slug}/dokumente/neu/"
    assert client.get(url).status_code == 302  # sign in first
    stranger = User.objects.create_user("fremd", "fremd@example.org", "x" * 16)
    client.force_login(stranger)
    assert client.get(url).status_code == 403

    manager = User.objects.create_user("m", "m@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=manager, organisation=network, via="staff")
    client.force_login(manager)
    refused = client.post(
        url,
        {"title": "Protokoll", "kind": "minutes", "file": SimpleUploadedFile("p.pdf", b"<html>")},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert refused.status_code == 200 and not EventDocument.objects.exists()
    assert "p.pdf" in refused.content.decode()
    response = client.post(
        url,
        {"title": "Protokoll", "kind": "minutes", "file": SimpleUploadedFile("p.pdf", PDF)},
    )
    assert response.status_code == 302
    assert EventDocument.objects.get().event == event
