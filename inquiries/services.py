"""Every change of an inquiry: filing, routing, assignment, notes, replies, forwarding,
feedback, due-date warnings and retention. Views, commands and tests call these; each
writes its event and its mails (through the outbox) in the same transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrganisationEditor
from accounts.privacy import consent_version
from core.abuse import clean_text
from core.uploads import KINDS
from directory.models import Organisation
from messaging import services as outbox
from messaging.choices import MailList
from messaging.models import Message

from .choices import OPEN_STATUSES, EventKind, Helped, InquiryStatus
from .models import (
    Expert,
    Inquiry,
    InquiryAttachment,
    InquiryCounter,
    InquiryEvent,
    InquiryNote,
    InquiryReply,
    Team,
    reference_number,
)
from .routing import route

MAIL = "inquiries/email/case"


def absolute(path: str) -> str:
    return f"{settings.PORTAL_URL}{path}"


def _name(user: Any) -> str:
    if user is None:
        return _("the portal")
    expert = Expert.objects.filter(user=user).first()
    if expert:
        return expert.name
    return user.get_full_name() or user.get_username()


def log(inquiry: Inquiry, kind: str, text: str = "", actor: Any = None) -> InquiryEvent:
    return InquiryEvent.objects.create(inquiry=inquiry, kind=kind, text=text[:500], actor=actor)


def _mail(
    to: str, subject: str, key: str, paragraphs: list[str], links: list[tuple[str, str]]
) -> None:
    outbox.enqueue(
        to=to,
        subject=subject,
        template=MAIL,
        context={"paragraphs": paragraphs, "links": links},
        key=key,
        category=MailList.TRANSACTIONAL,
    )


def due_for(urgency: str, start: datetime.datetime) -> datetime.datetime:
    days = settings.INQUIRY_DUE_DAYS.get(urgency, settings.INQUIRY_DUE_DAYS["normal"])
    return start + datetime.timedelta(days=days)


def _next_reference(year: int) -> str:
    counter, _created = InquiryCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return reference_number(year, counter.last)


@dataclass
class NewInquiry:
    name: str
    email: str
    message: str
    topic: Any
    urgency: str = "normal"
    phone: str = ""
    organisation_name: str = ""
    growth_field: Any = None
    wz_code: Any = None
    district: Any = None
    place: str = ""


def file_inquiry(
    data: NewInquiry, attachment: UploadedFile | None = None, attachment_kind: str = ""
) -> Inquiry:
    """Store an inquiry, route it, confirm it to the asker and tell the expert; all or
    nothing (an attachment file written before a failure is removed again)."""
    stored: list[str] = []
    try:
        return _file_inquiry(data, attachment, attachment_kind, stored)
    except BaseException:
        from .models import attachment_storage

        for name in stored:
            if name:
                attachment_storage.delete(name)
        raise


@transaction.atomic
def _file_inquiry(
    data: NewInquiry, attachment: UploadedFile | None, attachment_kind: str, stored: list[str]
) -> Inquiry:
    now = timezone.now()
    inquiry = Inquiry.objects.create(
        reference=_next_reference(now.year),
        name=clean_text(data.name, 200),
        email=data.email.strip(),
        phone=clean_text(data.phone, 60),
        organisation_name=clean_text(data.organisation_name, 200),
        topic=data.topic,
        growth_field=data.growth_field,
        wz_code=data.wz_code,
        district=data.district,
        place=clean_text(data.place, 120),
        urgency=data.urgency,
        message=clean_text(data.message, 5000),
        consent_at=now,
        consent_version=consent_version(),
        due_at=due_for(data.urgency, now),
    )
    if attachment is not None:
        kind = KINDS.get(attachment_kind)
        item = InquiryAttachment(
            inquiry=inquiry,
            filename=clean_text(attachment.name or "attachment", 200),
            content_type=kind.content_type if kind else "application/octet-stream",
            size=attachment.size or 0,
        )
        item.file.save(attachment.name or "attachment", attachment, save=False)
        stored.append(item.file.name or "")
        item.save()
    log(inquiry, EventKind.FILED, inquiry.topic.name if inquiry.topic else "")
    found = route(inquiry)
    if found.rule is not None:
        log(inquiry, EventKind.ROUTED, str(found.rule))
        assign(inquiry, expert=found.expert, team=found.team, actor=None)
    status_link = absolute(inquiry.status_url())
    _mail(
        inquiry.email,
        _("Your inquiry %(ref)s") % {"ref": inquiry.reference},
        f"inquiry:{inquiry.pk}:confirmation",
        [
            _("Hello %(name)s,") % {"name": inquiry.name},
            _(
                "thank you for your inquiry. It has the reference number %(ref)s; an expert "
                "of the agency will answer by %(due)s."
            )
            % {
                "ref": inquiry.reference,
                "due": timezone.localtime(inquiry.due_at).strftime("%d.%m.%Y"),
            },
            _("This private link shows the status and the answers (keep it to yourself):"),
        ],
        [(_("Status of your inquiry"), status_link)],
    )
    return inquiry


def _assignment_recipients(inquiry: Inquiry) -> list[str]:
    if inquiry.expert and inquiry.expert.email:
        return [inquiry.expert.email]
    team = inquiry.team
    if team is None:
        return []
    if team.email:
        return [team.email]
    if team.lead and team.lead.email:
        return [team.lead.email]
    return []


@transaction.atomic
def assign(
    inquiry: Inquiry, *, expert: Expert | None = None, team: Team | None = None, actor: Any = None
) -> Inquiry:
    """Give the case to an expert (and their team) or to a team; the new holder gets a
    mail (once per assignment)."""
    if expert is None and team is None:
        raise ValueError("assign needs an expert or a team")
    if expert is not None and team is None:
        team = expert.team
    inquiry.expert, inquiry.team = expert, team
    if inquiry.status == InquiryStatus.NEW:
        inquiry.status = InquiryStatus.ASSIGNED
    inquiry.save(update_fields=["expert", "team", "status", "modified"])
    holder = expert.name if expert else (team.name if team else "")
    event = log(inquiry, EventKind.ASSIGNED, holder, actor)
    link = absolute(inquiry.get_absolute_url())
    for address in _assignment_recipients(inquiry):
        _mail(
            address,
            _("New inquiry %(ref)s for you") % {"ref": inquiry.reference},
            f"inquiry:{inquiry.pk}:assigned:{event.pk}:{address}",
            [
                _("The inquiry %(ref)s (%(topic)s, urgency: %(urgency)s) is now yours.")
                % {
                    "ref": inquiry.reference,
                    "topic": inquiry.topic or "-",
                    "urgency": inquiry.get_urgency_display(),
                },
                _("Due: %(due)s.")
                % {"due": timezone.localtime(inquiry.due_at).strftime("%d.%m.%Y %H:%M")},
            ],
            [(_("Open the case in the inbox"), link)],
        )
    return inquiry


@transaction.atomic
def change_status(inquiry: Inquiry, status: str, actor: Any = None) -> Inquiry:
    if status not in InquiryStatus.values:
        raise ValueError(f"unknown status {status!r}")
    if status == inquiry.status:
        return inquiry
    old = inquiry.get_status_display()
    now = timezone.now()
    inquiry.status = status
    if status == InquiryStatus.CLOSED:
        inquiry.closed_at = now
    elif inquiry.closed_at:
        inquiry.closed_at = None
    if status == InquiryStatus.ANSWERED and not inquiry.answered_at:
        inquiry.answered_at = now
    inquiry.save()
    log(inquiry, EventKind.STATUS, f"{old} → {inquiry.get_status_display()}", actor)
    return inquiry


@transaction.atomic
def add_note(inquiry: Inquiry, text: str, actor: Any) -> InquiryNote:
    note = InquiryNote.objects.create(inquiry=inquiry, author=actor, text=clean_text(text, 5000))
    log(inquiry, EventKind.NOTE, "", actor)
    return note


def feedback_links(inquiry: Inquiry) -> list[tuple[str, str]]:
    from django.urls import reverse

    return [
        (_("Yes, it helped"), absolute(reverse("inquiries:feedback", args=[inquiry.token, "yes"]))),
        (_("No"), absolute(reverse("inquiries:feedback", args=[inquiry.token, "no"]))),
    ]


@transaction.atomic
def send_reply(inquiry: Inquiry, text: str, actor: Any) -> InquiryReply:
    """Answer the asker by mail; the answer stays with the case and on the status page."""
    text = clean_text(text, 10000)
    if not text:
        raise ValueError("empty reply")
    now = timezone.now()
    reply = InquiryReply.objects.create(
        inquiry=inquiry, author=actor, author_name=_name(actor), text=text
    )
    if inquiry.first_answer_at is None:
        inquiry.first_answer_at = now
    inquiry.answered_at = now
    inquiry.status = InquiryStatus.ANSWERED
    inquiry.save()
    log(inquiry, EventKind.REPLY, "", actor)
    _mail(
        inquiry.email,
        _("Answer to your inquiry %(ref)s") % {"ref": inquiry.reference},
        f"inquiry:{inquiry.pk}:reply:{reply.pk}",
        [
            _("Hello %(name)s,") % {"name": inquiry.name},
            _("%(author)s of the agency answers your inquiry %(ref)s:")
            % {"author": reply.author_name, "ref": inquiry.reference},
            text,
            _("Did this answer help you? One click is enough:"),
        ],
        [
            *feedback_links(inquiry),
            (_("Status of your inquiry"), absolute(inquiry.status_url())),
        ],
    )
    return reply


def partner_organisations() -> Any:
    from directory.choices import NETWORK_KINDS, PublicationStatus

    return Organisation.objects.filter(
        kind__in=NETWORK_KINDS, status=PublicationStatus.PUBLISHED
    ).order_by("name")


@transaction.atomic
def forward(inquiry: Inquiry, organisation: Organisation, note: str, actor: Any) -> int:
    """Pass the inquiry to a network or cluster: its editors (the network's managers)
    get it by mail, the asker is told. Answers how many managers were written to."""
    editors = OrganisationEditor.objects.filter(
        organisation=organisation, user__is_active=True
    ).select_related("user")
    addresses = sorted({e.user.email for e in editors if e.user.email})
    if not addresses:
        raise ValueError(
            _("%(org)s has no editor with an email address to forward to.")
            % {"org": organisation.name}
        )
    note = clean_text(note, 2000)
    inquiry.forwarded_to = organisation
    inquiry.status = InquiryStatus.FORWARDED
    inquiry.save()
    event = log(inquiry, EventKind.FORWARDED, organisation.name, actor)
    details = [
        _("Reference: %(ref)s") % {"ref": inquiry.reference},
        _("From: %(name)s, %(org)s, %(email)s %(phone)s")
        % {
            "name": inquiry.name,
            "org": inquiry.organisation_name or "-",
            "email": inquiry.email,
            "phone": inquiry.phone,
        },
        _("Topic: %(topic)s") % {"topic": inquiry.topic or "-"},
        inquiry.message,
    ]
    for address in addresses:
        _mail(
            address,
            _("An inquiry forwarded to %(org)s") % {"org": organisation.name},
            f"inquiry:{inquiry.pk}:forward:{event.pk}:{address}",
            [
                _(
                    "%(who)s of the agency forwards an inquiry to you as the managers of "
                    "%(org)s. Please answer the asker directly."
                )
                % {"who": _name(actor), "org": organisation.name},
                *([note] if note else []),
                *details,
            ],
            [],
        )
    _mail(
        inquiry.email,
        _("Your inquiry %(ref)s was forwarded") % {"ref": inquiry.reference},
        f"inquiry:{inquiry.pk}:forwarded:{event.pk}",
        [
            _("Hello %(name)s,") % {"name": inquiry.name},
            _(
                "we have passed your inquiry %(ref)s to %(org)s, a partner network that "
                "knows the subject well. Its managers will contact you directly."
            )
            % {"ref": inquiry.reference, "org": organisation.name},
        ],
        [(_("Status of your inquiry"), absolute(inquiry.status_url()))],
    )
    return len(addresses)


@transaction.atomic
def record_helped(inquiry: Inquiry, answer: str) -> Inquiry:
    """The asker's one-click feedback; the same answer twice changes nothing."""
    if answer not in (Helped.YES, Helped.NO):
        raise ValueError(answer)
    if inquiry.helped != answer:
        inquiry.helped = answer
        inquiry.save(update_fields=["helped", "modified"])
        log(inquiry, EventKind.HELPED, str(Helped(answer).label))
    return inquiry


def is_overdue(inquiry: Inquiry, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        inquiry.status in OPEN_STATUSES and inquiry.first_answer_at is None and inquiry.due_at < now
    )


@dataclass
class DueReport:
    due_soon: int = 0
    overdue: int = 0

    def __str__(self) -> str:
        return f"{self.due_soon} due soon, {self.overdue} overdue warning(s) written"


def _warn(inquiry: Inquiry, stage: str) -> int:
    addresses: list[str] = []
    if inquiry.expert and inquiry.expert.email:
        addresses.append(inquiry.expert.email)
    lead = inquiry.team.lead if inquiry.team else None
    if lead and lead.email and lead.email not in addresses:
        addresses.append(lead.email)
    if not addresses and inquiry.team and inquiry.team.email:
        addresses.append(inquiry.team.email)
    due = timezone.localtime(inquiry.due_at).strftime("%d.%m.%Y %H:%M")
    if stage == "overdue":
        subject = _("Inquiry %(ref)s is overdue") % {"ref": inquiry.reference}
        text = _("The inquiry %(ref)s was due on %(due)s and has no answer yet.")
    else:
        subject = _("Inquiry %(ref)s is due soon") % {"ref": inquiry.reference}
        text = _("The inquiry %(ref)s is due on %(due)s and has no answer yet.")
    written = 0
    for address in addresses:
        key = f"inquiry:{inquiry.pk}:{stage}:{address}"
        before = Message.objects.filter(key=key).exists()
        _mail(
            address,
            subject,
            key,
            [text % {"ref": inquiry.reference, "due": due}],
            [(_("Open the case in the inbox"), absolute(inquiry.get_absolute_url()))],
        )
        written += not before
    if written:
        log(inquiry, EventKind.WARNED, stage)
    return written


def check_due(now: datetime.datetime | None = None) -> DueReport:
    """Warn the expert and the team lead of cases due soon and overdue: once per case
    and stage (the outbox key)."""
    now = now or timezone.now()
    report = DueReport()
    soon = now + datetime.timedelta(hours=settings.INQUIRY_DUE_SOON_HOURS)
    open_cases = Inquiry.objects.filter(
        status__in=OPEN_STATUSES, first_answer_at__isnull=True, due_at__lt=soon
    ).select_related("expert", "team", "team__lead")
    for inquiry in open_cases:
        with transaction.atomic():
            if inquiry.due_at < now:
                report.overdue += bool(_warn(inquiry, "overdue"))
            else:
                report.due_soon += bool(_warn(inquiry, "soon"))
    return report


def apply_inquiry_retention(now: datetime.datetime) -> int:
    """Delete inquiries closed more than RETENTION_INQUIRY_DAYS ago with their notes,
    replies, events and attachments (files too, after the commit)."""
    cutoff = now - datetime.timedelta(days=settings.RETENTION_INQUIRY_DAYS)
    old = Inquiry.objects.filter(status=InquiryStatus.CLOSED, closed_at__lt=cutoff)
    with transaction.atomic():
        files = list(
            InquiryAttachment.objects.filter(inquiry__in=old).values_list("file", flat=True)
        )
        count = old.count()
        old.delete()

        def remove_files() -> None:
            from .models import attachment_storage

            for name in files:
                if name:
                    attachment_storage.delete(name)

        transaction.on_commit(remove_files)
    return count


def may_see_expert_contact(expert: Expert, user: Any) -> bool:
    """Whether ``user`` may see the expert's own email address and phone on the public
    team page: the expert's choice, judged by the directory's one rule of who sees what
    (name, role and responsibility are public)."""
    from directory.services import contact_visibilities_for

    return expert.contact_visibility in contact_visibilities_for(user)
