"""Made-up pages and supporters of a cluster management, for demonstrations
(``manage.py generate_demo_about``), modelled on what a state's cluster management says
of itself: its goals and structure, the growth fields as fields of action, and the
cross-cutting topics (internationalisation, skilled labour, location marketing,
technology management, GreenTech). Every record is marked as generated."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from directory.choices import Source

from .choices import PageSection, SitePageKind, SupporterKind
from .models import Page, SitePage, Supporter

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


SITE_PAGES = [
    (
        SitePageKind.IMPRINT,
        "Impressum",
        "## Anbieter\n\n"
        "Muster-Wirtschaftsförderung Thüringen GmbH (Demodaten)\n"
        "Musterstraße 1, 99084 Erfurt\n\n"
        "## Vertreten durch\n\n"
        "Die Geschäftsführung (Demodaten)\n\n"
        "## Kontakt\n\n"
        "E-Mail: info@agentur.example.org\n\n"
        "## Registereintrag\n\n"
        "Amtsgericht Jena, HRB 000000 (Demodaten)\n\n"
        "## Software\n\n"
        "Dieses Portal läuft mit Clusterportal, freier Software unter der EUPL-1.2.",
    ),
    (
        SitePageKind.ACCESSIBILITY,
        "Erklärung zur Barrierefreiheit",
        "Die Muster-Wirtschaftsförderung (Demodaten) ist bemüht, dieses Portal im Einklang "
        "mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei "
        "zugänglich zu machen.\n\n"
        "## Stand der Vereinbarkeit\n\n"
        "Die Seiten werden bei jeder Änderung automatisch mit axe-core gegen die WCAG 2.1 "
        "(Stufe AA) geprüft. Dieses Portal ist mit den Anforderungen weitgehend vereinbar.\n\n"
        "## Nicht barrierefreie Inhalte\n\n"
        "- Karten: Die Standorte stehen zusätzlich als Liste neben jeder Karte.\n"
        "- Hochgeladene Studien (PDF) stammen von Dritten und sind nicht immer "
        "barrierefrei.\n\n"
        "## Schlichtungsverfahren\n\n"
        "Wenn auch nach Ihrer Rückmeldung keine zufriedenstellende Lösung gefunden wurde, "
        "können Sie sich an die Schlichtungsstelle wenden (Demodaten: Anschrift der "
        "zuständigen Schlichtungsstelle des Landes).",
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
    return {"pages": pages, "supporters": supporters, "site pages": generate_site_pages()}


def generate_site_pages() -> int:
    """The imprint and the accessibility statement, where there is none yet (demo text)."""
    site_pages = 0
    for kind, title, body in SITE_PAGES:
        _site_page, created = SitePage.objects.get_or_create(
            kind=kind,
            defaults={
                "title": title,
                "body": body,
                "reviewed_on": timezone.localdate(),
                "source": Source.GENERATED,
            },
        )
        site_pages += created
    return site_pages
