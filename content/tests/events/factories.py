"""factory-boy factories for events and registrations."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from content.events.choices import EventFormat, EventStatus, RegistrationStatus
from content.events.models import Event, Registration


def in_days(days: float, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=int(days))
    return datetime.datetime.combine(
        day, datetime.time(hour, 0), tzinfo=timezone.get_current_timezone()
    )


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Innovationsforum {n}")
    slug = factory.Sequence(lambda n: f"innovationsforum-{n}")
    summary = "Austausch zu neuen Technologien."
    description = "Ein Nachmittag mit Vorträgen."
    start = factory.LazyFunction(lambda: in_days(10))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=3))
    format = EventFormat.ON_SITE
    venue_name = "Kaisersaal"
    venue_street = "Futterstraße 15"
    venue_postal_code = "99084"
    venue_place = "Erfurt"
    status = EventStatus.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    status = RegistrationStatus.CONFIRMED
    consented_at = factory.LazyFunction(timezone.now)
