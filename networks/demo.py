"""Demo profiles for the generated demo networks (``make run``).

The texts are built from each network's definition in the directory's demo data
(its focus technologies, town and growth fields), so that a profile reads like one
written for that network. Profiles are written in bulk without history, like the
rest of the generated data, and marked ``source="generated"``.
"""

from __future__ import annotations

import random

from core import pagecache
from directory.choices import NETWORK_KINDS, OrganisationKind, PublicationStatus, Source
from directory.demo_data.sectors import NETWORKS, NetworkDefinition
from directory.models import Organisation

from .choices import Cooperation
from .models import NetworkProfile, PartnerCluster
from .signals import report

# Invented clusters outside the region: partners of the demo networks outside the directory.
OUTSIDE_PARTNERS = (
    ("Clusterinitiative Feinwerk Oberfranken", "Bayreuth, Deutschland"),
    ("Netzwerk Leichtbau Mittelsachsen", "Chemnitz, Deutschland"),
    ("Photonik-Verbund Nordhessen", "Kassel, Deutschland"),
    ("Cluster Ernährungswirtschaft Altmark", "Stendal, Deutschland"),
    ("Südmährischer Maschinenbaucluster", "Brno, Tschechien"),
    ("Niederschlesisches Energiecluster", "Wrocław, Polen"),
)
DEMO_PARTNER_NOTE = "Demodaten: erfundene Kooperation zur Vorführung des Partnergraphen."

GOALS = (
    "Gemeinsame Forschungs- und Entwicklungsprojekte der Mitglieder anstoßen und begleiten.",
    "Fachkräfte für die Region gewinnen: Ausbildung, Studium und Quereinstieg.",
    "Die Kompetenzen der Mitglieder bei Auftraggebern im In- und Ausland sichtbar machen.",
    "Wertschöpfungsketten in Thüringen schließen und Zulieferer einbinden.",
    "Den Wissenstransfer zwischen Hochschulen, Instituten und Unternehmen stärken.",
    "Die Mitglieder bei der Digitalisierung und beim klimaneutralen Wirtschaften begleiten.",
)
SERVICES = (
    "Arbeitskreise und Erfahrungsaustausch der Mitglieder",
    "Gemeinschaftsstände auf Fachmessen",
    "Vermittlung von Kooperationspartnern und Zulieferern",
    "Beratung zu Förderprogrammen des Landes, des Bundes und der EU",
    "Weiterbildungen, Fachexkursionen und Unternehmensbesuche",
    "Newsletter und Veranstaltungskalender für die Branche",
    "Projektanbahnung und Antragsbegleitung für Verbundvorhaben",
)


def generated_exist() -> bool:
    return NetworkProfile.objects.filter(source=Source.GENERATED).exists()


def generated_partners_exist() -> bool:
    return PartnerCluster.objects.filter(description=DEMO_PARTNER_NOTE).exists()


def profile_for(
    definition: NetworkDefinition, network: Organisation, rng: random.Random
) -> NetworkProfile:
    topics = list(definition.technologies)
    word = "Der Cluster" if network.kind == OrganisationKind.CLUSTER else "Das Netzwerk"
    focus = ", ".join(topics[:-1]) + f" und {topics[-1]}" if len(topics) > 1 else "".join(topics)
    mission = definition.short
    if focus:
        mission += (
            f" {word} stärkt die Zusammenarbeit seiner Mitglieder in {focus} und macht "
            f"ihre Kompetenzen rund um {definition.town} und in ganz Thüringen sichtbar."
        )
    return NetworkProfile(
        organisation=network,
        mission=mission,
        goals="\n".join(rng.sample(GOALS, 3)),
        focus_topics="\n".join(topics),
        services="\n".join(rng.sample(SERVICES, 4)),
        source=Source.GENERATED,
    )


def generate(seed: int = 7) -> int:
    """Write a profile for each generated demo network without one; return how many."""
    rng = random.Random(seed)
    definitions = {definition.name: definition for definition in NETWORKS}
    networks = (
        Organisation.objects.filter(
            source=Source.GENERATED,
            kind__in=NETWORK_KINDS,
            name__in=list(definitions),
            network_profile__isnull=True,
        )
        .exclude(status=PublicationStatus.ARCHIVED)
        .order_by("pk")
    )
    profiles = [profile_for(definitions[network.name], network, rng) for network in networks]
    NetworkProfile.objects.bulk_create(profiles, batch_size=200)
    pagecache.written("networks")
    # A bulk write skips the signals: tell the search itself.
    report(profile.organisation_id for profile in profiles)
    return len(profiles)


def generate_partners(seed: int = 7) -> int:
    """Give the generated demo networks partner clusters; return how many were written.

    Each demo network without partner records gets one or two partners among the other
    demo networks and, every other one, a partner from outside the region, so that the
    partner graph has cooperations both ways and outside the directory. The records
    carry ``DEMO_PARTNER_NOTE`` as their description: that marks them as generated (the
    model has no source field) and makes a second run leave them alone.
    """
    rng = random.Random(seed)
    networks = list(
        Organisation.objects.filter(source=Source.GENERATED, kind__in=NETWORK_KINDS)
        .exclude(status=PublicationStatus.ARCHIVED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(networks) < 2:
        return 0
    taken = set(
        PartnerCluster.objects.filter(network_id__in=networks).values_list("network_id", flat=True)
    )
    pairs = set(
        PartnerCluster.objects.filter(partner__isnull=False).values_list("network_id", "partner_id")
    )
    kinds = [kind for kind, _label in Cooperation.choices]
    records: list[PartnerCluster] = []
    for index, network in enumerate(networks):
        if network in taken:
            continue
        others = [pk for pk in networks if pk != network]
        for partner in rng.sample(others, min(len(others), rng.randint(1, 2))):
            if (network, partner) in pairs or (partner, network) in pairs:
                continue
            pairs.add((network, partner))
            records.append(
                PartnerCluster(
                    network_id=network,
                    partner_id=partner,
                    in_region=True,
                    cooperation=rng.choice(kinds),
                    since=rng.randint(2012, 2025),
                    description=DEMO_PARTNER_NOTE,
                )
            )
        if index % 2 == 0:
            name, location = OUTSIDE_PARTNERS[(index // 2) % len(OUTSIDE_PARTNERS)]
            records.append(
                PartnerCluster(
                    network_id=network,
                    partner_name=name,
                    partner_location=location,
                    cooperation=rng.choice(kinds),
                    since=rng.randint(2012, 2025),
                    description=DEMO_PARTNER_NOTE,
                )
            )
    PartnerCluster.objects.bulk_create(records, batch_size=200)
    pagecache.written("networks")  # a bulk write skips the signals
    return len(records)
