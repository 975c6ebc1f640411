"""The data download and account deletion cover the apps above accounts: relayed
conversations, expert inquiries, requests and offers, digests; each app registers its part
(``accounts.privacy.register_personal_data``). Nothing of another person is downloaded or
changed; after deletion the person's address and name are found in none of those tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.privacy import delete_account, export_user_data
from accounts.services import grant_editor
from core.testing import sign_in
from directory.models import ChangeRequest, Organisation
from directory.tests.factories import OrganisationFactory
from inquiries import services as inquiry_services
from inquiries.choices import InquiryStatus
from inquiries.models import Inquiry, InquiryAttachment
from inquiries.tests.conftest import Agency, make_agency
from inquiries.tests.files import PDF
from messaging import relay
from messaging.models import Conversation, Message, Participant, PartyBlock, PendingRelay
from sourcing.contact import services as contact
from sourcing.models import DigestSubscription, Posting
from sourcing.postings.notifications import set_digest
from sourcing.tests.postings_factories import PostingFactory

pytestmark = pytest.mark.django_db

MIA = "mia.roth@beispiel.de"
LEA = "lea.berg@beispiel.de"
VERA = "vera.vogel@privat.example"
PASSWORD = "Werkbank-Fräse-2026"


def person(email: str, first: str, last: str, confirmed: bool = True) -> User:
    user = User.objects.create_user(email, email, PASSWORD, first_name=first, last_name=last)
    Account.objects.create(user=user, email_verified_at=timezone.now() if confirmed else None)
    return user


def firm(name: str) -> Organisation:
    return cast(Organisation, OrganisationFactory(name=name, email=""))


@dataclass
class World:
    mia: User
    lea: User
    agency: Agency
    workshop: Organisation  # Mia maintains it
    foundry: Organisation  # Lea maintains it
    open_case: Inquiry
    closed_case: Inquiry
    leas_case: Inquiry
    to_foundry: Conversation  # Mia (signed in) writes to Lea's foundry
    to_workshop: Conversation  # a visitor writes to Mia's workshop
    before_registering: Conversation  # Mia wrote as a visitor, with her address
    strangers: Conversation  # Vera writes to the foundry: nothing of Mia's


def inquiry(agency: Agency, email: str, name: str, **extra: Any) -> Inquiry:
    return inquiry_services.file_inquiry(
        inquiry_services.NewInquiry(
            name=name,
            email=email,
            message=extra.pop("message", "Wie beantrage ich die Förderung?"),
            topic=agency.topics["foerderung"],
            **extra,
        ),
        attachment=SimpleUploadedFile("plan.pdf", PDF),
        attachment_kind="pdf",
    )


@pytest.fixture
def world(settings: Any, tmp_path: Any, django_user_model: Any) -> World:
    settings.INQUIRY_ATTACHMENT_DIR = tmp_path / "attachments"
    mia = person(MIA, "Mia", "Roth")
    lea = person(LEA, "Lea", "Berg")
    workshop, foundry = firm("Feinmechanik Saale GmbH"), firm("Gießerei Ilm GmbH")
    grant_editor(mia, workshop, "domain")
    grant_editor(lea, foundry, "domain")
    agency = make_agency(django_user_model)

    # Inquiries: two filed with Mia's address (written differently), one by Lea.
    open_case = inquiry(
        agency, "Mia.Roth@Beispiel.de", "Mia Roth", phone="0361 777", organisation_name="Roth Bau"
    )
    closed_case = inquiry(agency, MIA, "Mia Roth", message="Alte Frage zur Roth-Werkstatt")
    inquiry_services.send_reply(closed_case, "Hier ist die Antwort.", agency.users["anna"])
    inquiry_services.change_status(closed_case, InquiryStatus.CLOSED, agency.users["anna"])
    leas_case = inquiry(agency, LEA, "Lea Berg", phone="0361 888")

    # Relayed conversations.
    sender = contact.sender_for_user(mia, "Mia Roth")
    assert sender is not None
    to_foundry = contact.deliver(
        sender=sender, organisations=[foundry], subject="Gussteile", body="Können Sie gießen?"
    ).sent[0][1]
    foundry_side = to_foundry.participants.get(side=Participant.Side.RECIPIENT)
    relay.reply(to_foundry, foundry_side, "Ja, ab 100 Stück.")
    vera = relay.Party(key=relay.visitor_key(VERA), name="Vera Vogel", address=VERA)
    to_workshop = contact.deliver(
        sender=vera, organisations=[workshop], subject="Frästeile", body="Fräsen Sie Alu?"
    ).sent[0][1]
    relay.reply(
        to_workshop, to_workshop.participants.get(user=mia), "Ja, gern. Schicken Sie Pläne."
    )
    before = relay.Party(key=relay.visitor_key(MIA), name="Mia Roth", address=MIA)
    before_registering = contact.deliver(
        sender=before, organisations=[foundry], subject="Frühere Frage", body="Haben Sie Zeit?"
    ).sent[0][1]
    strangers = contact.deliver(
        sender=vera, organisations=[foundry], subject="Veras Anfrage", body="Veras Text"
    ).sent[0][1]
    relay.block(contact.organisation_key(foundry), sender.key, "Mia Roth")
    relay.block(contact.organisation_key(foundry), "visitor:someone-else", "Otto Fremd")
    contact.hold_for_confirmation(
        name="Mia Roth",
        address=MIA,
        organisation_ids=[foundry.pk],
        subject="Noch offen",
        body="Wartet auf den Link",
        about="",
    )
    contact.hold_for_confirmation(
        name="Vera Vogel",
        address=VERA,
        organisation_ids=[foundry.pk],
        subject="Veras Wartende",
        body="Auch offen",
        about="",
    )

    # Requests, offers, digests; a change request in the directory.
    PostingFactory(organisation=workshop, created_by=mia, title="Suche Härterei")
    PostingFactory(organisation=foundry, created_by=lea, title="Biete Sandguss")
    set_digest(workshop, "weekly", mia)
    set_digest(foundry, "daily", lea)
    ChangeRequest.objects.create(
        organisation=workshop, kind="edit", author=mia, author_email=MIA, message="Neue Halle"
    )
    return World(
        mia,
        lea,
        agency,
        workshop,
        foundry,
        open_case,
        closed_case,
        leas_case,
        to_foundry,
        to_workshop,
        before_registering,
        strangers,
    )


def test_the_download_holds_each_apps_part_and_nothing_of_anyone_else(world: World) -> None:
    client = Client()
    sign_in(client, world.mia)
    response = client.get(reverse("accounts:data-download"))
    text = response.content.decode()
    data = json.loads(text)

    relayed = data["relayed_contact"]
    by_subject = {c["subject"]: c for c in relayed["conversations"]}
    assert set(by_subject) == {"Gussteile", "Frästeile", "Frühere Frage"}
    asked = by_subject["Gussteile"]
    assert asked["your_side"] == "sender" and asked["recipient"] == "Gießerei Ilm GmbH"
    assert [(m["direction"], m["by_you"], m["text"]) for m in asked["messages"]] == [
        ("sent", True, "Können Sie gießen?"),
        ("received", False, "Ja, ab 100 Stück."),
    ]
    answered = by_subject["Frästeile"]
    assert answered["your_side"] == "recipient"
    assert [(m["direction"], m["text"]) for m in answered["messages"]] == [
        ("received", "Fräsen Sie Alu?"),
        ("sent", "Ja, gern. Schicken Sie Pläne."),
    ]
    assert [w["subject"] for w in relayed["waiting_for_confirmation"]] == ["Noch offen"]

    cases = {c["reference"]: c for c in data["inquiries"]}
    assert set(cases) == {world.open_case.reference, world.closed_case.reference}
    closed = cases[world.closed_case.reference]
    assert closed["status"] == "closed" and closed["closed"]
    assert [r["text"] for r in closed["replies"]] == ["Hier ist die Antwort."]
    assert cases[world.open_case.reference]["phone"] == "0361 777"
    assert cases[world.open_case.reference]["topic"] == "Förderung"

    assert [p["title"] for p in data["sourcing"]["postings_created"]] == ["Suche Härterei"]
    assert [(d["organisation"], d["frequency"]) for d in data["sourcing"]["digests_chosen"]] == [
        ("Feinmechanik Saale GmbH", "weekly")
    ]
    assert [r["message"] for r in data["change_requests"]] == ["Neue Halle"]

    # Nobody else's address, name, case, message or posting.
    for foreign in (
        LEA,
        VERA,
        "Lea Berg",
        "Vera Vogel",
        "Veras",
        "Otto Fremd",
        world.leas_case.reference,
        "0361 888",
        "Biete Sandguss",
    ):
        assert foreign not in text, foreign


def test_an_unconfirmed_address_gives_nobody_the_cases_and_messages_filed_under_it(
    world: World,
) -> None:
    Account.objects.filter(user=world.mia).update(email_verified_at=None)
    data = export_user_data(world.mia)
    assert data["inquiries"] == []
    subjects = {c["subject"] for c in data["relayed_contact"]["conversations"]}
    # What the account itself took part in stays hers; what only her address did does not.
    assert subjects == {"Gussteile", "Frästeile"}
    assert data["relayed_contact"]["waiting_for_confirmation"] == []
    delete_account(world.mia)
    assert Inquiry.objects.filter(email__iexact=MIA).count() == 2
    assert PendingRelay.objects.filter(address=MIA).exists()


def traces_of(mia: User) -> dict[str, int]:
    name = Q(name__icontains="Roth")
    return {
        "participants": Participant.objects.filter(Q(address__iexact=MIA) | name).count(),
        "blocks": PartyBlock.objects.filter(label__icontains="Roth").count(),
        "waiting": PendingRelay.objects.filter(Q(address__iexact=MIA) | name).count(),
        "inquiries": Inquiry.objects.filter(
            Q(email__iexact=MIA)
            | name
            | Q(phone="0361 777")
            | Q(organisation_name__icontains="Roth")
            | Q(message__icontains="Roth")
        ).count(),
        "postings": Posting.objects.filter(created_by=mia).count(),
        "digests": DigestSubscription.objects.filter(created_by=mia).count(),
        "change requests": ChangeRequest.objects.filter(
            Q(author_email=MIA) | Q(message="Neue Halle")
        ).count(),
    }


def others(hers: list[int]) -> dict[str, Any]:
    """What belongs to other people, to compare before and after (``hers``: the
    participant rows of Mia)."""
    return {
        "participants": sorted(
            Participant.objects.exclude(pk__in=hers).values_list(
                "pk", "name", "address", "token", "user"
            )
        ),
        "messages": sorted(
            Message.objects.exclude(to=MIA)
            .exclude(body_text__contains="Mia Roth")
            .values_list("pk", "to", "body_text")
        ),
        "inquiry": Inquiry.objects.filter(email=LEA).values().get(),
        "waiting": sorted(PendingRelay.objects.filter(address=VERA).values_list("pk", "name")),
        "blocks": sorted(PartyBlock.objects.exclude(blocked__startswith="user:").values_list()),
        "postings": sorted(Posting.objects.filter(created_by__email=LEA).values_list("pk")),
        "digests": sorted(
            DigestSubscription.objects.filter(created_by__email=LEA).values_list("pk")
        ),
    }


def test_deleting_the_account_leaves_no_address_or_name_in_the_apps_and_keeps_the_rest(
    world: World,
) -> None:
    before = traces_of(world.mia)
    assert all(before.values()), before  # the check below could fail
    hers = Participant.objects.filter(Q(address=MIA) | Q(user=world.mia))
    old_links = list(hers.values_list("token", flat=True))
    her_rows = list(hers.values_list("pk", flat=True))
    assert len(her_rows) == 3
    kept = others(her_rows)
    client = Client()
    sign_in(client, world.mia)
    assert client.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code == 302

    assert traces_of(world.mia) == dict.fromkeys(before, 0)
    assert others(her_rows) == kept

    # Conversations stay for the other side until the relay's retention, without her name.
    foundry_view = Client()
    sign_in(foundry_view, world.lea)
    page = foundry_view.get(world.to_foundry.get_absolute_url()).content.decode()
    assert "Können Sie gießen?" in page and "Gelöschtes Konto" in page
    assert "Roth" not in page
    # Her private links open nothing any more.
    for token in old_links:
        assert Client().get(reverse("messaging:conversation", args=[token])).status_code == 404
    # The other side can still answer; no mail goes to an erased address.
    answers = [
        relay.reply(
            world.to_foundry, world.to_foundry.participants.get(user=world.lea), "Noch da?"
        ),
        relay.reply(
            world.to_workshop,
            world.to_workshop.participants.get(side=Participant.Side.SENDER),
            "Danke!",
        ),
    ]
    for answer in answers:
        assert not Message.objects.filter(key__startswith=f"relay:{answer.pk}:").exists()

    # Postings and digests stay with the organisation; only the author link is gone.
    assert Posting.objects.get(title="Suche Härterei").organisation == world.workshop
    assert DigestSubscription.objects.get(organisation=world.workshop).frequency == "weekly"
    # An open case keeps its question for the expert; a closed one loses it and its files.
    world.open_case.refresh_from_db()
    world.closed_case.refresh_from_db()
    assert world.open_case.message == "Wie beantrage ich die Förderung?"
    assert world.open_case.attachments.exists()
    assert (world.closed_case.message, world.closed_case.attachments.exists()) == ("", False)
    assert [r.text for r in world.closed_case.replies.all()] == ["Hier ist die Antwort."]
    assert InquiryAttachment.objects.filter(inquiry=world.leas_case).exists()


def test_the_expert_can_close_a_case_of_a_deleted_account_but_not_write_to_it(
    world: World,
) -> None:
    delete_account(world.mia)
    expert = Client()
    sign_in(expert, world.agency.users["anna"])
    url = world.open_case.get_absolute_url()
    for action, values in (
        ("reply", {"text": "Eine Antwort"}),
        ("forward", {"organisation": world.foundry.pk, "note": ""}),
    ):
        refused = expert.post(url, {"action": action, **values})
        assert refused.status_code == 400
        assert "Person hat ihr Konto gelöscht" in refused.content.decode()
    assert not world.open_case.replies.exists()
    closed = expert.post(url, {"action": "status", "status": InquiryStatus.CLOSED})
    assert closed.status_code == 302
    world.open_case.refresh_from_db()
    assert world.open_case.status == InquiryStatus.CLOSED
