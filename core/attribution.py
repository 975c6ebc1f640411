"""Attribution lines that the licences of the reference data require on the site."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Attribution:
    """Names in English, translated when shown (the German wording is what licences ask)."""

    dataset: str | Promise
    text: str | Promise
    licence: str | Promise
    licence_url: str
    url: str


ATTRIBUTIONS: tuple[Attribution, ...] = (
    Attribution(
        "WZ 2008 / WZ 2025",
        "Statistisches Bundesamt (Destatis)",
        _("Data Licence Germany – Attribution – Version 2.0"),
        "https://www.govdata.de/dl-de/by-2-0",
        "https://www.destatis.de",
    ),
    Attribution(
        _("Postal codes"),
        "GeoNames (geonames.org)",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://www.geonames.org",
    ),
    Attribution(
        _("Administrative areas"),
        _("© GeoBasis-DE / BKG 2021 (data modified)"),
        _("Data Licence Germany – Attribution – Version 2.0"),
        "https://www.govdata.de/dl-de/by-2-0",
        "https://www.bkg.bund.de",
    ),
    Attribution(
        _("Population of the districts"),
        "Statistisches Bundesamt",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://www.destatis.de",
    ),
    Attribution(
        _("NACE Rev. 2 (English titles)"),
        _("© European Union, Eurostat"),
        _("Reuse with attribution"),
        "https://ec.europa.eu/eurostat/about-us/policies/copyright",
        "https://ec.europa.eu/eurostat/web/nace",
    ),
    Attribution(
        _("Synonyms"),
        "OpenThesaurus.de",
        "LGPL-2.1",
        "https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html",
        "https://www.openthesaurus.de",
    ),
    Attribution(
        _("Universities"),
        "Hipo university-domains-list",
        "MIT",
        "https://opensource.org/licenses/MIT",
        "https://github.com/Hipo/university-domains-list",
    ),
)
