"""Demo requests and offers for ``make run``: realistic German postings of the generated
demo organisations, chosen by their industry (WZ division), marked ``source="generated"``.

Deterministic (a seeded random generator), bulk-written in one transaction, then
reported to the search (``services._reindex``) since bulk writes skip signals.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from directory.choices import PublicationStatus, Source
from directory.models import Organisation, Site

from ..models import Posting, PostingStatus
from . import services

GENERATED = "generated"


@dataclass(frozen=True)
class Template:
    kind: str
    category: str
    title: str
    description: str
    quantity: str = ""


T = Template
# By WZ 2008 division of the organisation's main activity.
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "25": (
        T(
            "request",
            "product",
            "Drehteile aus Edelstahl 1.4305 gesucht",
            "Für eine neue Baugruppe suchen wir einen Lieferanten für Drehteile aus Edelstahl "
            "1.4305 nach Zeichnung, Durchmesser 8 bis 40 mm, mit Erstmusterprüfbericht.",
            "ca. 5.000 Stück im Jahr",
        ),
        T(
            "offer",
            "capacity",
            "Freie Kapazität: 5-Achs-Fräsen",
            "Wir haben freie Maschinenstunden auf zwei 5-Achs-Bearbeitungszentren, "
            "Werkstücke bis 600 mm, Aluminium und Stahl, auch Einzelteile und Kleinserien.",
            "40 Maschinenstunden pro Woche",
        ),
        T(
            "request",
            "service",
            "Pulverbeschichtung für Stahlgestelle",
            "Wir suchen einen Beschichter in der Region für Stahlgestelle bis 2 m Länge, "
            "RAL 7016 feinstruktur, regelmäßige Abrufe.",
            "ca. 200 Teile im Monat",
        ),
        T(
            "offer",
            "service",
            "Laserschneiden und Kanten im Lohn",
            "Laserschneiden von Blechen bis 20 mm Stahl und 12 mm Edelstahl, Abkanten bis 3 m, "
            "kurzfristige Lieferung auch für Prototypen.",
        ),
    ),
    "28": (
        T(
            "request",
            "product",
            "Hydraulikzylinder für Sondermaschinen",
            "Für unsere Sondermaschinen suchen wir einen Hersteller von Hydraulikzylindern "
            "nach Spezifikation, Hub bis 500 mm, mit Dokumentation.",
            "50 Stück im Jahr",
        ),
        T(
            "offer",
            "knowhow",
            "Retrofit und Automatisierung von Altmaschinen",
            "Wir modernisieren Werkzeugmaschinen: neue Steuerung, Antriebe, Sicherheitstechnik "
            "und Anbindung an die Fertigungsdatenerfassung.",
        ),
        T(
            "request",
            "capacity",
            "Montagekapazität für Baugruppen gesucht",
            "Zur Abdeckung von Auftragsspitzen suchen wir einen Partner für die Montage "
            "mechanischer Baugruppen nach Montageanleitung.",
            "3 Monate, 2 Personen",
        ),
    ),
    "26": (
        T(
            "request",
            "product",
            "Leiterplattenbestückung in Kleinserie",
            "Wir suchen einen EMS-Dienstleister für SMD- und THT-Bestückung, 4-lagige "
            "Leiterplatten, mit AOI und Funktionstest.",
            "500 Baugruppen pro Los",
        ),
        T(
            "offer",
            "knowhow",
            "Optikdesign und Simulation",
            "Wir entwickeln optische Systeme vom Konzept bis zum Prototyp: Linsensysteme, "
            "Beleuchtungsoptik, Toleranzanalyse.",
        ),
        T(
            "request",
            "material",
            "Optisches Glas N-BK7 in Scheiben",
            "Gesucht werden Ronden aus N-BK7, Durchmesser 25 mm, Dicke 3 mm, beidseitig poliert.",
            "1.000 Stück",
        ),
    ),
    "27": (
        T(
            "request",
            "product",
            "Kabelkonfektion nach Zeichnung",
            "Wir suchen einen Partner für konfektionierte Kabelsätze mit Steckverbindern, "
            "Prüfung auf Durchgang, Lieferung im Kanban.",
            "2.000 Kabelsätze im Jahr",
        ),
        T(
            "offer",
            "service",
            "Schaltschrankbau im Auftrag",
            "Wir bauen Schaltschränke nach Ihren Plänen, inklusive Verdrahtung, Prüfung nach "
            "DIN EN 61439 und Dokumentation.",
        ),
    ),
    "22": (
        T(
            "request",
            "product",
            "Spritzgussteile aus PA6 GF30",
            "Für ein Gehäuse suchen wir einen Spritzgießer mit eigenem Werkzeugbau, "
            "Material PA6 GF30, Teilegewicht 80 g.",
            "20.000 Stück im Jahr",
        ),
        T(
            "offer",
            "material",
            "Kunststoffregranulat PP aus Produktionsabfällen",
            "Wir geben sortenreines PP-Regranulat aus unserer Produktion ab, schwarz, "
            "gemahlen und regranuliert.",
            "ca. 3 t pro Monat",
        ),
        T(
            "offer",
            "capacity",
            "Freie Spritzgießmaschinen 80 bis 250 t",
            "Auf drei Spritzgießmaschinen haben wir freie Kapazität für Serienaufträge.",
        ),
    ),
    "20": (
        T(
            "request",
            "material",
            "Isopropanol in Fässern",
            "Wir suchen einen regionalen Lieferanten für Isopropanol 99,9 %, in 200-l-Fässern, "
            "regelmäßige Lieferung.",
            "4 Fässer im Monat",
        ),
        T(
            "offer",
            "product",
            "Desinfektionsmittel für Flächen",
            "Wir stellen Flächendesinfektionsmittel her und liefern in Kanistern und als "
            "Konzentrat, auch in Eigenmarke.",
        ),
    ),
    "10": (
        T(
            "request",
            "material",
            "Regionales Getreide in Bioqualität",
            "Für unsere Backwaren suchen wir Dinkel und Roggen aus der Region in Bioqualität.",
            "20 t im Jahr",
        ),
        T(
            "offer",
            "capacity",
            "Abfüllkapazität für Säfte und Sirupe",
            "Unsere Abfüllanlage hat freie Kapazität: Glasflaschen 0,2 bis 1 l, auch "
            "Kleinmengen ab 500 Flaschen.",
        ),
    ),
    "62": (
        T(
            "offer",
            "knowhow",
            "Anbindung von Maschinen an ERP und MES",
            "Wir verbinden Maschinen und Anlagen über OPC UA mit ERP- und MES-Systemen und "
            "machen Produktionsdaten auswertbar.",
        ),
        T(
            "request",
            "service",
            "Entwicklung einer App für den Außendienst",
            "Wir suchen einen Softwarepartner für eine App zur Auftragserfassung im "
            "Außendienst, offline-fähig, mit Schnittstelle zu unserem ERP.",
        ),
    ),
    "71": (
        T(
            "offer",
            "service",
            "Prüflabor: Zugversuch und Härteprüfung",
            "Unser akkreditiertes Labor prüft Werkstoffe: Zugversuch, Härte, Kerbschlag, "
            "Metallografie, Ergebnisse in 5 Arbeitstagen.",
        ),
        T(
            "request",
            "knowhow",
            "Unterstützung bei der CE-Kennzeichnung",
            "Wir suchen Beratung zur Maschinenrichtlinie und Risikobeurteilung für eine neue "
            "Anlage.",
        ),
    ),
    "72": (
        T(
            "offer",
            "knowhow",
            "Forschungspartner für Sensorik gesucht?",
            "Unser Institut bietet Auftragsforschung zu Sensoren und Messtechnik an, von der "
            "Machbarkeitsstudie bis zum Demonstrator.",
        ),
        T(
            "request",
            "capacity",
            "Reinraumkapazität für Versuche",
            "Für Versuchsreihen suchen wir Zugang zu einem Reinraum ISO 7 in der Region.",
            "10 Tage im Quartal",
        ),
    ),
    "29": (
        T(
            "request",
            "product",
            "Kunststoffclips für Fahrzeuginnenraum",
            "Für einen Zulieferauftrag suchen wir einen Hersteller von Befestigungsclips, "
            "IATF-16949-zertifiziert.",
            "100.000 Stück im Jahr",
        ),
    ),
    "49": (
        T(
            "offer",
            "service",
            "Teilladungen Thüringen – Sachsen",
            "Wir haben freie Laderaumkapazität auf täglichen Touren zwischen Erfurt, Jena, "
            "Gera und Leipzig.",
        ),
    ),
}
URGENCIES = ("low", "normal", "normal", "normal", "high", "urgent")


def generated_exist() -> bool:
    return Posting.objects.filter(source=GENERATED).exists()


def generate(count: int = 300, seed: int = 11) -> int:
    """Write up to ``count`` demo postings; returns how many were written."""
    rng = random.Random(seed)
    candidates: list[tuple[Organisation, Template]] = []
    organisations = (
        Organisation.objects.filter(
            source=Source.GENERATED,
            status=PublicationStatus.PUBLISHED,
            primary_wz__isnull=False,
        )
        .select_related("primary_wz")
        .order_by("pk")
    )
    by_division: dict[str, list[Organisation]] = {}
    for organisation in organisations.iterator():
        division = organisation.primary_wz.code[:2]  # type: ignore[union-attr]
        if division in TEMPLATES:
            by_division.setdefault(division, []).append(organisation)
    for division, members in sorted(by_division.items()):
        for organisation in members:
            candidates.append((organisation, rng.choice(TEMPLATES[division])))
    rng.shuffle(candidates)
    candidates = candidates[:count]
    if not candidates:
        return 0
    sites = {
        s.organisation_id: s
        for s in Site.objects.filter(
            organisation_id__in=[o.pk for o, _t in candidates], latitude__isnull=False
        ).order_by("organisation_id", "-pk")
    }
    today = timezone.localdate()
    now = timezone.now()
    postings = []
    for organisation, template in candidates:
        site = sites.get(organisation.pk)
        age = rng.randint(0, 50)
        postings.append(
            Posting(
                kind=template.kind,
                category=template.category,
                title=template.title,
                description=template.description,
                quantity=template.quantity,
                deadline=today + datetime.timedelta(days=rng.randint(14, 120))
                if template.kind == "request"
                else None,
                place=f"{site.postal_code} {site.place}" if site else "",
                lat=site.latitude if site else None,
                lon=site.longitude if site else None,
                radius_km=rng.choice((None, 50, 100)) if site else None,
                district_id=site.district_id if site else None,
                urgency=rng.choice(URGENCIES),
                organisation=organisation,
                status=PostingStatus.PUBLISHED,
                expires_on=today + datetime.timedelta(days=rng.randint(5, 60)),
                published_at=now - datetime.timedelta(days=age, hours=rng.randint(0, 23)),
                source=GENERATED,
            )
        )
    with transaction.atomic():
        created = Posting.objects.bulk_create(postings, batch_size=500)
        through = Posting.wz_codes.through  # type: ignore[attr-defined]
        through.objects.bulk_create(
            [
                through(posting_id=p.pk, wzcode_id=o.primary_wz_id)
                for p, (o, _t) in zip(created, candidates, strict=True)
            ],
            batch_size=1000,
        )
        services._reindex([p.pk for p in created])
    return len(created)
