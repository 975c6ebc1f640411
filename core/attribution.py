"""Attribution lines that the licences of the reference data require on the site."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attribution:
    dataset: str
    text: str
    licence: str
    licence_url: str
    url: str


ATTRIBUTIONS: tuple[Attribution, ...] = (
    Attribution(
        "WZ 2008 / WZ 2025",
        "Statistisches Bundesamt (Destatis)",
        "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "https://www.govdata.de/dl-de/by-2-0",
        "https://www.destatis.de",
    ),
    Attribution(
        "Postleitzahlen",
        "GeoNames (geonames.org)",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://www.geonames.org",
    ),
    Attribution(
        "Verwaltungsgebiete",
        "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "https://www.govdata.de/dl-de/by-2-0",
        "https://www.bkg.bund.de",
    ),
    Attribution(
        "Bevölkerung der Kreise",
        "Statistisches Bundesamt",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://www.destatis.de",
    ),
    Attribution(
        "NACE Rev. 2 (englische Titel)",
        "© Europäische Union, Eurostat",
        "Weiterverwendung mit Quellenangabe",
        "https://ec.europa.eu/eurostat/about-us/policies/copyright",
        "https://ec.europa.eu/eurostat/web/nace",
    ),
    Attribution(
        "Synonyme",
        "OpenThesaurus.de",
        "LGPL-2.1",
        "https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html",
        "https://www.openthesaurus.de",
    ),
    Attribution(
        "Hochschulen",
        "Hipo university-domains-list",
        "MIT",
        "https://opensource.org/licenses/MIT",
        "https://github.com/Hipo/university-domains-list",
    ),
)
