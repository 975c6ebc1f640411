"""iCalendar (RFC 5545) for events: one file per event and subscribable feeds.

Written here rather than by a library, since it is little: lines end in CRLF, are folded
at 75 octets (never inside a UTF-8 sequence), text escapes backslash, semicolon, comma and
line breaks; times are UTC (``…Z``), so no VTIMEZONE is needed. An event's UID is its
primary key with the portal's host, stable across changes; ``SEQUENCE`` grows with each
change so calendars replace their copy, and a cancelled event says ``STATUS:CANCELLED``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from .choices import EventStatus
from .models import Event

CONTENT_TYPE = "text/calendar; charset=utf-8"


def escape_text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded into pieces of at most 75 octets, continuation lines
    starting with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    pieces: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74  # the leading space takes one octet
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    return urlsplit(settings.PORTAL_URL).hostname or "clusterportal"


def uid(event: Event) -> str:
    return f"event-{event.pk}@{_host()}"


def _location(event: Event) -> str:
    parts = [event.venue_name, event.address] if event.is_on_site else []
    text = ", ".join(p for p in parts if p)
    if event.is_online and event.online_url:
        text = f"{text} / {event.online_url}" if text else event.online_url
    return text


def _event_lines(event: Event, stamp: datetime.datetime) -> list[str]:
    url = settings.PORTAL_URL.rstrip("/") + event.get_absolute_url()
    description = "\n\n".join(p for p in (event.summary, event.description, url) if p)
    sequence = int(event.modified.timestamp()) - int(event.created.timestamp())
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(event)}",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"SEQUENCE:{max(0, sequence)}",
        f"LAST-MODIFIED:{utc(event.modified)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        f"ORGANIZER;CN={_param(event.organiser_name)}:mailto:{_organiser_address()}",
        "STATUS:" + ("CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED"),
    ]
    location = _location(event)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    categories = [field.name for field in event.growth_fields.all()]
    if categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(name) for name in categories))
    lines.append("END:VEVENT")
    return lines


def _param(value: str) -> str:
    """A parameter value: quoted, without the characters a quoted value may not hold."""
    cleaned = "".join(ch for ch in value if ch not in '"\r\n' and (ch >= " " or ch == "\t"))
    return f'"{cleaned}"'


def _organiser_address() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()


def calendar(events: Iterable[Event], name: str, now: datetime.datetime | None = None) -> bytes:
    stamp = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape_text(settings.PORTAL_NAME)}//Veranstaltungen//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Berlin",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
