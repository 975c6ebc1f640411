"""A made-up agency team for demonstrations (``manage.py generate_demo_experts``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from classification.models import GrowthField
from directory.choices import Visibility
from geo.models import District

from .models import Expert, InquiryTopic, RoutingRule, Team

GENERATED = "generated"

TOPICS = [
    ("Förderung", "Förderprogramme, Zuschüsse und Darlehen für Investitionen und Innovation."),
    ("Fachkräfte", "Gewinnung, Qualifizierung und Bindung von Fachkräften."),
    ("Technologietransfer", "Kontakte zu Hochschulen und Forschungseinrichtungen."),
    ("Ansiedlung und Standort", "Flächen, Gewerbegebiete, Genehmigungen, Erweiterungen."),
    ("Kooperation und Netzwerke", "Partner, Cluster und Netzwerke in der Region."),
    ("Internationalisierung", "Export, Messen im Ausland, internationale Partner."),
    ("Digitalisierung", "Digitale Prozesse, IT-Sicherheit, Förderung der Digitalisierung."),
    ("Barrierefreiheit", "Barrieren auf diesem Portal melden, Inhalte in barrierefreier Form."),
    ("Sonstiges", "Alles, was in keine andere Rubrik passt."),
]

# (name, role, team, topics)
PEOPLE = [
    (
        "Katrin Demo-Albrecht",
        "Teamleiterin Unternehmensservice",
        "service",
        ["Sonstiges", "Barrierefreiheit"],
    ),
    ("Jonas Demo-Becker", "Berater Förderung", "foerderung", ["Förderung"]),
    (
        "Miriam Demo-Conrad",
        "Teamleiterin Förderung",
        "foerderung",
        ["Förderung", "Digitalisierung"],
    ),
    ("Stefan Demo-Dietrich", "Referent Fachkräftesicherung", "service", ["Fachkräfte"]),
    ("Leonie Demo-Ebert", "Managerin Technologietransfer", "innovation", ["Technologietransfer"]),
    (
        "Tobias Demo-Fink",
        "Teamleiter Innovation",
        "innovation",
        ["Technologietransfer", "Kooperation und Netzwerke"],
    ),
    ("Sabine Demo-Graf", "Ansiedlungsmanagerin", "standort", ["Ansiedlung und Standort"]),
    ("Ahmet Demo-Hoffmann", "Berater Internationalisierung", "standort", ["Internationalisierung"]),
]
TEAMS = {
    "service": ("Unternehmensservice", "Katrin Demo-Albrecht"),
    "foerderung": ("Förderteam", "Miriam Demo-Conrad"),
    "innovation": ("Innovation und Transfer", "Tobias Demo-Fink"),
    "standort": ("Standort und Ansiedlung", "Sabine Demo-Graf"),
}


def address(name: str) -> str:
    first, last = name.split(" ", 1)
    return f"{slugify(first)}.{slugify(last.replace('Demo-', ''))}@agentur.example.org"


def has_demo_experts() -> bool:
    return Expert.objects.exists() or InquiryTopic.objects.exists()


@transaction.atomic
def generate() -> dict[str, int]:
    topics = {}
    for order, (name, description) in enumerate(TOPICS):
        topics[name], _created = InquiryTopic.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "description": description, "order": order}
        )
    teams = {}
    for key, (name, _lead) in TEAMS.items():
        teams[key], _created = Team.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "email": f"{key}@agentur.example.org",
                "description": "Demo-Team (erfundene Daten).",
                "source": GENERATED,
            },
        )
    experts = {}
    districts = list(District.objects.order_by("ags")[:40])
    growth = list(GrowthField.objects.order_by("pk"))
    for n, (name, role, team, topic_names) in enumerate(PEOPLE):
        expert, created = Expert.objects.get_or_create(
            email=address(name),
            defaults={
                "name": name,
                "role": role,
                "phone": f"0361 555 {100 + n}",
                "team": teams[team],
                "responsibility": f"Ansprechpartner für {', '.join(topic_names)}.",
                # Half of them show their contact data to everyone, as an expert may choose.
                "contact_visibility": Visibility.PUBLIC if n % 2 == 0 else Visibility.STAFF,
                "source": GENERATED,
            },
        )
        if created:
            expert.topics.set([topics[t] for t in topic_names])
            if districts:
                expert.districts.set(districts[n * 5 : n * 5 + 5])
            if growth:
                expert.growth_fields.set(growth[n % len(growth) :: len(PEOPLE)][:2])
        experts[name] = expert
    for key, (_name, lead) in TEAMS.items():
        teams[key].lead = experts[lead]
        teams[key].save(update_fields=["lead"])
    if not RoutingRule.objects.exists():
        rules = [RoutingRule(fallback=True, team=teams["service"], source=GENERATED)]
        for name, _role, _team, topic_names in PEOPLE:
            rules.append(
                RoutingRule(topic=topics[topic_names[0]], expert=experts[name], source=GENERATED)
            )
        for n, field in enumerate(growth[:4]):
            rules.append(
                RoutingRule(
                    growth_field=field,
                    topic=topics["Förderung"],
                    expert=experts[PEOPLE[n % 2 + 1][0]],
                    priority=1,
                    source=GENERATED,
                )
            )
        for n, district in enumerate(districts[:6]):
            rules.append(
                RoutingRule(
                    district=district,
                    topic=topics["Ansiedlung und Standort"],
                    expert=experts[PEOPLE[6 + n % 2][0]],
                    source=GENERATED,
                )
            )
        RoutingRule.objects.bulk_create(rules)
    return {
        "topics": len(topics),
        "teams": len(teams),
        "experts": len(experts),
        "rules": RoutingRule.objects.count(),
    }
