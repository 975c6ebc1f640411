"""Demo funding programmes (``manage.py generate_demo_funding``): real types of programme
(a state innovation grant, an R&D grant for SMEs, an EU framework call, development-bank
loans, a guarantee bank, innovation vouchers, a digital bonus, trade-fair support, a
founders' grant, advice subsidies…) under made-up names and providers, marked as demo
(source "generated"). Deadlines lie relative to the day of generation."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from classification.models import GrowthField
from directory.choices import Source
from geo.models import State

from .choices import FundingType as T
from .choices import Level as L
from .choices import ProgrammeStatus
from .choices import TargetGroup as G
from .choices import Topic as P
from .models import Call, Programme

STATE_NAMES = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg", "09": "Bayern", "10": "Saarland", "11": "Berlin",
    "12": "Brandenburg", "13": "Mecklenburg-Vorpommern", "14": "Sachsen",
    "15": "Sachsen-Anhalt", "16": "Thüringen",
}  # fmt: skip

SME = ["micro", "small", "medium"]
C, S, R, M, N, IND = G.COMPANY, G.STARTUP, G.RESEARCH, G.MUNICIPALITY, G.NETWORK, G.INDIVIDUAL

# name, provider, level ("home": the portal's state, "other": a neighbour), type, target
# groups, sizes, topics, max amount, rate, calls (None: continuous; else (opens, closes)
# as days from today), growth fields (indices into the existing ones), summary.
PROGRAMMES: list[tuple[Any, ...]] = [
    (
        "Innovationsförderung Land (Demo)",
        "Landesministerium für Wirtschaft (Demo)",
        "home",
        T.GRANT,
        [C, S],
        SME,
        [P.RD, P.INNOVATION],
        500_000,
        50,
        [(-30, 90)],
        [0, 1],
        "Zuschüsse für Forschungs-, Entwicklungs- und Innovationsvorhaben kleiner und mittlerer "
        "Unternehmen, einzeln oder im Verbund mit Forschungseinrichtungen.",
    ),
    (
        "FuE-Verbundförderung Land (Demo)",
        "Landesförderbank (Demo)",
        "home",
        T.GRANT,
        [C, R],
        [],
        [P.RD],
        1_000_000,
        70,
        [(-10, 45), (150, 240)],
        [1],
        "Verbundprojekte von Unternehmen und Forschungseinrichtungen mit technologischem Risiko.",
    ),
    (
        "Mittelstand-Innovationsprogramm Bund (Demo)",
        "Bundesministerium für Wirtschaft (Demo)",
        L.FEDERAL,
        T.GRANT,
        [C],
        SME,
        [P.RD, P.INNOVATION],
        550_000,
        60,
        None,
        [],
        "Technologieoffene Förderung marktorientierter FuE-Projekte von KMU, einzeln, in "
        "Kooperation oder in Innovationsnetzwerken.",
    ),
    (
        "Innovationsnetzwerke Bund (Demo)",
        "Bundesministerium für Wirtschaft (Demo)",
        L.FEDERAL,
        T.GRANT,
        [N],
        [],
        [P.INNOVATION, P.RD],
        400_000,
        90,
        None,
        [],
        "Management von Innovationsnetzwerken mit mindestens sechs KMU.",
    ),
    (
        "Europäisches Rahmenprogramm Cluster 4 (Demo)",
        "Europäische Kommission (Demo)",
        L.EU,
        T.GRANT,
        [C, R, S],
        [],
        [P.RD, P.INNOVATION, P.DIGITAL],
        5_000_000,
        100,
        [(-60, 120)],
        [0, 2],
        "Transnationale Verbundprojekte in Forschung und Innovation nach Ausschreibungsthemen.",
    ),
    (
        "EU-Accelerator für Start-ups (Demo)",
        "Europäischer Innovationsrat (Demo)",
        L.EU,
        T.EQUITY,
        [S, C],
        ["micro", "small"],
        [P.INNOVATION, P.FOUNDING],
        2_500_000,
        70,
        [(20, 110)],
        [],
        "Zuschuss und Beteiligung für bahnbrechende Innovationen junger Unternehmen.",
    ),
    (
        "Förderkredit Unternehmerkredit (Demo)",
        "Förderbank des Bundes (Demo)",
        L.FEDERAL,
        T.LOAN,
        [C, S],
        [],
        [P.INVESTMENT],
        25_000_000,
        None,
        None,
        [],
        "Zinsgünstige Darlehen für Investitionen und Betriebsmittel etablierter Unternehmen.",
    ),
    (
        "Gründerkredit Start (Demo)",
        "Förderbank des Bundes (Demo)",
        L.FEDERAL,
        T.LOAN,
        [S, IND],
        [],
        [P.FOUNDING, P.INVESTMENT],
        125_000,
        None,
        None,
        [],
        "Darlehen für Gründungen und junge Unternehmen bis fünf Jahre nach der Gründung.",
    ),
    (
        "Energieeffizienz-Kredit (Demo)",
        "Förderbank des Bundes (Demo)",
        L.FEDERAL,
        T.LOAN,
        [C, M],
        [],
        [P.ENERGY, P.INVESTMENT],
        25_000_000,
        None,
        None,
        [3],
        "Darlehen mit Tilgungszuschuss für Energieeffizienz und erneuerbare Energien.",
    ),
    (
        "Bürgschaftsprogramm Mittelstand (Demo)",
        "Bürgschaftsbank des Landes (Demo)",
        "home",
        T.GUARANTEE,
        [C, S],
        SME,
        [P.INVESTMENT, P.FOUNDING],
        1_250_000,
        80,
        None,
        [],
        "Ausfallbürgschaften für Kredite, wenn Sicherheiten fehlen.",
    ),
    (
        "Innovationsgutschein (Demo)",
        "Landesförderbank (Demo)",
        "home",
        T.GRANT,
        [C, S],
        ["micro", "small"],
        [P.INNOVATION, P.ADVICE],
        15_000,
        80,
        None,
        [],
        "Gutscheine für Leistungen von Hochschulen und Forschungseinrichtungen für kleine "
        "Unternehmen.",
    ),
    (
        "Digitalbonus Land (Demo)",
        "Landesministerium für Digitales (Demo)",
        "home",
        T.GRANT,
        [C],
        SME,
        [P.DIGITAL, P.INVESTMENT],
        50_000,
        50,
        [(-20, 40)],
        [2],
        "Zuschüsse für Hard- und Software, IT-Sicherheit und digitale Geschäftsprozesse.",
    ),
    (
        "Digital jetzt Bund (Demo)",
        "Bundesministerium für Wirtschaft (Demo)",
        L.FEDERAL,
        T.GRANT,
        [C],
        ["small", "medium"],
        [P.DIGITAL, P.SKILLS],
        100_000,
        40,
        [(-400, -40)],
        [2],
        "Investitionen in digitale Technologien und Qualifizierung der Beschäftigten.",
    ),
    (
        "Messeförderung Export (Demo)",
        "Landesministerium für Wirtschaft (Demo)",
        "home",
        T.GRANT,
        [C],
        SME,
        [P.EXPORT],
        10_000,
        50,
        None,
        [],
        "Zuschüsse zu Standkosten auf Auslandsmessen und Gemeinschaftsständen.",
    ),
    (
        "Markterschließung Ausland Bund (Demo)",
        "Bundesamt für Außenwirtschaft (Demo)",
        L.FEDERAL,
        T.ADVICE,
        [C],
        SME,
        [P.EXPORT, P.ADVICE],
        20_000,
        75,
        [(30, 120)],
        [],
        "Geförderte Beratung und Geschäftsanbahnungsreisen in Zielmärkte.",
    ),
    (
        "Gründungsstipendium Land (Demo)",
        "Landesministerium für Wirtschaft (Demo)",
        "home",
        T.GRANT,
        [IND, S],
        ["micro"],
        [P.FOUNDING],
        36_000,
        100,
        [(-15, 60)],
        [],
        "Monatliche Stipendien für Gründerinnen und Gründer innovativer Vorhaben.",
    ),
    (
        "Beratungsförderung Mittelstand (Demo)",
        "Bundesamt für Wirtschaft (Demo)",
        L.FEDERAL,
        T.ADVICE,
        [C, S],
        SME,
        [P.ADVICE],
        3_500,
        80,
        None,
        [],
        "Zuschüsse zu Unternehmensberatungen zu wirtschaftlichen, finanziellen, personellen "
        "und organisatorischen Fragen.",
    ),
    (
        "Energieberatung Mittelstand (Demo)",
        "Bundesamt für Wirtschaft (Demo)",
        L.FEDERAL,
        T.ADVICE,
        [C, M],
        [],
        [P.ENERGY, P.ADVICE],
        6_000,
        80,
        None,
        [3],
        "Zuschuss zu einem Energieaudit oder einem Transformationskonzept.",
    ),
    (
        "Fachkräfteweiterbildung Land (Demo)",
        "Landesministerium für Arbeit (Demo)",
        "home",
        T.GRANT,
        [C, IND],
        SME,
        [P.SKILLS],
        25_000,
        50,
        None,
        [],
        "Zuschüsse zu Weiterbildungen von Beschäftigten kleiner und mittlerer Unternehmen.",
    ),
    (
        "Investitionszuschuss GRW (Demo)",
        "Landesförderbank (Demo)",
        "home",
        T.GRANT,
        [C],
        [],
        [P.INVESTMENT],
        5_000_000,
        30,
        None,
        [],
        "Zuschüsse zu Investitionen, die Dauerarbeitsplätze schaffen oder sichern.",
    ),
    (
        "Beteiligungsfonds Wachstum (Demo)",
        "Beteiligungsgesellschaft des Landes (Demo)",
        "home",
        T.EQUITY,
        [C, S],
        SME,
        [P.INNOVATION, P.INVESTMENT, P.FOUNDING],
        3_000_000,
        None,
        None,
        [0],
        "Stille und offene Beteiligungen für Wachstum innovativer Unternehmen.",
    ),
    (
        "Klimaschutz Kommunen (Demo)",
        "Bundesministerium für Klimaschutz (Demo)",
        L.FEDERAL,
        T.GRANT,
        [M, N],
        [],
        [P.ENERGY],
        350_000,
        70,
        [(-5, 21)],
        [3],
        "Klimaschutzkonzepte, Klimaschutzmanagement und investive Maßnahmen in Kommunen.",
    ),
    (
        "Transfer in die Region (Demo)",
        "Landesministerium für Wissenschaft (Demo)",
        "home",
        T.GRANT,
        [R],
        [],
        [P.RD, P.INNOVATION],
        300_000,
        100,
        [(45, 135)],
        [1],
        "Transferprojekte von Hochschulen mit Unternehmen der Region.",
    ),
    (
        "Innovationsprämie Nachbarland (Demo)",
        "Förderbank des Nachbarlandes (Demo)",
        "other",
        T.GRANT,
        [C],
        SME,
        [P.INNOVATION, P.DIGITAL],
        100_000,
        50,
        None,
        [],
        "Zuschüsse für Innovationsvorhaben von Unternehmen im Nachbarland (Beispiel einer "
        "Förderung, die nur dort gilt).",
    ),
    (
        "Interreg Zusammenarbeit (Demo)",
        "Gemeinsames Sekretariat (Demo)",
        L.EU,
        T.GRANT,
        [M, N, R],
        [],
        [P.INNOVATION, P.ENERGY],
        2_000_000,
        80,
        [(-90, -10)],
        [],
        "Grenzüberschreitende Kooperationsprojekte öffentlicher Einrichtungen und Netzwerke.",
    ),
]


def _state(ags: str) -> State:
    state = State.objects.filter(ags=ags).first()
    if state is None:  # no reference data imported: the Land by its key
        state = State.objects.create(ags=ags, name=STATE_NAMES.get(ags, ags))
    return state


def generate(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    fields = list(GrowthField.objects.order_by("name"))
    home = str(settings.PORTAL_STATE_AGS)
    other = "14" if home != "14" else "16"
    written = 0
    with transaction.atomic():
        for row in PROGRAMMES:
            (name, provider, level, kind, groups, sizes, topics, amount, rate, calls,
             field_indices, summary) = row  # fmt: skip
            state = None
            if level in ("home", "other"):
                state = _state(home if level == "home" else other)
                level = L.STATE
            slug = slugify(name.replace("(Demo)", "").strip())[:100]
            programme, _created = Programme.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "provider": provider,
                    "level": level,
                    "state": state,
                    "funding_type": kind,
                    "target_groups": [str(g) for g in groups],
                    "company_sizes": sizes,
                    "topics": [str(t) for t in topics],
                    "max_amount": amount,
                    "funding_rate": rate,
                    "continuous": calls is None,
                    "url": f"https://www.example.org/foerderung/{slug}",
                    "summary": summary,
                    "conditions": (
                        "- Antrag vor Beginn des Vorhabens\n"
                        "- Sitz oder Betriebsstätte im Fördergebiet\n"
                        "- Beihilferechtliche Grenzen (De-minimis bzw. AGVO) beachten"
                    ),
                    "last_checked": today - datetime.timedelta(days=(written * 13) % 240),
                    "status": ProgrammeStatus.PUBLISHED,
                    "source": Source.GENERATED,
                },
            )
            programme.calls.all().delete()
            for number, (opens, closes) in enumerate(calls or [], start=1):
                Call.objects.create(
                    programme=programme,
                    title=f"Aufruf {number}",
                    opens=today + datetime.timedelta(days=opens),
                    closes=today + datetime.timedelta(days=closes),
                )
            programme.growth_fields.set([fields[i] for i in field_indices if i < len(fields)])
            written += 1
    return written
