"""factory-boy factories for funding programmes, their calls and the geography they name."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from content.funding.choices import FundingType, Level, ProgrammeStatus
from content.funding.models import Call, Programme
from geo.models import District, PostalCode, State


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ("ags",)

    ags = "16"
    name = "Thüringen"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("ags",)

    ags = "16053"
    name = "Jena"
    state = factory.SubFactory(StateFactory)


class PostalCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostalCode
        django_get_or_create = ("code", "place")

    code = "07743"
    place = "Jena"
    district = factory.SubFactory(DistrictFactory)
    state = factory.LazyAttribute(lambda o: o.district.state)
    latitude = 50.93
    longitude = 11.59


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Förderprogramm {n}")
    slug = factory.Sequence(lambda n: f"programm-{n}")
    provider = "Förderbank"
    level = Level.FEDERAL
    target_groups = ["company"]
    topics = ["innovation"]
    funding_type = FundingType.GRANT
    continuous = True
    url = "https://example.org/programm"
    summary = "Zuschüsse für Vorhaben."
    last_checked = factory.LazyFunction(timezone.localdate)
    status = ProgrammeStatus.PUBLISHED


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory, continuous=False)
    title = "Aufruf"
    opens = None
    closes = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
