"""Made-up pages and supporters of a cluster management, for demonstrations
(``manage.py generate_demo_about``), modelled on what a state's cluster management says
of itself: its goals and structure, the growth fields as fields of action, and the
cross-cutting topics (internationalisation, skilled labour, location marketing,
technology management, GreenTech). Every record is marked as generated."""

from __future__ import annotations

from django.db import transaction

from directory.choices import Source

from .choices import PageSection, SupporterKind
from .models import Page, Supporter

# (slug, section, title, summary, body)
PAGES: list[tuple[str, str, str, str, str]] = [
    (
        "ziele",
        PageSection.GOALS,
        "Ziele des Clustermanagements",
        "Wir entwickeln die Wachstumsfelder der Region gemeinsam mit ihren Netzwerken weiter.",
        "Das Clustermanagement koordiniert im Auftrag des Wirtschaftsministeriums die "
        "Entwicklung der Wachstumsfelder der Region.\n\n"
        "## Was wir erreichen wollen\n"
        "- Forschungseinrichtungen und Unternehmen kooperieren effizient\n"
        "- tragfähige Netzwerkstrukturen werden auf- und ausgebaut\n"
        "- neue Kooperationsprojekte entstehen entlang der Wertschöpfungsketten\n\n"
        "Grundlage sind Potenzialstudien und Roadmaps für jedes Wachstumsfeld, die wir mit "
        "den Akteuren diskutieren und fortschreiben.",
    ),
    (
        "struktur",
        PageSection.STRUCTURE,
        "Struktur und Auftrag",
        "Angesiedelt bei der Landesentwicklungsgesellschaft, beauftragt vom Ministerium.",
        "Das Clustermanagement ist bei der Landesentwicklungsgesellschaft angesiedelt und "
        "arbeitet im Auftrag des Wirtschaftsministeriums.\n\n"
        "Wichtigste Partner sind die in den Branchen aktiven Netzwerke und Cluster. Mit "
        "ihnen stimmen wir die Arbeit in den Wachstumsfeldern ab; Kammern, Verbände und "
        "Hochschulen sind in Arbeitskreisen beteiligt.",
    ),
    (
        "wachstumsfelder",
        PageSection.FIELD_OF_ACTION,
        "Wachstumsfelder und Roadmapping",
        "Potenzialstudien und Roadmaps für die Wachstumsfelder der Region.",
        "Für jedes Wachstumsfeld erarbeiten wir mit den Akteuren eine Potenzialstudie und "
        "daraus eine Roadmap, entlang derer sich das Feld entwickeln soll.\n\n"
        "Die Wachstumsfelder und ihre Netzwerke finden Sie unter den Netzwerken und Clustern.",
    ),
    (
        "kooperationsprojekte",
        PageSection.FIELD_OF_ACTION,
        "Kooperationsprojekte",
        "Wir initiieren Projekte von Unternehmen und Forschung – aus einer Hand.",
        "Wir bringen Unternehmen und Forschungseinrichtungen zusammen, erfassen Forschungs- "
        "und Entwicklungsbedarfe und begleiten Verbundprojekte von der Vorbereitung bis "
        "zur Abrechnung.",
    ),
    (
        "internationalisierung",
        PageSection.CROSS_CUTTING,
        "Internationalisierung",
        "Auslandsmärkte, internationale Partner und Messen für die Netzwerke.",
        "Gemeinsam mit den Netzwerken entwickeln wir clusterübergreifende Angebote für den "
        "Schritt ins Ausland: Gemeinschaftsstände auf Messen, Delegationsreisen und "
        "Kontakte zu Partnerclustern in Europa.",
    ),
    (
        "fachkraefte",
        PageSection.CROSS_CUTTING,
        "Fachkräftesicherung",
        "Fachkräfte gewinnen, qualifizieren und halten.",
        "Die Fachkräftesicherung betrifft jedes Netzwerk. Wir bündeln Angebote zur "
        "Gewinnung, Qualifizierung und Bindung von Fachkräften und machen sie den "
        "Unternehmen der Netzwerke bekannt.",
    ),
    (
        "standortmarketing",
        PageSection.CROSS_CUTTING,
        "Standortmarketing",
        "Die Wachstumsfelder der Region sichtbar machen.",
        "Gezieltes Marketing für die Wachstumsfelder: Broschüren, Auftritte auf Messen und "
        "eine gemeinsame Darstellung der Netzwerke nach außen.",
    ),
    (
        "technologiemanagement",
        PageSection.CROSS_CUTTING,
        "Technologiemanagement",
        "Technologietransfer zwischen Forschung und Unternehmen.",
        "Wir helfen, Innovationspotenziale auszuschöpfen: durch engere Verzahnung von "
        "Forschung und Produktion, Technologiescouting und den Transfer wissenschaftlicher "
        "Erkenntnisse in die Unternehmen.",
    ),
    (
        "greentech",
        PageSection.CROSS_CUTTING,
        "GreenTech",
        "Umwelt- und Energietechnik als Querschnittsthema aller Netzwerke.",
        "Ressourceneffizienz, erneuerbare Energien und Kreislaufwirtschaft betreffen alle "
        "Branchen. Wir vernetzen Anbieter von Umwelttechnik mit Unternehmen, die ihre "
        "Produktion umstellen wollen.",
    ),
]

# (name, kind, url, description)
SUPPORTERS: list[tuple[str, str, str, str]] = [
    (
        "Ministerium für Wirtschaft (Demo)",
        SupporterKind.MINISTRY,
        "https://wirtschaft.example.org/",
        "Beauftragt und finanziert das Clustermanagement.",
    ),
    (
        "Förderbank des Landes (Demo)",
        SupporterKind.FUNDING_BODY,
        "https://foerderbank.example.org/",
        "Förderprogramme für Innovation und Investitionen.",
    ),
    (
        "Europäischer Fonds für regionale Entwicklung (Demo)",
        SupporterKind.FUNDING_BODY,
        "",
        "Kofinanzierung aus EU-Mitteln.",
    ),
    (
        "Verband der Wirtschaft (Demo)",
        SupporterKind.PARTNER,
        "https://verband.example.org/",
        "",
    ),
]


@transaction.atomic
def generate() -> dict[str, int]:
    """Create the demo pages (published) and supporters that are missing; a page a person
    wrote under the same address is left alone. Saved one by one, so the search hears of
    every page."""
    pages = 0
    for order, (slug, section, title, summary, body) in enumerate(PAGES):
        _page, created = Page.objects.get_or_create(
            slug=slug,
            defaults={
                "section": section,
                "title": title,
                "summary": summary,
                "body": body,
                "order": order * 10,
                "published": True,
                "source": Source.GENERATED,
            },
        )
        pages += created
    supporters = 0
    for order, (name, kind, url, description) in enumerate(SUPPORTERS):
        _supporter, created = Supporter.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "url": url,
                "description": description,
                "order": order * 10,
                "source": Source.GENERATED,
            },
        )
        supporters += created
    return {"pages": pages, "supporters": supporters}
