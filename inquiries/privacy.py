"""What the expert inquiries hold about a person, for their data download and for deleting
their account (registered in ``InquiriesConfig.ready()``; docs/accounts.md, "Privacy").

Inquiries are filed without an account, so a person's inquiries are those filed with
their confirmed address (``accounts.privacy.confirmed_address``): an address nobody
confirmed gives no one the cases filed under it.

Erasing removes who asked (name, address, phone, organisation) from every such case.
A case that is not closed keeps its question and attachments, so that the expert can
finish it (it can no longer be answered by mail: it has no address); a closed case loses
them too. The agency's own parts (replies, internal notes, the events) stay until the
inquiries' retention deletes the closed case (``RETENTION_INQUIRY_DAYS``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from accounts.privacy import confirmed_address

from .choices import InquiryStatus
from .models import Inquiry, InquiryAttachment, attachment_storage


def inquiries_of(user: Any) -> QuerySet[Inquiry]:
    address = confirmed_address(user)
    if not address:
        return Inquiry.objects.none()
    return Inquiry.objects.filter(email__iexact=address)


def export_inquiries(user: Any) -> list[dict[str, Any]]:
    cases = inquiries_of(user).select_related("topic").prefetch_related("replies", "attachments")
    return [
        {
            "reference": case.reference,
            "topic": case.topic.name if case.topic else None,
            "name": case.name,
            "email": case.email,
            "phone": case.phone,
            "organisation": case.organisation_name,
            "place": case.place,
            "message": case.message,
            "attachments": [a.filename for a in case.attachments.all()],
            "status": case.status,
            "filed": case.created.isoformat(),
            "answered": case.answered_at.isoformat() if case.answered_at else None,
            "closed": case.closed_at.isoformat() if case.closed_at else None,
            "replies": [
                {"time": r.created.isoformat(), "from": r.author_name, "text": r.text}
                for r in case.replies.all()
            ],
        }
        for case in cases.order_by("created", "pk")
    ]


def erase_inquiries(user: Any) -> None:
    cases = inquiries_of(user)
    closed = cases.filter(status=InquiryStatus.CLOSED)
    files = list(
        InquiryAttachment.objects.filter(inquiry__in=closed).values_list("file", flat=True)
    )
    InquiryAttachment.objects.filter(inquiry__in=closed).delete()
    closed.update(message="", place="")
    cases.update(name="", email="", phone="", organisation_name="")

    def remove_files() -> None:
        for name in files:
            if name:
                attachment_storage.delete(name)

    transaction.on_commit(remove_files)
