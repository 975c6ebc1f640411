"""Made-up events for demonstrations (``manage.py generate_demo_events``): about 25
workshops, conferences and network meetings of the agency and of the networks in the
database, past and upcoming, some full with a waiting list. Every event is marked as
generated (the pages say so); the registrations of the demo use addresses under
example.org and send no mail."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from classification.models import GrowthField
from core import pagecache
from directory.choices import NETWORK_KINDS, PublicationStatus, Source
from directory.models import Organisation

from .choices import EventFormat, EventStatus, RegistrationStatus
from .models import Event, Registration
from .services import resolve_place

VENUES = [
    ("Kaisersaal Erfurt", "Futterstraße 15", "99084", "Erfurt"),
    ("Technologie- und Innovationspark Jena", "Hans-Knöll-Straße 6", "07745", "Jena"),
    ("congress centrum neue weimarhalle", "UNESCO-Platz 1", "99423", "Weimar"),
    ("Humboldtbau der TU Ilmenau", "Gustav-Kirchhoff-Platz 1", "98693", "Ilmenau"),
    ("Kultur- und Kongresszentrum Gera", "Schloßstraße 1", "07545", "Gera"),
    ("Congress Centrum Suhl", "Friedrich-König-Straße 7", "98527", "Suhl"),
    ("Hochschule Nordhausen", "Weinberghof 4", "99734", "Nordhausen"),
]

# (title, summary, format, days from today, hours, free)
EVENTS: list[tuple[str, str, str, int, int, bool]] = [
    (
        "Innovationsforum Wasserstoff",
        "Erzeugung, Speicherung und Nutzung von grünem Wasserstoff in der Region.",
        EventFormat.ON_SITE,
        12,
        6,
        True,
    ),
    (
        "Workshop Förderprogramme für KMU",
        "Welche Förderung passt zu Ihrem Vorhaben? Ein Überblick mit Beispielen.",
        EventFormat.ONLINE,
        5,
        2,
        True,
    ),
    (
        "Netzwerktreffen Optik und Photonik",
        "Austausch der Mitglieder mit Kurzvorträgen aus laufenden Projekten.",
        EventFormat.ON_SITE,
        20,
        4,
        True,
    ),
    (
        "Fachkräftetag Industrie 4.0",
        "Unternehmen stellen Ausbildungs- und Weiterbildungsangebote vor.",
        EventFormat.HYBRID,
        33,
        7,
        True,
    ),
    (
        "KI in der Produktion – Praxisbeispiele",
        "Drei Unternehmen zeigen, wie sie KI in der Fertigung einsetzen.",
        EventFormat.ONLINE,
        9,
        2,
        True,
    ),
    (
        "Kreislaufwirtschaft im Kunststoffsektor",
        "Recyclingfähige Produkte und neue Geschäftsmodelle.",
        EventFormat.ON_SITE,
        41,
        5,
        False,
    ),
    (
        "Medizintechnik-Dialog",
        "Regulatorik (MDR) und klinische Bewertung für Hersteller.",
        EventFormat.ON_SITE,
        27,
        6,
        False,
    ),
    (
        "Cybersicherheit für den Mittelstand",
        "Angriffe erkennen, Notfallpläne erstellen: ein Workshop mit Übungen.",
        EventFormat.HYBRID,
        16,
        3,
        True,
    ),
    (
        "Energieeffizienz im Betrieb",
        "Lastmanagement, Abwärmenutzung und Förderung von Effizienzmaßnahmen.",
        EventFormat.ONLINE,
        48,
        2,
        True,
    ),
    (
        "Tag der offenen Labore",
        "Forschungseinrichtungen öffnen ihre Labore für Unternehmen.",
        EventFormat.ON_SITE,
        60,
        8,
        True,
    ),
    (
        "Internationalisierung: Markteintritt Skandinavien",
        "Erfahrungen und Kontakte für den Export nach Norden.",
        EventFormat.ONLINE,
        23,
        2,
        True,
    ),
    (
        "Zukunftskonferenz Mobilität",
        "Antriebe, Batterietechnik und Zulieferer im Wandel.",
        EventFormat.ON_SITE,
        70,
        7,
        False,
    ),
    (
        "Digitale Zwillinge in der Fertigung",
        "Von der Simulation zur laufenden Anlage.",
        EventFormat.HYBRID,
        3,
        4,
        True,
    ),
    (
        "Bioökonomie-Stammtisch",
        "Informeller Austausch zu biobasierten Werkstoffen.",
        EventFormat.ON_SITE,
        14,
        3,
        True,
    ),
    (
        "Patentstrategie für Start-ups",
        "Schutzrechte sichern, ohne das Budget zu sprengen.",
        EventFormat.ONLINE,
        38,
        2,
        True,
    ),
    (
        "Jahrestreffen der Netzwerke",
        "Rückblick, Ausblick und Auszeichnung gelungener Kooperationen.",
        EventFormat.ON_SITE,
        -20,
        6,
        True,
    ),
    (
        "Werkstoffforum Leichtbau",
        "Faserverbunde und hybride Strukturen im Fahrzeugbau.",
        EventFormat.ON_SITE,
        -45,
        6,
        False,
    ),
    (
        "Online-Sprechstunde Fördermittel",
        "Fragen zu laufenden Aufrufen, offen für alle.",
        EventFormat.ONLINE,
        -12,
        1,
        True,
    ),
    (
        "Smart Farming in der Region",
        "Sensorik und Datenplattformen in der Landwirtschaft.",
        EventFormat.HYBRID,
        -30,
        4,
        True,
    ),
    (
        "Mikroelektronik-Kolloquium",
        "Neue Fertigungsverfahren und Fachkräfte für die Halbleiterbranche.",
        EventFormat.ON_SITE,
        -60,
        5,
        True,
    ),
    (
        "Wasserstoff-Werkstatt",
        "Arbeitsgruppen zu Elektrolyse und Logistik.",
        EventFormat.ON_SITE,
        -90,
        5,
        True,
    ),
    (
        "Workshop Nachhaltigkeitsberichte",
        "Was die CSRD von Zulieferern verlangt.",
        EventFormat.ONLINE,
        -7,
        3,
        False,
    ),
    (
        "Gesundheitswirtschaft trifft Tourismus",
        "Kooperationen für Kur- und Gesundheitsangebote.",
        EventFormat.ON_SITE,
        -120,
        6,
        True,
    ),
    (
        "Hackathon Offene Daten",
        "Zwei Tage Ideen mit offenen Daten der Region.",
        EventFormat.ON_SITE,
        55,
        30,
        True,
    ),
    (
        "Roadmap-Werkstatt Wachstumsfelder",
        "Wir schreiben die Roadmaps der Wachstumsfelder gemeinsam fort.",
        EventFormat.HYBRID,
        29,
        5,
        True,
    ),
]

FIRST_NAMES = ["Anna", "Jonas", "Lea", "Felix", "Mia", "Paul", "Sophie", "Lukas", "Emma", "Ben"]
LAST_NAMES = ["Müller", "Schmidt", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch"]


def _registrations(event: Event, confirmed: int, waiting: int, rng: random.Random) -> None:
    moment = event.created
    rows = []
    for number in range(confirmed + waiting):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        rows.append(
            Registration(
                event=event,
                name=name,
                email=f"demo-{event.pk}-{number}@example.org",
                organisation=rng.choice(["", "Beispiel GmbH", "Muster AG", "Hochschule Demo"]),
                status=RegistrationStatus.CONFIRMED
                if number < confirmed
                else RegistrationStatus.WAITING,
                consented_at=moment,
                attended=event.end < timezone.now() and number < confirmed and rng.random() < 0.8,
            )
        )
    Registration.objects.bulk_create(rows)
    # Places left change; bulk_create sends no signal.
    pagecache.written("content", "content.registration")


def generate(seed: int = 13) -> int:
    """Write the demo events; answers how many."""
    rng = random.Random(seed)
    fields = list(GrowthField.objects.order_by("pk"))
    networks = list(
        Organisation.objects.filter(
            kind__in=NETWORK_KINDS, status=PublicationStatus.PUBLISHED
        ).order_by("pk")[:8]
    )
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    written = 0
    with transaction.atomic():
        for number, (title, summary, fmt, days, hours, free) in enumerate(EVENTS):
            day = today + datetime.timedelta(days=days)
            start = datetime.datetime.combine(day, datetime.time(9 + number % 5, 0), tzinfo=zone)
            venue = VENUES[number % len(VENUES)]
            network = networks[number % len(networks)] if networks and number % 3 else None
            full = number % 6 == 1
            capacity = [None, 20, 40, 60, 80][number % 5] if not full else 12
            event = Event(
                title=title,
                slug=slugify(title)[:100],
                summary=summary,
                description=(
                    f"{summary}\n\n## Programm\n- Begrüßung und Einführung\n- Impulsvorträge aus "
                    "Wirtschaft und Wissenschaft\n- Diskussion und Austausch\n\nDie Veranstaltung "
                    "ist Teil der Demodaten des Portals."
                ),
                start=start,
                end=start + datetime.timedelta(hours=hours),
                format=fmt,
                venue_name=venue[0] if fmt != EventFormat.ONLINE else "",
                venue_street=venue[1] if fmt != EventFormat.ONLINE else "",
                venue_postal_code=venue[2] if fmt != EventFormat.ONLINE else "",
                venue_place=venue[3] if fmt != EventFormat.ONLINE else "",
                online_url="https://meet.example.org/" + slugify(title)
                if fmt != EventFormat.ON_SITE
                else "",
                network=network,
                is_free=free,
                price=""
                if free
                else rng.choice(["95 € zzgl. MwSt.", "150 € für Nichtmitglieder, Mitglieder frei"]),
                capacity=capacity,
                status=EventStatus.CANCELLED if number == 13 else EventStatus.PUBLISHED,
                source=Source.GENERATED,
            )
            if Event.objects.filter(slug=event.slug).exists():
                continue
            resolve_place(event)
            event.save()
            if fields:
                event.growth_fields.set(rng.sample(fields, k=min(len(fields), 1 + number % 2)))
            if full and capacity:
                _registrations(event, capacity, 3, rng)
            elif capacity:
                _registrations(event, rng.randint(0, capacity // 2), 0, rng)
            written += 1
    return written
