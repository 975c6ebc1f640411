"""Hostile values in every public input of the relayed contact (the three contact forms,
the one-time link, the conversation page, the editors' settings): a message or a refusal,
never a server error; a relayed or held message is always whole."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Account
from directory.tests.factories import OrganisationFactory
from messaging import relay
from messaging.models import Conversation, PendingRelay, RelayedMessage
from search.tests.test_fuzz_get import HOSTILE, HOSTILE_CHARACTERS

from .postings_factories import PostingFactory, editor_of, signed_in

pytestmark = pytest.mark.django_db

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09 .,-@"), min_size=1, max_size=12),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        ["send", "reply", "reveal", "block", "posting:1", "a@b.example", "x" * 4001, "nobody"]
    ),
)
FIELDS = ("step", "name", "email", "subject", "body", "about", "organisation", "website_url")
RUN = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def no_limits(settings: Any) -> None:
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "contact": (0, 3600),
        "address": (0, 3600),
    }


def whole_messages() -> bool:
    return all(m.body.strip() for m in RelayedMessage.objects.all()) and all(
        p.payload.get("body") and p.payload.get("subject") for p in PendingRelay.objects.all()
    )


@pytest.mark.usefixtures("no_limits", "mail_sent_at_once")
def test_hostile_posts_to_the_contact_forms() -> None:
    firm = OrganisationFactory.create(email="info@firma.example")
    posting = PostingFactory.create(organisation=firm)
    user = User.objects.create_user("uwe", "uwe@privat.example", "x" * 16)
    Account.objects.update_or_create(user=user, defaults={"email_verified_at": timezone.now()})
    clients = [Client(), signed_in(user)]
    drawn = st.fixed_dictionaries({name: st.lists(VALUE, max_size=2) for name in FIELDS}).map(
        lambda d: {k: v for k, v in d.items() if v}
    )

    @RUN
    @given(data=drawn)
    def check(data: dict[str, list[str]]) -> None:
        for client in clients:
            for url in (
                f"/kontakt/organisation/{firm.slug}/",
                f"/kontakt/gesuch/{posting.pk}/",
                "/kontakt/auswahl/",
            ):
                response = client.post(url, data)
                assert response.status_code < 500, (url, data)
        assert whole_messages()

    check()


@pytest.mark.usefixtures("no_limits", "mail_sent_at_once")
def test_hostile_tokens_and_conversation_posts() -> None:
    firm = OrganisationFactory.create(email="info@firma.example")
    editor = editor_of(firm)
    conversation = relay.start_conversation(
        about="organisation:1",
        about_title="Firma",
        about_url="",
        subject="Frage",
        sender=relay.Party("visitor:x", "Vera", "vera@privat.example"),
        recipient=relay.Party("organisation:1", "Firma", "info@firma.example"),
        body="Hallo",
    )
    token = conversation.participants.get(side="recipient").token
    editor_client = signed_in(editor)

    @RUN
    @given(value=VALUE, action=VALUE, body=VALUE)
    def check(value: str, action: str, body: str) -> None:
        path_value = quote(value, safe="") or "x"
        for url in (f"/kontakt/bestaetigen/{path_value}/", f"/nachrichten/c/{path_value}/"):
            assert Client().get(url).status_code in (200, 404, 400), url
            assert Client().post(url).status_code in (200, 302, 400, 404), url
        response = Client().post(f"/nachrichten/c/{token}/", {"action": action, "body": body})
        assert response.status_code < 500
        response = editor_client.post(
            f"/kontakt/einstellungen/{firm.slug}/", {"policy": value, "unblock": action}
        )
        assert response.status_code < 500
        assert whole_messages()
        assert Conversation.objects.filter(pk=conversation.pk).exists()

    check()
