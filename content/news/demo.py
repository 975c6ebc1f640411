"""Made-up news of a cluster management, for demonstrations (``manage.py
generate_demo_news``): press releases, funding news, event reviews and network news in
German, spread over the last year, one of them scheduled for the coming days. Every
article is marked as generated and says so on the site."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from classification.models import GrowthField
from directory.choices import NETWORK_KINDS, Source
from directory.models import Organisation

from .models import Article, NewsCategory

CATEGORIES = [
    ("pressemitteilungen", "Pressemitteilungen"),
    ("foerderung", "Förderung"),
    ("veranstaltungsrueckblick", "Veranstaltungsrückblick"),
    ("netzwerke", "Aus den Netzwerken"),
    ("forschung-innovation", "Forschung und Innovation"),
]

FIELDS = {
    "produktion": "Industrielle Produktion und Systeme",
    "mobilitaet": "Nachhaltige und intelligente Mobilität und Logistik",
    "gesundheit": "Gesundes Leben und Gesundheitswirtschaft",
    "energie": "Nachhaltige Energie und Ressourcenverwendung",
    "ikt": "IKT, innovative und produktionsnahe Dienstleistungen",
    "ernaehrung": "Ernährungswirtschaft",
    "tourismus": "Tourismus",
}

# (slug, title, teaser, paragraphs, category slugs, growth fields)
ARTICLES: list[tuple[str, str, str, list[str], list[str], list[str]]] = [
    (
        "wasserstoff-modellregion-startet",
        "Wasserstoff-Modellregion startet mit 14 Partnern",
        "Unternehmen, Stadtwerke und zwei Hochschulen bauen gemeinsam eine regionale "
        "Wasserstoffkette auf – vom Elektrolyseur bis zum Nutzfahrzeug.",
        [
            "Zum Auftakt der Modellregion trafen sich die Partner im Technologiezentrum. "
            "Geplant sind ein Elektrolyseur mit zwei Megawatt Leistung und eine Tankstelle "
            "für Busse und Lkw.",
            "Das Clustermanagement koordiniert den Austausch zwischen den Projekten und "
            "unterstützt bei der Suche nach weiteren Anwendern.",
        ],
        ["pressemitteilungen"],
        ["energie", "mobilitaet"],
    ),
    (
        "neues-foerderprogramm-digitalisierung-kmu",
        "Neues Landesprogramm fördert Digitalisierung im Mittelstand",
        "Kleine und mittlere Unternehmen können ab sofort Zuschüsse für "
        "Digitalisierungsprojekte beantragen; gefördert werden bis zu 50 Prozent.",
        [
            "Gefördert werden Beratung, Software und die Qualifizierung der Beschäftigten. "
            "Anträge sind bis zum Ende des Jahres möglich.",
            "Unsere Expertinnen und Experten beraten Sie kostenfrei zur Antragstellung.",
        ],
        ["foerderung"],
        ["ikt", "produktion"],
    ),
    (
        "rueckblick-innovationstag-medizintechnik",
        "Rückblick: Innovationstag Medizintechnik mit 180 Gästen",
        "Beim Innovationstag stellten Start-ups und etablierte Hersteller neue Lösungen "
        "für Diagnostik und Pflege vor.",
        [
            "In drei Foren ging es um klinische Studien, die Medizinprodukteverordnung und "
            "digitale Gesundheitsanwendungen.",
            "Die Präsentationen stehen den Teilnehmenden im Mitgliederbereich des "
            "Netzwerks zur Verfügung.",
        ],
        ["veranstaltungsrueckblick"],
        ["gesundheit"],
    ),
    (
        "regionale-lebensmittel-kooperation",
        "Kooperation für regionale Lebensmittel wächst",
        "Zwölf Erzeuger und drei Verarbeiter vermarkten ihre Produkte künftig unter einer "
        "gemeinsamen Regionalmarke.",
        [
            "Ziel ist eine kurze Lieferkette vom Hof bis in den Einzelhandel. Die "
            "Partner teilen sich Logistik und Qualitätssicherung.",
        ],
        ["netzwerke"],
        ["ernaehrung"],
    ),
    (
        "ki-in-der-fertigung-pilotprojekte",
        "KI in der Fertigung: fünf Pilotprojekte ausgewählt",
        "Eine Jury hat fünf Vorhaben ausgewählt, in denen Unternehmen künstliche "
        "Intelligenz in der Qualitätsprüfung erproben.",
        [
            "Die Projekte laufen zwölf Monate und werden wissenschaftlich begleitet.",
            "Die Ergebnisse sollen in einem Leitfaden für weitere Betriebe aufbereitet werden.",
        ],
        ["forschung-innovation"],
        ["produktion", "ikt"],
    ),
    (
        "fachkraefte-aus-dem-ausland",
        "Fachkräfte aus dem Ausland: Willkommenslotsen helfen",
        "Die Willkommenslotsen unterstützen Betriebe bei Anerkennung, Visum und "
        "Integration internationaler Fachkräfte.",
        [
            "Das Angebot richtet sich besonders an kleine Betriebe ohne eigene Personalabteilung.",
        ],
        ["pressemitteilungen"],
        ["produktion", "gesundheit"],
    ),
    (
        "tourismus-digitale-gaestekarte",
        "Digitale Gästekarte für drei Urlaubsregionen",
        "Gäste erhalten künftig eine digitale Karte für Busse, Museen und Bäder; "
        "Gastgeber buchen sie mit der Übernachtung.",
        ["Die Karte entstand in einem Verbundprojekt von Tourismusverbänden und IT-Firmen."],
        ["netzwerke"],
        ["tourismus", "ikt"],
    ),
    (
        "batteriezellen-recycling-forschung",
        "Forschungsverbund entwickelt Recycling für Batteriezellen",
        "Hochschule und Unternehmen wollen Lithium, Nickel und Kobalt zu über 90 Prozent "
        "zurückgewinnen.",
        [
            "Der Verbund wird drei Jahre gefördert und sucht weitere Industriepartner, "
            "die Altzellen bereitstellen.",
        ],
        ["forschung-innovation"],
        ["energie", "mobilitaet"],
    ),
    (
        "rueckblick-logistikforum",
        "Rückblick: Logistikforum zur letzten Meile",
        "Beim Logistikforum diskutierten Händler, Paketdienste und Kommunen über "
        "Lastenräder und Mikrodepots.",
        ["Ein Praxisbeispiel aus der Landeshauptstadt zeigte, wie Lieferverkehr sinkt."],
        ["veranstaltungsrueckblick"],
        ["mobilitaet"],
    ),
    (
        "energieeffizienz-netzwerk-gegruendet",
        "Energieeffizienz-Netzwerk für Mittelständler gegründet",
        "Zehn Unternehmen haben sich verpflichtet, ihren Energieverbrauch in drei Jahren "
        "um zwölf Prozent zu senken.",
        ["Die Teilnehmenden tauschen sich viermal im Jahr aus und besuchen einander."],
        ["netzwerke"],
        ["energie", "produktion"],
    ),
    (
        "foerderaufruf-innovationsgutscheine",
        "Förderaufruf: Innovationsgutscheine für kleine Unternehmen",
        "Mit Innovationsgutscheinen lassen sich Machbarkeitsstudien und Prototypen bei "
        "Forschungseinrichtungen beauftragen.",
        ["Ein Gutschein deckt bis zu 15.000 Euro; der Eigenanteil beträgt 20 Prozent."],
        ["foerderung"],
        ["produktion", "ikt", "gesundheit"],
    ),
    (
        "gesundheitsregion-telemedizin",
        "Telemedizin im ländlichen Raum: Projekt geht in die Fläche",
        "Nach einer erfolgreichen Pilotphase bieten nun 40 Hausarztpraxen Videosprechstunden "
        "mit Fachärzten an.",
        ["Die Praxen werden von einer regionalen IT-Firma technisch begleitet."],
        ["pressemitteilungen"],
        ["gesundheit", "ikt"],
    ),
    (
        "lebensmittel-verpackung-ohne-plastik",
        "Verpackungen ohne Plastik: Molkerei testet Papierbecher",
        "Eine Molkerei erprobt gemeinsam mit einem Institut recyclingfähige Becher aus "
        "Papierfasern.",
        ["Der Test läuft zunächst in 30 Märkten der Region."],
        ["forschung-innovation"],
        ["ernaehrung", "energie"],
    ),
    (
        "rueckblick-clusterkonferenz",
        "Rückblick: Clusterkonferenz mit Ministerin",
        "Auf der jährlichen Clusterkonferenz zogen Netzwerke und Landesregierung Bilanz "
        "und stellten die neue Innovationsstrategie vor.",
        ["Die Ministerin würdigte die Arbeit der Netzwerke in den Wachstumsfeldern."],
        ["veranstaltungsrueckblick", "pressemitteilungen"],
        [],
    ),
    (
        "cybersicherheit-kmu-check",
        "Kostenloser Cybersicherheits-Check für Betriebe",
        "Ein neues Angebot prüft in einem halben Tag, wie gut ein Betrieb gegen "
        "Angriffe geschützt ist.",
        ["Im Anschluss erhalten die Betriebe einen Bericht mit konkreten Empfehlungen."],
        ["foerderung"],
        ["ikt"],
    ),
    (
        "radtourismus-neue-fernradwege",
        "Radtourismus: zwei neue Fernradwege ausgeschildert",
        "Gastgeber entlang der Strecken können sich als fahrradfreundliche Betriebe "
        "zertifizieren lassen.",
        ["Die Wege verbinden Welterbestätten und Naturparks der Region."],
        ["netzwerke"],
        ["tourismus"],
    ),
    (
        "additive-fertigung-anwenderzentrum",
        "Anwenderzentrum für additive Fertigung eröffnet",
        "Unternehmen können im neuen Zentrum 3D-Druck-Verfahren für Metall und Kunststoff "
        "testen, bevor sie investieren.",
        ["Schulungen für Konstrukteure beginnen im nächsten Quartal."],
        ["forschung-innovation", "pressemitteilungen"],
        ["produktion"],
    ),
    (
        "photovoltaik-auf-gewerbedaechern",
        "Photovoltaik auf Gewerbedächern: Beratung gestartet",
        "Eine Initiative berät Gewerbetreibende zur Eigenversorgung mit Solarstrom und zu "
        "Pachtmodellen für Dachflächen.",
        ["Erste Dächer mit zusammen drei Megawatt Leistung sind bereits vermittelt."],
        ["foerderung"],
        ["energie"],
    ),
    (
        "ausbildungsverbund-mechatronik",
        "Ausbildungsverbund Mechatronik nimmt zehn Azubis auf",
        "Kleine Betriebe bilden gemeinsam aus: Grundlagen im Verbund, Praxis im eigenen "
        "Unternehmen.",
        ["Der Verbund sucht für das nächste Jahr weitere Ausbildungsbetriebe."],
        ["netzwerke"],
        ["produktion"],
    ),
    (
        "vorschau-innovationspreis",
        "Innovationspreis: die Nominierten stehen fest",
        "Eine Jury hat neun Unternehmen aus fünf Wachstumsfeldern für den Innovationspreis "
        "nominiert; die Preisverleihung folgt in wenigen Tagen.",
        ["Die Gewinner werden auf der Preisverleihung bekanntgegeben."],
        ["pressemitteilungen"],
        ["produktion", "gesundheit", "energie"],
    ),
]

AUTHORS = ["Redaktion Clustermanagement", "Anna Berger", "Jonas Keller", "Miriam Hoffmann"]


def _body(paragraphs: list[str], rng: random.Random) -> str:
    html = "".join(f"<p>{text}</p>" for text in paragraphs)
    if rng.random() < 0.5:
        html += (
            "<h2>Ansprechpartner</h2><p>Fragen beantwortet das Team des "
            '<a href="/clustermanagement/team/">Clustermanagements</a>.</p>'
        )
    return html


def generate(seed: int = 13) -> int:
    """Write the demo categories and articles (the newest one scheduled for the coming
    days); answers the number of articles written."""
    rng = random.Random(seed)
    now = timezone.now().replace(second=0, microsecond=0)
    fields = {key: GrowthField.objects.filter(name=name).first() for key, name in FIELDS.items()}
    networks = list(
        Organisation.objects.published().filter(kind__in=NETWORK_KINDS).order_by("pk")[:30]
    )
    written = 0
    with transaction.atomic():
        categories = {}
        for order, (slug, name) in enumerate(CATEGORIES):
            categories[slug], _created = NewsCategory.objects.get_or_create(
                slug=slug, defaults={"name": name, "order": order}
            )
        for index, (slug, title, teaser, paragraphs, cats, field_keys) in enumerate(ARTICLES):
            if Article.objects.filter(slug=slug).exists():
                continue
            if index == len(ARTICLES) - 1:
                when = now + datetime.timedelta(days=3, hours=2)
            else:
                when = now - datetime.timedelta(
                    days=index * 17 + rng.randint(0, 10), hours=rng.randint(0, 8)
                )
            article = Article.objects.create(
                title=title,
                slug=slug,
                teaser=teaser,
                body=_body(paragraphs, rng),
                author=rng.choice(AUTHORS),
                publish_at=when,
                published=True,
                source=Source.GENERATED,
            )
            article.categories.set([categories[c] for c in cats])
            article.growth_fields.set([f for k in field_keys if (f := fields.get(k)) is not None])
            if networks and rng.random() < 0.6:
                article.networks.set(rng.sample(networks, k=min(len(networks), rng.randint(1, 2))))
            written += 1
    return written
