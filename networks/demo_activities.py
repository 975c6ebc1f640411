"""Demo working groups, projects and quality labels of the generated demo networks.

Built from each network's own focus topics and members, so that they read like a
network's real ones. Only networks whose organisation is generated demo data get them
(their pages say so); written in bulk, the search is told itself.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from core import pagecache
from directory.choices import NETWORK_KINDS, PublicationStatus, Source
from directory.models import Organisation

from .choices import LabelLevel, LabelScheme, ProjectStatus
from .models import NetworkProject, QualityLabel, WorkingGroup
from .signals import report

GROUP_GOALS = (
    "Erfahrungsaustausch der Mitglieder, gemeinsame Positionen gegenüber Politik und Verwaltung.",
    "Gemeinsame Vorhaben vorbereiten und Förderanträge abstimmen.",
    "Anforderungen der Anwender sammeln und in Entwicklungsprojekte übersetzen.",
    "Fachkräfte gewinnen: Praktika, Abschlussarbeiten und Weiterbildung gemeinsam organisieren.",
)
MEETINGS = (
    "vierteljährlich, reihum bei den Mitgliedern",
    "zweimal im Jahr, mit Online-Treffen dazwischen",
    "monatlich online, einmal im Jahr in Präsenz",
)
PROJECT_TITLES = (
    "Verbundprojekt {topic} 2030",
    "Transferplattform {topic}",
    "Qualifizierungsoffensive {topic}",
    "Pilotlinie {topic}",
)
FUNDING = (
    "Thüringer Innovationsförderung (FTI), Thüringer Aufbaubank",
    "ZIM-Kooperationsnetzwerk, Bundesministerium für Wirtschaft",
    "EFRE-Programm Thüringen 2021–2027",
    "Eigenmittel der Mitglieder",
)


def generated_exist() -> bool:
    return WorkingGroup.objects.filter(
        network__source=Source.GENERATED, network__kind__in=NETWORK_KINDS
    ).exists()


def _networks() -> list[Organisation]:
    return list(
        Organisation.objects.filter(source=Source.GENERATED, kind__in=NETWORK_KINDS)
        .exclude(status=PublicationStatus.ARCHIVED)
        .exclude(working_groups__isnull=False)
        .prefetch_related("network_profile", "contacts")
        .order_by("pk")
    )


def _topics(network: Organisation) -> list[str]:
    profile = getattr(network, "network_profile", None)
    topics = profile.focus_topic_list if profile is not None else []
    return topics or [network.name.split()[0]]


def generate(seed: int = 11, today: datetime.date | None = None) -> int:
    """Write groups, projects and labels for each generated network that has none; return
    for how many networks. Bulk writes without history, as all generated data."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    networks = _networks()
    groups: list[tuple[WorkingGroup, list[int]]] = []
    projects: list[tuple[NetworkProject, list[int], list[int]]] = []
    labels: list[QualityLabel] = []
    for network in networks:
        members = list(
            Organisation.objects.filter(
                memberships__network=network, status=PublicationStatus.PUBLISHED
            ).values_list("pk", flat=True)
        )
        fields = list(network.growth_fields.values_list("pk", flat=True))
        contact = next(iter(network.contacts.all()), None)
        topics = _topics(network)
        for index, topic in enumerate(topics[: rng.randint(1, 3)]):
            group = WorkingGroup(
                network=network,
                name=f"AG {topic}",
                topic=f"{topic}: Stand der Technik, Bedarfe der Anwender, gemeinsame Vorhaben",
                goals=rng.choice(GROUP_GOALS),
                meetings=rng.choice(MEETINGS),
                next_meeting=today + datetime.timedelta(days=rng.randint(10, 120)),
                contact=contact,
                order=index,
            )
            groups.append((group, rng.sample(members, min(len(members), rng.randint(3, 9)))))
        for topic in rng.sample(topics, min(len(topics), rng.randint(1, 2))):
            start = today.year - rng.randint(0, 4)
            project = NetworkProject(
                network=network,
                title=rng.choice(PROJECT_TITLES).format(topic=topic),
                summary=(
                    f"Mitglieder des Netzwerks entwickeln gemeinsam Lösungen im Bereich "
                    f"{topic} und erproben sie bei Anwendern in der Region."
                ),
                status=rng.choice(list(ProjectStatus)),
                start_year=start,
                end_year=start + rng.randint(2, 4),
                funding=rng.choice(FUNDING),
            )
            partners = rng.sample(members, min(len(members), rng.randint(2, 5)))
            projects.append((project, partners, fields))
        labels.extend(_labels(network, rng, today))
    with transaction.atomic():
        WorkingGroup.objects.bulk_create([group for group, _members in groups])
        WorkingGroup.members.through.objects.bulk_create(
            WorkingGroup.members.through(workinggroup_id=group.pk, organisation_id=member)
            for group, members in groups
            for member in members
        )
        NetworkProject.objects.bulk_create([project for project, _p, _f in projects])
        NetworkProject.partners.through.objects.bulk_create(
            NetworkProject.partners.through(networkproject_id=project.pk, organisation_id=org)
            for project, partners, _fields in projects
            for org in partners
        )
        NetworkProject.growth_fields.through.objects.bulk_create(
            NetworkProject.growth_fields.through(networkproject_id=project.pk, growthfield_id=f)
            for project, _partners, fields in projects
            for f in fields
        )
        QualityLabel.objects.bulk_create(labels)
        pagecache.written("networks")  # a bulk write skips the signals
    # A bulk write skips the signals: tell the search itself.
    report(network.pk for network in networks)
    return len(networks)


def _labels(network: Organisation, rng: random.Random, today: datetime.date) -> list[QualityLabel]:
    found = []
    if rng.random() < 0.45:
        awarded = today - datetime.timedelta(days=rng.randint(30, 700))
        # Some end soon, so that the reminders and the expiry can be seen in the demo.
        ends = awarded + datetime.timedelta(days=730)
        found.append(
            QualityLabel(
                network=network,
                scheme=LabelScheme.ECEI,
                level=rng.choice([LabelLevel.BRONZE, LabelLevel.SILVER, LabelLevel.GOLD]),
                awarded=awarded,
                valid_until=ends,
            )
        )
    if rng.random() < 0.35:
        found.append(
            QualityLabel(
                network=network,
                scheme=LabelScheme.GO_CLUSTER,
                level=LabelLevel.MEMBER,
                awarded=today - datetime.timedelta(days=rng.randint(100, 1500)),
                valid_until=today + datetime.timedelta(days=rng.randint(-60, 900)),
            )
        )
    for label in found:
        # bulk_create skips save(): an ended label is already known as ended.
        label.expiry_indexed = bool(label.valid_until and label.valid_until < today)
    return found
