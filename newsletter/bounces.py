"""The mailbox reader: bounce reports (DSN, RFC 3464) and complaint reports (ARF,
RFC 5965) from an mbox file or a Maildir, recorded as the bounce endpoint records them
(``services.record_bounce``). ``manage.py read_bounces`` runs it (docs/newsletter.md)."""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from email.utils import parseaddr
from pathlib import Path

from .choices import BounceKind
from .services import record_bounce


@dataclass(frozen=True)
class Report:
    address: str
    kind: str
    detail: str


def _address(value: str | None) -> str:
    """``rfc822; someone@example.org`` or ``<someone@example.org>`` → the address."""
    text = (value or "").split(";", 1)[-1].strip()
    address = parseaddr(text)[1] or text
    return address if "@" in address and " " not in address else ""


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a delivery-status or feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    raw = part.get_payload(decode=True)
    text = raw if isinstance(raw, bytes) else b""
    chunks = text.decode("utf-8", "replace").replace("\r\n", "\n").split("\n\n")
    return [HeaderParser().parsestr(chunk) for chunk in chunks if chunk.strip()]


def parse_report(message: Message) -> list[Report]:
    """What a report mail says: one ``Report`` per failed or delayed recipient of a DSN,
    one complaint for an ARF report; nothing for any other mail."""
    if message.get_content_type() != "multipart/report":
        return []
    report_type = (message.get_param("report-type") or "").lower()  # type: ignore[union-attr]
    reports: list[Report] = []
    for part in message.walk():
        kind = part.get_content_type()
        if report_type == "delivery-status" and kind == "message/delivery-status":
            for block in _blocks(part)[1:] or _blocks(part):
                address = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
                action = (block.get("Action") or "").strip().lower()
                status = (block.get("Status") or "").strip()
                if not address or action not in ("failed", "delayed"):
                    continue
                hard = action == "failed" and status.startswith("5")
                detail = f"{action} {status} {block.get('Diagnostic-Code', '')}".strip()
                reports.append(
                    Report(address, BounceKind.HARD if hard else BounceKind.SOFT, detail)
                )
        elif report_type == "feedback-report" and kind == "message/feedback-report":
            for block in _blocks(part):
                address = _address(block.get("Original-Rcpt-To"))
                if not address:
                    address = _original_recipient(message)
                if address:
                    feedback = block.get("Feedback-Type", "abuse")
                    reports.append(Report(address, BounceKind.COMPLAINT, f"feedback {feedback}"))
                break
    return reports


def _original_recipient(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if not isinstance(inner, Message):
                raw = part.get_payload(decode=True)
                inner = HeaderParser().parsestr(
                    raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
                )
            address = _address(inner.get("To"))
            if address:
                return address
    return ""


@dataclass
class ReadResult:
    mails: int = 0
    reports: int = 0
    other: int = 0


def read_mailbox(path: Path, delete: bool = False) -> ReadResult:
    """Record the reports of every mail in ``path`` (a Maildir folder or an mbox file).
    Maildir mails read are marked seen (moved to ``cur`` with flag S) and skipped the
    next time; with ``delete`` they are removed, as mbox mails must be to be read once."""
    result = ReadResult()
    box: mailbox.Mailbox = (
        mailbox.Maildir(path, create=False) if path.is_dir() else mailbox.mbox(path)
    )
    box.lock()
    try:
        for key in list(box.keys()):
            mail = box[key]
            if isinstance(mail, mailbox.MaildirMessage) and "S" in mail.get_flags():
                continue
            result.mails += 1
            reports = parse_report(mail)
            for report in reports:
                record_bounce(report.address, report.kind, report.detail)
            result.reports += len(reports)
            result.other += not reports
            if delete:
                box.remove(key)
            elif isinstance(mail, mailbox.MaildirMessage):
                mail.set_subdir("cur")
                mail.add_flag("S")
                box[key] = mail
        box.flush()
    finally:
        box.unlock()
        box.close()
    return result
