"""A small landscape of suppliers for matching tests, indexed with its vectors."""

from __future__ import annotations

from search import vectors
from search.tests.helpers import index_all, make_org

SENTENCE = "Wir suchen einen Partner für die Entwicklung von Sensoren"


def landscape() -> None:
    """Sensor makers, a disinfectant maker, an injection moulder, a research institute
    and a bakery, in Erfurt, Jena and Ilmenau; indexed, vectors built."""
    make_org(
        "Sensorik Erfurt GmbH",
        description="Entwicklung und Fertigung von Drucksensoren und Temperatursensoren "
        "für die Industrie.",
        wz="26.51.1",
        place="erfurt",
    )
    make_org(
        "Messfühlerbau Ilmenau GmbH",
        description="Wir entwickeln Sensortechnik und Messfühler für Maschinen.",
        wz="26.51.1",
        place="ilmenau",
    )
    make_org(
        "Institut für Mikrosensorik Jena e. V.",
        description="Angewandte Forschung und Entwicklung: Sensoren, Mikrosysteme, "
        "Auftragsforschung für Unternehmen.",
        wz="72.19.0",
        kind="research",
        place="jena",
    )
    make_org(
        "Hygienechemie Arnstadt GmbH",
        description="Herstellung von Desinfektionsmitteln für Hände und Flächen, "
        "Reinigungsmittel für Kliniken und Praxen.",
        wz="20.20.0",
        place="arnstadt",
    )
    make_org(
        "Spritzgusswerk Gera GmbH",
        description="Kunststoffteile im Spritzguss: Gehäuse, Griffe und technische Teile in Serie.",
        wz="22.29.0",
        place="gera",
    )
    make_org(
        "Bäckerei Weiß",
        description="Brot, Brötchen und Kuchen aus eigener Backstube.",
        wz="10.71.0",
        place="eisenach",
    )
    index_all()
    vectors.wait()
