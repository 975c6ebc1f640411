"""The whole way of an inquiry: filed → routed → confirmed → worked → answered → status
page → feedback; forwarding; due-date warnings exactly once; retention; mail on the wire."""

from __future__ import annotations

import datetime
import re
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.privacy import apply_retention
from accounts.services import grant_editor
from core.testing import sign_in
from directory.tests.factories import OrganisationFactory
from inquiries import services
from inquiries.models import Inquiry, InquiryAttachment, InquiryEvent, InquiryNote, InquiryReply
from messaging.models import Message
from messaging.services import send_due

from .files import PDF

pytestmark = pytest.mark.django_db


def form_data(agency: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Eva Fragend",
        "email": "eva@firma.example",
        "phone": "0361 123456",
        "organisation_name": "Fragend GmbH",
        "topic": agency.topics["foerderung"].pk,
        "urgency": "high",
        "message": "Welche Förderung gibt es für eine neue Fertigungshalle?",
        "consent": "on",
        **extra,
    }


def links(text: Any) -> list[str]:
    return re.findall(r"https?://\S+", str(text))


def test_the_whole_flow(
    agency: Any, client: Client, mail_sent_at_once: None, settings: Any
) -> None:
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = client.post("/anfrage/", {**form_data(agency), "attachment": upload})
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert re.fullmatch(r"A-\d{4}-00001", inquiry.reference)
    assert inquiry.expert == agency.experts["anna"]  # the topic rule
    assert inquiry.team == agency.teams["funding"]
    assert inquiry.status == "assigned"
    assert inquiry.consent_version
    expected_due = inquiry.created + datetime.timedelta(days=settings.INQUIRY_DUE_DAYS["high"])
    assert abs((inquiry.due_at - expected_due).total_seconds()) < 5
    assert inquiry.attachments.get().filename == "plan.pdf"
    # confirmation to the asker, assignment to the expert
    to_asker = [m for m in mail.outbox if m.to == ["eva@firma.example"]]
    assert len(to_asker) == 1 and inquiry.reference in to_asker[0].subject
    status_link = next(u for u in links(to_asker[0].body) if "/anfrage/status/" in u)
    assert inquiry.token in status_link
    assert [m.to for m in mail.outbox if m.to != ["eva@firma.example"]] == [
        ["anna@agentur.example"]
    ]
    # the status page (no address or phone on it)
    page = client.get(response["Location"]).content.decode()
    assert inquiry.reference in page and "Fertigungshalle" in page
    assert "eva@firma.example" not in page and "0361 123456" not in page

    expert = Client()
    sign_in(expert, agency.users["anna"])
    inbox = expert.get("/intern/anfragen/").content.decode()
    assert inquiry.reference in inbox
    case_url = f"/intern/anfragen/{inquiry.reference}/"
    case = expert.get(case_url).content.decode()
    assert "eva@firma.example" in case and "plan.pdf" in case
    attachment = expert.get(f"{case_url}anhang/{inquiry.attachments.get().pk}/")
    assert attachment.status_code == 200
    assert b"".join(attachment.streaming_content) == PDF  # type: ignore[attr-defined]
    expert.post(case_url, {"action": "note", "text": "Intern: Förderprogramm X prüfen"})
    expert.post(case_url, {"action": "status", "status": "in_progress"})
    mail.outbox.clear()
    expert.post(case_url, {"action": "reply", "text": "Das Programm X passt, Antrag bis März."})
    inquiry.refresh_from_db()
    assert inquiry.status == "answered" and inquiry.first_answer_at is not None
    (reply_mail,) = mail.outbox
    assert reply_mail.to == ["eva@firma.example"] and "Programm X" in reply_mail.body
    assert "Förderprogramm X prüfen" not in reply_mail.body  # notes stay internal
    yes = next(u for u in links(reply_mail.body) if u.rstrip("/").endswith("/yes"))
    page = client.get(status_link.replace(settings.PORTAL_URL, "")).content.decode()
    assert "Programm X passt" in page and "Förderprogramm X prüfen" not in page
    # the link opens a page; only its button records (prefetchers do not press buttons)
    feedback_url = yes.replace(settings.PORTAL_URL, "")
    assert client.get(feedback_url).status_code == 200
    inquiry.refresh_from_db()
    assert inquiry.helped == "unknown"
    client.post(feedback_url)
    client.post(feedback_url)
    inquiry.refresh_from_db()
    assert inquiry.helped == "yes"
    kinds = list(inquiry.events.values_list("kind", flat=True))
    assert kinds == ["filed", "routed", "assigned", "note", "status", "reply", "helped"]


def test_a_bad_attachment_is_refused_and_nothing_is_stored(agency: Any, client: Client) -> None:
    upload = SimpleUploadedFile("antrag.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post("/anfrage/", {**form_data(agency), "attachment": upload})
    assert response.status_code == 200
    assert "antrag.pdf" in response.content.decode()
    assert not Inquiry.objects.exists() and not Message.objects.exists()


def test_honeypot_and_rate_limit(agency: Any, client: Client, settings: Any) -> None:
    response = client.post("/anfrage/", {**form_data(agency), "website_url": "spam"})
    assert response.status_code == 200 and not Inquiry.objects.exists()
    # The honeypot attempt counts too: three attempts allowed, two of them stored.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "inquiry": (3, 3600)}
    for _ in range(2):
        client.post("/anfrage/", form_data(agency))
    assert client.post("/anfrage/", form_data(agency)).status_code == 429
    assert Inquiry.objects.count() == 2


def test_reassigning_tells_the_new_expert(agency: Any, mail_sent_at_once: None) -> None:
    inquiry = services.file_inquiry(
        services.NewInquiry(
            name="Eva", email="eva@firma.example", message="Frage", topic=agency.topics["sonstiges"]
        )
    )
    assert inquiry.team == agency.teams["service"] and inquiry.expert is None  # fallback
    mail.outbox.clear()
    admin = Client()
    sign_in(admin, agency.users["clara"])  # lead of the service team
    admin.post(
        f"/intern/anfragen/{inquiry.reference}/",
        {"action": "assign", "expert": agency.experts["dora"].pk},
    )
    inquiry.refresh_from_db()
    assert inquiry.expert == agency.experts["dora"]
    assert [m.to for m in mail.outbox] == [["dora@agentur.example"]]


def test_forwarding_writes_to_the_network_managers_and_tells_the_asker(
    agency: Any, django_user_model: Any, mail_sent_at_once: None
) -> None:
    network = OrganisationFactory.create(name="Netzwerk Leichtbau e.V.", kind="network")
    manager = django_user_model.objects.create_user("m", "manager@netz.example")
    grant_editor(manager, network, "review")
    inquiry = services.file_inquiry(
        services.NewInquiry(
            name="Eva",
            email="eva@firma.example",
            message="Leichtbau?",
            topic=agency.topics["foerderung"],
        )
    )
    mail.outbox.clear()
    expert = Client()
    sign_in(expert, agency.users["anna"])
    expert.post(
        f"/intern/anfragen/{inquiry.reference}/",
        {"action": "forward", "organisation": network.pk, "note": "Bitte übernehmen"},
    )
    inquiry.refresh_from_db()
    assert inquiry.status == "forwarded" and inquiry.forwarded_to == network
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["eva@firma.example", "manager@netz.example"]
    to_manager = next(m for m in mail.outbox if m.to == ["manager@netz.example"])
    assert "Leichtbau?" in to_manager.body and "eva@firma.example" in to_manager.body
    to_asker = next(m for m in mail.outbox if m.to == ["eva@firma.example"])
    assert "Netzwerk Leichtbau" in to_asker.body


def test_due_warnings_go_out_exactly_once(agency: Any) -> None:
    inquiry = services.file_inquiry(
        services.NewInquiry(
            name="Eva",
            email="eva@firma.example",
            message="Frage",
            topic=agency.topics["foerderung"],
            urgency="urgent",
        )
    )
    now = timezone.now()
    warned = Message.objects.filter(key__contains=":soon:")
    services.check_due(now)  # due in 24 h: within the warning time
    assert sorted(warned.values_list("to", flat=True)) == [
        "anna@agentur.example",
        "bernd@agentur.example",  # the team lead
    ]
    services.check_due(now)
    call_command("check_inquiries", stdout=None)
    assert warned.count() == 2
    later = now + datetime.timedelta(days=2)
    services.check_due(later)
    services.check_due(later)
    overdue = Message.objects.filter(key__contains=":overdue:")
    assert overdue.count() == 2
    assert InquiryEvent.objects.filter(inquiry=inquiry, kind="warned").count() == 2
    # answered cases are not warned
    other = services.file_inquiry(
        services.NewInquiry(
            name="Udo",
            email="udo@firma.example",
            message="Frage",
            topic=agency.topics["foerderung"],
        )
    )
    services.send_reply(other, "Antwort", agency.users["anna"])
    services.check_due(now + datetime.timedelta(days=30))
    assert not Message.objects.filter(key__startswith=f"inquiry:{other.pk}:overdue").exists()


def test_retention_deletes_old_closed_inquiries_with_their_files(
    agency: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def filed(name: str) -> Inquiry:
        inquiry = services.file_inquiry(
            services.NewInquiry(
                name=name,
                email=f"{name}@firma.example",
                message="Frage",
                topic=agency.topics["foerderung"],
            ),
            attachment=SimpleUploadedFile(f"{name}.pdf", PDF),
            attachment_kind="pdf",
        )
        services.add_note(inquiry, "intern", agency.users["anna"])
        services.send_reply(inquiry, "Antwort", agency.users["anna"])
        return inquiry

    old, recent, open_case = filed("alt"), filed("neu"), filed("offen")
    for inquiry in (old, recent):
        services.change_status(inquiry, "closed")
    now = timezone.now()
    Inquiry.objects.filter(pk=old.pk).update(
        closed_at=now - datetime.timedelta(days=settings.RETENTION_INQUIRY_DAYS + 1)
    )
    Inquiry.objects.filter(pk=recent.pk).update(
        closed_at=now - datetime.timedelta(days=settings.RETENTION_INQUIRY_DAYS - 1)
    )
    old_file = Path(InquiryAttachment.objects.get(inquiry=old).file.path)
    kept_file = Path(InquiryAttachment.objects.get(inquiry=recent).file.path)
    assert old_file.exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = apply_retention(now)
    assert "inquiries" in str(result)
    assert set(Inquiry.objects.values_list("name", flat=True)) == {"neu", "offen"}
    assert open_case.pk in Inquiry.objects.values_list("pk", flat=True)
    for model in (InquiryAttachment, InquiryEvent, InquiryNote, InquiryReply):
        assert not model.objects.filter(inquiry_id=old.pk).exists(), model
        assert model.objects.filter(inquiry_id=recent.pk).exists(), model
    assert not old_file.exists() and kept_file.exists()


def test_confirmation_and_reply_on_the_wire(
    agency: Any, client: Client, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/anfrage/", form_data(agency))
    inquiry = Inquiry.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_reply(inquiry, "Hier ist die Antwort.", agency.users["anna"])
    send_due(timezone.now() + datetime.timedelta(minutes=1))  # whatever the rate held back
    by_to: dict[str, list[Any]] = {}
    for envelope in smtp_server.envelopes:
        message = message_from_bytes(envelope.content, policy=policy.default)
        by_to.setdefault(envelope.rcpt_tos[0], []).append(message)
    assert set(by_to) == {"eva@firma.example", "anna@agentur.example"}
    confirmation, reply = by_to["eva@firma.example"]
    for message in (confirmation, reply):
        assert message["From"] == "portal@agentur.example"
        assert message.get_content_type() == "multipart/alternative"
        assert inquiry.reference in message["Subject"]
        assert "List-Unsubscribe" not in message  # transactional
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert f"/anfrage/status/{inquiry.token}/" in text
        assert f"/anfrage/status/{inquiry.token}/" in html
    reply_text = reply.get_body(("plain",)).get_content()
    assert "Hier ist die Antwort." in reply_text
    assert f"/anfrage/status/{inquiry.token}/rueckmeldung/yes/" in reply_text
    assert (
        f"/anfrage/status/{inquiry.token}/rueckmeldung/no/"
        in reply.get_body(("html",)).get_content()
    )


def test_suggest_codes_keeps_what_was_typed_and_stores_nothing(agency: Any, client: Client) -> None:
    response = client.post(
        "/anfrage/",
        {
            **form_data(agency, message="Wir fertigen Drehteile und Frästeile aus Metall."),
            "suggest": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<strong>\d\d\.\d\d", html), "no code suggested"
    assert "Drehteile und Frästeile" in html and "eva@firma.example" in html
    assert not Inquiry.objects.exists() and not Message.objects.exists()
    chosen = re.search(r"<strong>(\d\d\.\d\d(?:\.\d)?)</strong>", html)
    assert chosen
    response = client.post("/anfrage/", form_data(agency, wz_code=chosen.group(1)))
    assert response.status_code == 302
    assert Inquiry.objects.get().wz_code.code == chosen.group(1)  # type: ignore[union-attr]
    bad = client.post("/anfrage/", form_data(agency, wz_code="99.99"))
    assert bad.status_code == 200 and "99.99" in bad.content.decode()


def test_forwarding_to_a_network_without_editors_says_why_and_changes_nothing(
    agency: Any, mail_sent_at_once: None
) -> None:
    network = OrganisationFactory.create(name="Stilles Netzwerk e.V.", kind="cluster")
    inquiry = services.file_inquiry(
        services.NewInquiry(
            name="Eva",
            email="eva@firma.example",
            message="Frage",
            topic=agency.topics["foerderung"],
        )
    )
    mail.outbox.clear()
    expert = Client()
    sign_in(expert, agency.users["anna"])
    response = expert.post(
        f"/intern/anfragen/{inquiry.reference}/", {"action": "forward", "organisation": network.pk}
    )
    assert response.status_code == 400
    assert "Stilles Netzwerk e.V." in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == "assigned" and inquiry.forwarded_to is None
    assert mail.outbox == []


def test_reassigning_to_a_team_gives_it_to_the_team_lead(
    agency: Any, mail_sent_at_once: None
) -> None:
    inquiry = services.file_inquiry(
        services.NewInquiry(
            name="Eva",
            email="eva@firma.example",
            message="Frage",
            topic=agency.topics["foerderung"],
        )
    )
    mail.outbox.clear()
    expert = Client()
    sign_in(expert, agency.users["anna"])
    response = expert.post(
        f"/intern/anfragen/{inquiry.reference}/",
        {"action": "assign", "team": agency.teams["service"].pk},
    )
    # Anna no longer sees the case: she is sent back to her inbox.
    assert response.status_code == 302 and response["Location"] == "/intern/anfragen/"
    inquiry.refresh_from_db()
    assert inquiry.expert is None and inquiry.team == agency.teams["service"]
    assert [m.to for m in mail.outbox] == [["clara@agentur.example"]]  # the lead
    assert expert.get(f"/intern/anfragen/{inquiry.reference}/").status_code == 404


def test_a_failure_while_filing_leaves_neither_rows_nor_files(
    agency: Any, settings: Any, monkeypatch: Any
) -> None:
    def broken(inquiry: Any) -> Any:
        raise RuntimeError("routing failed")

    monkeypatch.setattr(services, "route", broken)
    with pytest.raises(RuntimeError):
        services.file_inquiry(
            services.NewInquiry(
                name="Eva",
                email="eva@firma.example",
                message="Frage",
                topic=agency.topics["foerderung"],
            ),
            attachment=SimpleUploadedFile("plan.pdf", PDF),
            attachment_kind="pdf",
        )
    assert not Inquiry.objects.exists() and not InquiryAttachment.objects.exists()
    folder = Path(settings.INQUIRY_ATTACHMENT_DIR)
    assert not [p for p in folder.rglob("*") if p.is_file()]
