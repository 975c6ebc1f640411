"""Organisations for search tests, made the way staff or an import would make them."""

from __future__ import annotations

from collections.abc import Iterable

from classification.models import CertificationStandard, GrowthField, Technology, WzCode
from directory.choices import OrganisationKind
from directory.models import Organisation
from directory.tests.factories import (
    MembershipFactory,
    OfferingFactory,
    OrganisationFactory,
    SiteFactory,
)
from geo.models import District
from search import services
from search.query import SearchQuery

# Real places (postal code, place, district key, latitude, longitude).
PLACES = {
    "erfurt": ("99084", "Erfurt", "16051", 50.9787, 11.0328),
    "jena": ("07743", "Jena", "16053", 50.9271, 11.5892),
    "ilmenau": ("98693", "Ilmenau", "16070", 50.6843, 10.9193),
    "arnstadt": ("99310", "Arnstadt", "16070", 50.8342, 10.9464),
    "gera": ("07545", "Gera", "16052", 50.8803, 12.0793),
    "eisenach": ("99817", "Eisenach", "16063", 50.9747, 10.3241),
}


def make_org(
    name: str,
    *,
    description: str = "",
    short: str = "",
    offerings: Iterable[str] = (),
    kind: str = OrganisationKind.COMPANY,
    place: str = "erfurt",
    wz: str | None = None,
    secondary_wz: Iterable[str] = (),
    size: str = "",
    technologies: Iterable[str] = (),
    growth: Iterable[str] = (),
    certs: Iterable[str] = (),
    networks: Iterable[Organisation] = (),
    lat: float | None = None,
    lon: float | None = None,
    **fields: object,
) -> Organisation:
    org: Organisation = OrganisationFactory(  # type: ignore[assignment]
        name=name,
        kind=kind,
        short_description=short,
        description=description,
        employee_size_class=size,
        primary_wz=WzCode.objects.get(version="2008", code=wz) if wz else None,
        **fields,
    )
    postal_code, place_name, ags, plat, plon = PLACES[place]
    SiteFactory(
        organisation=org,
        postal_code=postal_code,
        place=place_name,
        district=District.objects.get(ags=ags),
        latitude=plat if lat is None else lat,
        longitude=plon if lon is None else lon,
    )
    for offering in offerings:
        OfferingFactory(organisation=org, name=offering)
    if secondary_wz:
        org.secondary_wz.set(WzCode.objects.filter(version="2008", code__in=list(secondary_wz)))
    if technologies:
        org.technologies.set(Technology.objects.filter(name__in=list(technologies)))
    if growth:
        org.growth_fields.set(GrowthField.objects.filter(name__in=list(growth)))
    for cert in certs:
        org.certifications.create(standard=CertificationStandard.objects.get(name=cert))
    for network in networks:
        MembershipFactory(organisation=org, network=network)
    return org


def index_all() -> None:
    """A fresh index of exactly the organisations in the database, as after a rebuild."""
    services.rebuild_index()


def names(text: str = "", **options: object) -> list[str]:
    """Names of all matches, in the engine's order."""
    query = SearchQuery(text=text, limit=100, facets=False, **options)  # type: ignore[arg-type]
    return [item.organisation.name for item in services.search(query, relax=False).items]
