"""factory-boy factories for network profiles."""

from __future__ import annotations

import factory

from directory.choices import OrganisationKind
from directory.tests.factories import OrganisationFactory
from networks.models import NetworkProfile


class NetworkFactory(OrganisationFactory):
    kind = OrganisationKind.NETWORK
    name = factory.Sequence(lambda n: f"Netzwerk Thüringen {n} e. V.")
    legal_form = "e. V."


class NetworkProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkProfile

    organisation = factory.SubFactory(NetworkFactory)
    mission = "Wir vernetzen die Kunststoffverarbeiter der Region."
    goals = "Gemeinsame Forschungsprojekte und Fachkräfte für die Branche."
    focus_topics = "Leichtbau\nRecycling"
    services = "Arbeitskreise, Messestände, Weiterbildung"
