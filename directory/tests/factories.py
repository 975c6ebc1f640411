"""factory-boy factories for tests (never hand-written JSON fixtures)."""

from __future__ import annotations

import factory
from django.utils.text import slugify

from classification.models import CertificationStandard, GrowthField, Technology, WzCode
from directory.choices import OrganisationKind, PublicationStatus, Visibility
from directory.models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = OrganisationKind.COMPANY
    name = factory.Sequence(lambda n: f"Testfirma {n} GmbH")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    legal_form = "GmbH"
    short_description = "Präzisionsteile aus Thüringen"
    status = PublicationStatus.PUBLISHED


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    street = factory.Sequence(lambda n: f"Hauptstraße {n + 1}")
    postal_code = "99084"
    place = "Erfurt"
    latitude = 50.9746
    longitude = 11.0297
    geocode_precision = "postal_code"


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Mustermann{n}")
    role = "Geschäftsführerin"
    phone = "+49 361 000000"
    email = factory.Sequence(lambda n: f"kontakt{n}@example.org")
    visibility = Visibility.PUBLIC


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Produkt {n}")


class WzCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WzCode
        django_get_or_create = ("version", "code")

    version = "2008"
    code = "20.20.0"
    level = 5
    section = "C"
    title = "Herstellung von Schädlingsbekämpfungs-, Pflanzenschutz- und Desinfektionsmitteln"


class TechnologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technology
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Technologie {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class GrowthFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrowthField
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Wachstumsfeld {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CertificationStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationStandard
        django_get_or_create = ("slug",)

    name = "ISO 9001"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    organisation = factory.SubFactory(OrganisationFactory)
    standard = factory.SubFactory(CertificationStandardFactory)


class ExternalIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalIdentifier

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = "agency"
    value = factory.Sequence(lambda n: f"LEG-{n:06d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    network = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.NETWORK,
        name=factory.Sequence(lambda n: f"Netzwerk {n} e. V."),
    )
