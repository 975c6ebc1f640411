"""Fields of research of the generated institutes and universities.

A generated research institute works in one field, a generated university in a few:
the field names the institute, gives its technologies (names of the classification
vocabularies; a name missing there is skipped), the topics its description and
offerings name and the industries it works for. Real institutions from the reference
files get none of this: their profiles say only what the sources say.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResearchField:
    name: str  # "Institut für <name>"
    wz: str  # the subclass of the institute: 72.11.0, 72.19.0 or 72.20.0
    technologies: tuple[str, ...]
    topics: tuple[str, ...]
    industries: tuple[str, ...]


# What institutes offer firms, whatever the field.
RESEARCH_SERVICES = (
    "Auftragsforschung",
    "Machbarkeitsstudien",
    "Kooperationsprojekte mit Unternehmen",
    "Technologietransfer",
    "Prototypenentwicklung",
    "Gutachten und Beratung",
    "Verbundprojekte (ZIM, BMBF, EU)",
    "Weiterbildung für Fachkräfte",
)
UNIVERSITY_SERVICES = (
    "Kooperationsprojekte mit Unternehmen",
    "Transfer in die Praxis",
    "Abschlussarbeiten in Unternehmen",
    "Auftragsforschung",
    "Machbarkeitsstudien",
    "Laborleistungen für Unternehmen",
    "Weiterbildung und Zertifikatskurse",
)

FIELDS: tuple[ResearchField, ...] = (
    ResearchField(
        "Werkstofftechnik",
        "72.19.0",
        ("Werkstoffprüfung", "Werkstoffanalytik", "Zerstörungsfreie Prüfung", "Leichtbau"),
        ("Werkstoffprüfung", "Schadensanalyse", "Werkstoffentwicklung", "Leichtbauwerkstoffe"),
        ("Metallverarbeitung", "Fahrzeugbau", "Maschinenbau"),
    ),
    ResearchField(
        "Kunststofftechnik",
        "72.19.0",
        ("Spritzguss", "Extrusion", "Faserverbundwerkstoffe", "Biokunststoffe"),
        ("Spritzgießsimulation", "Kunststoffverarbeitung", "Biopolymere", "Faserverbunde"),
        ("Kunststoffverarbeitung", "Verpackungsindustrie", "Automobilzulieferer"),
    ),
    ResearchField(
        "Angewandte Optik",
        "72.19.0",
        ("Optikdesign", "Präzisionsoptik", "Optische Messtechnik", "Ultrakurzpulslaser"),
        ("Optikdesign", "Lasertechnik", "optische Messtechnik", "Photonik"),
        ("Optikindustrie", "Medizintechnik", "Halbleiterindustrie"),
    ),
    ResearchField(
        "Photonische Systeme",
        "72.19.0",
        ("Mikrooptik", "Faseroptik", "Spektroskopie", "Quantentechnologie"),
        ("Faserlaser", "Spektroskopie", "Quantensensorik", "integrierte Photonik"),
        ("Optikindustrie", "Sensorhersteller", "Messtechnik"),
    ),
    ResearchField(
        "Mikroelektronik",
        "72.19.0",
        ("Halbleiterfertigung", "Chipdesign", "Mikrosystemtechnik", "Leistungselektronik"),
        ("Halbleitertechnologie", "Chipentwurf", "MEMS", "Aufbau- und Verbindungstechnik"),
        ("Elektronikindustrie", "Fahrzeugelektronik", "Sensorhersteller"),
    ),
    ResearchField(
        "Mikrosensorik",
        "72.19.0",
        ("Sensorentwicklung", "Mikrosystemtechnik", "Infrarot- und Thermografie"),
        ("Sensorentwicklung", "Mikrosensoren", "Gassensorik", "Messdatenauswertung"),
        ("Messtechnik", "Medizintechnik", "Umwelttechnik"),
    ),
    ResearchField(
        "Präzisionsfertigung",
        "72.19.0",
        ("CNC-Fräsen", "Schleifen", "Präzisionsmechanik", "Metall-3D-Druck"),
        ("Zerspanung", "Ultrapräzisionsbearbeitung", "additive Fertigung", "Fertigungsmesstechnik"),
        ("Metallverarbeitung", "Werkzeugbau", "Optikindustrie"),
    ),
    ResearchField(
        "Fügetechnik",
        "72.19.0",
        ("Schweißen", "Laserschweißen", "Aufbau- und Verbindungstechnik"),
        ("Schweißtechnik", "Kleben", "Löten", "Fügen von Mischverbindungen"),
        ("Stahlbau", "Fahrzeugbau", "Elektronikfertigung"),
    ),
    ResearchField(
        "Oberflächentechnik",
        "72.19.0",
        ("Dünnschichttechnik", "Plasmatechnik", "Galvanotechnik", "Optische Beschichtungen"),
        ("Beschichtungen", "Plasmabehandlung", "Korrosionsschutz", "antivirale Oberflächen"),
        ("Galvanik", "Optikindustrie", "Medizintechnik"),
    ),
    ResearchField(
        "Keramische Werkstoffe",
        "72.19.0",
        ("Technische Keramik", "Glastechnik", "Nanotechnologie"),
        ("Hochleistungskeramik", "Glaswerkstoffe", "keramische Membranen", "Sintertechnik"),
        ("Keramikindustrie", "Glasindustrie", "Energietechnik"),
    ),
    ResearchField(
        "Textile Technologien",
        "72.19.0",
        ("Technische Textilien", "Smart Textiles", "Vliesstoffe", "Textilveredlung"),
        ("technische Textilien", "Schutztextilien", "Filtermedien", "Prüfung von Schutzmasken"),
        ("Textilindustrie", "Medizinprodukte", "Schutzausrüstung"),
    ),
    ResearchField(
        "Medizinische Technologien",
        "72.19.0",
        (
            "Medizinische Bildgebung",
            "Implantate",
            "In-vitro-Diagnostik",
            "Chirurgische Instrumente",
        ),
        ("Medizinprodukte", "Diagnostik", "Biokompatibilität", "klinische Prüfung"),
        ("Medizintechnik", "Kliniken", "Pharmaindustrie"),
    ),
    ResearchField(
        "Bioverfahrenstechnik",
        "72.11.0",
        ("Bioprozesstechnik", "Bioanalytik", "Zell- und Gewebetechnik", "Laborautomatisierung"),
        ("Biotechnologie", "Bioprozesse", "Zellkultur", "Hygiene und Desinfektion"),
        ("Pharmaindustrie", "Lebensmittelindustrie", "Chemie"),
    ),
    ResearchField(
        "Wirkstoffforschung",
        "72.11.0",
        ("Wirkstoffforschung", "Pharmazeutische Produktion", "Bioanalytik"),
        ("Wirkstoffe", "Naturstoffe", "Infektionsforschung", "antimikrobielle Substanzen"),
        ("Pharmaindustrie", "Chemie", "Biotechnologie"),
    ),
    ResearchField(
        "Lebensmittelsicherheit",
        "72.19.0",
        ("Lebensmittelanalytik", "Verpackungstechnik", "Getränketechnologie"),
        ("Lebensmittelanalytik", "Haltbarkeit", "Hygiene", "Verpackung"),
        ("Lebensmittelindustrie", "Getränkehersteller", "Handel"),
    ),
    ResearchField(
        "Energiespeicher",
        "72.19.0",
        ("Batterietechnik", "Wasserstofftechnologie", "Brennstoffzellen"),
        ("Batteriezellen", "Wasserstoff", "Brennstoffzellen", "Energiespeicherung"),
        ("Energieversorger", "Fahrzeugbau", "Elektrotechnik"),
    ),
    ResearchField(
        "Erneuerbare Energien",
        "72.19.0",
        ("Photovoltaik", "Windenergie", "Intelligente Stromnetze", "Solarthermie"),
        ("Photovoltaik", "Netzintegration", "Energiesysteme", "Energieeffizienz"),
        ("Energieversorger", "Bauwirtschaft", "Industrie"),
    ),
    ResearchField(
        "Digitale Produktion",
        "72.19.0",
        ("Simulation und digitaler Zwilling", "Industrieroboter", "Vorausschauende Wartung"),
        ("Industrie 4.0", "digitaler Zwilling", "Robotik", "Produktionsplanung"),
        ("Maschinenbau", "Automobilzulieferer", "Elektronikfertigung"),
    ),
    ResearchField(
        "Künstliche Intelligenz",
        "72.19.0",
        ("Maschinelles Lernen", "Computer Vision", "Sprachverarbeitung"),
        ("maschinelles Lernen", "Bildverarbeitung", "Datenanalyse", "KI in der Produktion"),
        ("Softwarehäuser", "Industrie", "Gesundheitswesen"),
    ),
    ResearchField(
        "Umwelttechnik und Kreislaufwirtschaft",
        "72.19.0",
        ("Recycling", "Wasser- und Abwassertechnik", "Luftreinhaltung und Filtertechnik"),
        ("Recycling", "Wasseraufbereitung", "Filtertechnik", "Kreislaufwirtschaft"),
        ("Entsorgungswirtschaft", "Kommunen", "Chemie"),
    ),
    ResearchField(
        "Mobilität und Logistik",
        "72.19.0",
        ("Elektromobilität", "Intralogistik", "Supply-Chain-Management"),
        ("Elektromobilität", "Lieferketten", "Logistiksysteme", "autonome Fahrzeuge"),
        ("Fahrzeugbau", "Logistik", "Handel"),
    ),
    ResearchField(
        "Regionalwirtschaft",
        "72.20.0",
        ("Datenanalyse und Big Data",),
        ("Wirtschaftsforschung", "Fachkräftesicherung", "Innovationsforschung", "Regionalstudien"),
        ("Wirtschaft", "Kommunen", "Verbände"),
    ),
)
