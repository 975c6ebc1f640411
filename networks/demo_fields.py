"""Demo pages and roadmaps for the growth fields (``make run``).

The fields themselves are reference data (the regional strategy's fields and sectors);
only their pages and milestones are generated here, marked ``source="generated"`` and
shown with the demo banner. Written in bulk without history; the search is told itself.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from classification.models import GrowthField
from core import pagecache
from directory.choices import NETWORK_KINDS, PublicationStatus, Source
from directory.models import Organisation
from search import registry

from .choices import FieldKind, RoadmapStatus
from .models import GrowthFieldPage, RoadmapItem

BODY = (
    "Die Region verfügt in diesem Feld über leistungsfähige Unternehmen, Hochschulen und "
    "Forschungseinrichtungen. Die Netzwerke bündeln ihre Kompetenzen und machen sie für "
    "Auftraggeber im In- und Ausland sichtbar.",
    "Bis 2030 sollen mehr gemeinsame Forschungs- und Entwicklungsvorhaben entstehen, die "
    "Wertschöpfung in der Region wachsen und Fachkräfte gewonnen werden. Der Fahrplan "
    "unten zeigt die Meilensteine, wer sie verantwortet und wie weit sie sind.",
)
MILESTONES = (
    ("Bestandsaufnahme der Kompetenzen", "Kompetenzatlas der Unternehmen und Institute"),
    ("Auftaktkonferenz des Feldes", "Jahreskonferenz mit Netzwerken, Hochschulen und Verbänden"),
    ("Gemeinsames Verbundvorhaben beantragen", "Antrag mit mindestens fünf Partnern"),
    ("Fachkräfteinitiative starten", "Praktika, Abschlussarbeiten und Weiterbildung bündeln"),
    ("Internationale Partnerschaft schließen", "Kooperation mit einem Cluster im Ausland"),
    ("Zwischenbilanz der Roadmap", "Bericht an den Strategiebeirat"),
)


def generated_exist() -> bool:
    return GrowthFieldPage.objects.filter(source=Source.GENERATED).exists()


def generate(seed: int = 5, today: datetime.date | None = None) -> int:
    """A page and a roadmap for each growth field without a page; return how many."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    fields = list(GrowthField.objects.filter(page__isnull=True).order_by("name"))
    pages, items = [], []
    for order, growth in enumerate(fields):
        sector = not growth.description.startswith("Spezialisierungsfeld")
        pages.append(
            GrowthFieldPage(
                growth_field=growth,
                kind=FieldKind.SECTOR if sector else FieldKind.STRATEGY,
                summary=growth.description,
                body="\n\n".join(BODY),
                order=order,
                source=Source.GENERATED,
            )
        )
        networks = list(
            Organisation.objects.filter(
                kind__in=NETWORK_KINDS, growth_fields=growth, status=PublicationStatus.PUBLISHED
            ).order_by("name")[:5]
        )
        for index, (title, description) in enumerate(rng.sample(MILESTONES, 4)):
            due = today + datetime.timedelta(days=rng.randint(-300, 700))
            status = (
                rng.choice([RoadmapStatus.DONE, RoadmapStatus.DELAYED])
                if due < today
                else rng.choice([RoadmapStatus.PLANNED, RoadmapStatus.IN_PROGRESS])
            )
            network = networks[index % len(networks)] if networks else None
            items.append(
                RoadmapItem(
                    growth_field=growth,
                    network=network,
                    title=title,
                    description=description,
                    owner=f"AG {growth.name.split()[0]}" if network else "Clustermanagement",
                    due=due,
                    status=status,
                    done_on=due if status == RoadmapStatus.DONE else None,
                    source=Source.GENERATED,
                )
            )
    with transaction.atomic():
        GrowthFieldPage.objects.bulk_create(pages)
        RoadmapItem.objects.bulk_create(items)
        pagecache.written("networks")  # a bulk write skips the signals
    registry.changed("growthfield", [page.growth_field_id for page in pages])
    return len(pages)
