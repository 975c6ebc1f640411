"""Events: saving with the place resolved, cancelling, the lists and the month grid
(docs/events.md). Views, the back office, the demo and tests call these."""

from __future__ import annotations

import calendar as calendar_module
import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from directory.models import Organisation
from geo.geocoding import Geocoder

from .choices import Cost, EventStatus, RegistrationStatus
from .models import Event
from .registration import fill_free_places, mail_event_cancelled


def resolve_place(event: Event) -> None:
    """The municipality and district of the venue's postal code (for the region filter);
    an event online only has none."""
    event.municipality = None
    event.district = None
    if not event.is_on_site or not (event.venue_postal_code or event.venue_place):
        return
    found = Geocoder("offline").offline("", event.venue_postal_code, event.venue_place)
    event.municipality = found.municipality
    event.district = found.district or (found.municipality.district if found.municipality else None)


def save_event(event: Event, growth_fields: Any = None) -> Event:
    """Save an event written by staff or a network's manager: resolve its place, and
    after a cancellation or more places, tell the people registered."""
    previous = Event.objects.filter(pk=event.pk).first() if event.pk else None
    resolve_place(event)
    with transaction.atomic():
        event.save()
        if growth_fields is not None:
            event.growth_fields.set(growth_fields)
        if previous is not None:
            after_change(previous, event)
    return event


def after_change(previous: Event, event: Event) -> None:
    """What follows a change: a cancellation mails everyone registered, more places move
    people up from the waiting list."""
    if event.status == EventStatus.CANCELLED and previous.status != EventStatus.CANCELLED:
        mail_event_cancelled(event)
    elif event.status == EventStatus.PUBLISHED and (
        event.capacity is None
        or (previous.capacity is not None and event.capacity > previous.capacity)
    ):
        fill_free_places(event)


def cancel_event(event: Event) -> int:
    """Cancel an event: it stays visible, marked so; everyone registered is told."""
    with transaction.atomic():
        if event.status == EventStatus.CANCELLED:
            return 0
        event.status = EventStatus.CANCELLED
        event.save()
        return mail_event_cancelled(event)


def visible_events(user: Any = None) -> QuerySet[Event]:
    return Event.objects.public().select_related("network", "district")


def filter_events(queryset: QuerySet[Event], values: dict[str, Any]) -> QuerySet[Event]:
    """The list's and the calendar's filters (validated by ``EventFilterForm``)."""
    if values.get("field"):
        queryset = queryset.filter(growth_fields=values["field"])
    if values.get("network"):
        queryset = queryset.filter(network=values["network"])
    if values.get("district"):
        queryset = queryset.filter(district=values["district"])
    if values.get("format"):
        queryset = queryset.filter(format=values["format"])
    if values.get("cost") == Cost.FREE:
        queryset = queryset.filter(is_free=True)
    elif values.get("cost") == Cost.PAID:
        queryset = queryset.filter(is_free=False)
    zone = timezone.get_current_timezone()
    if values.get("date_from"):
        start = datetime.datetime.combine(values["date_from"], datetime.time.min, tzinfo=zone)
        queryset = queryset.filter(end__gte=start)
    if values.get("date_to"):
        after = values["date_to"] + datetime.timedelta(days=1)
        queryset = queryset.filter(
            start__lt=datetime.datetime.combine(after, datetime.time.min, tzinfo=zone)
        )
    return queryset.distinct()


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    events: list[Event]
    is_today: bool


def month_grid(events: QuerySet[Event], year: int, month: int) -> list[list[Day]]:
    """The weeks (Monday first) of a month with each day's events; an event of several
    days is shown on each of its days."""
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    zone = timezone.get_current_timezone()
    begin = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    by_day: dict[datetime.date, list[Event]] = {}
    for event in events.filter(start__lt=after, end__gte=begin).order_by("start"):
        day = max(timezone.localtime(event.start).date(), first)
        end_day = min(timezone.localtime(event.end).date(), last)
        while day <= end_day:
            by_day.setdefault(day, []).append(event)
            day += datetime.timedelta(days=1)
    today = timezone.localdate()
    return [
        [Day(day, day.month == month, by_day.get(day, []), day == today) for day in week]
        for week in weeks
    ]


def upcoming(queryset: QuerySet[Event], limit: int = 5) -> list[Event]:
    return list(
        queryset.filter(status=EventStatus.PUBLISHED, end__gte=timezone.now())
        .select_related("network")
        .order_by("start")[:limit]
    )


def network_figures(
    networks: list[Organisation], bounds: tuple[datetime.datetime, datetime.datetime]
) -> dict[int, dict[str, int]]:
    """Per network: events held in the period, their registrations and attendance."""
    start, after = bounds
    rows = (
        Event.objects.filter(
            network__in=networks,
            status=EventStatus.PUBLISHED,
            start__gte=start,
            start__lt=after,
        )
        .values("network")
        .annotate(
            events=Count("pk", distinct=True),
            registered=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
            ),
            attended=Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.CONFIRMED,
                    registrations__attended=True,
                ),
            ),
        )
    )
    return {
        row["network"]: {
            "events": row["events"],
            "registered": row["registered"],
            "attended": row["attended"],
        }
        for row in rows
    }
