"""The poster sees who responded to a posting (names and dates, never addresses);
visitors do not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .postings_factories import PostingFactory, editor_of, signed_in

pytestmark = pytest.mark.django_db


def test_the_poster_sees_who_responded(mail_sent_at_once: None) -> None:
    relay = pytest.importorskip("messaging.relay")
    posting = PostingFactory.create(title="Gesucht: Gussteile")
    editor = editor_of(posting.organisation)
    relay.start_conversation(
        about=f"posting:{posting.pk}",
        about_title=posting.title,
        about_url=posting.get_absolute_url(),
        subject=f"Antwort auf {posting.title}",
        sender=relay.Party(
            key="visitor:abc", name="Gießerei Nord GmbH", address="info@nord.example"
        ),
        recipient=relay.Party(
            key=f"organisation:{posting.organisation_id}",
            name=posting.organisation.name,
            address=editor.email,
        ),
        body="Wir können liefern.",
    )
    page = signed_in(editor).get(posting.get_absolute_url()).content.decode()
    assert "Gießerei Nord GmbH" in page and "info@nord.example" not in page
    visitor: Any = Client().get(posting.get_absolute_url()).content.decode()
    assert "Gießerei Nord GmbH" not in visitor


def test_without_responses_the_poster_is_told_so() -> None:
    posting = PostingFactory.create()
    editor = editor_of(posting.organisation)
    page = signed_in(editor).get(posting.get_absolute_url()).content.decode()
    assert "Wer geantwortet hat" in page
