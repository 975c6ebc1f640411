"""Reading the organisation database for the public pages.

Who may see which contact person is decided here and nowhere else
(``contact_visibilities_for``); views, the JSON-LD and later the API ask these
functions, so a rule change reaches every output at once. The querysets prefetch
everything a page shows, so the number of queries does not grow with the rows
(tests pin the counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language

from classification.choices import WzLevel
from classification.models import GrowthField, Technology, WzCode
from core.attribution import ATTRIBUTIONS

from .choices import EmployeeSizeClass, OfferingKind, PublicationStatus, Visibility
from .models import Certification, ContactPerson, Membership, Organisation, Site

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    AnyUser = AbstractBaseUser | AnonymousUser

# A network's profile lists at most this many members and says how many there are.
NETWORK_MEMBERS_SHOWN = 30

# Enough parents to walk from a WZ subclass up to its section without another query.
_WZ_PARENT_CHAIN = "parent__parent__parent__parent"

# The licence of the district boundaries (BKG VG5000) asks for this line wherever they show.
BOUNDARY_ATTRIBUTION = next(
    (a.text for a in ATTRIBUTIONS if "bkg.bund.de" in a.url), "© GeoBasis-DE / BKG 2021"
)

# Head-count bounds of the EU SME classes, for schema.org QuantitativeValue.
EMPLOYEE_RANGES: dict[str, tuple[int, int | None]] = {
    EmployeeSizeClass.MICRO: (1, 9),
    EmployeeSizeClass.SMALL: (10, 49),
    EmployeeSizeClass.MEDIUM: (50, 249),
    EmployeeSizeClass.LARGE: (250, None),
}


# --- Who may see what -------------------------------------------------------------


def is_staff(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "is_staff", False))


def contact_visibilities_for(user: AnyUser | None) -> list[str]:
    """The visibility levels of personal data this user may see.

    Public data is for everyone, "registered" for any signed-in account,
    "staff" for the agency's staff. This is the single rule; everything else asks it.
    """
    levels = [Visibility.PUBLIC.value]
    if user is not None and user.is_authenticated:
        levels.append(Visibility.REGISTERED.value)
        if is_staff(user):
            levels.append(Visibility.STAFF.value)
    return levels


def visible_contacts_queryset(
    user: AnyUser | None, queryset: QuerySet[ContactPerson] | None = None
) -> QuerySet[ContactPerson]:
    """Contact persons the user may see, for any number of organisations at once."""
    if queryset is None:
        queryset = ContactPerson.objects.all()
    return queryset.filter(visibility__in=contact_visibilities_for(user))


def visible_contacts(organisation: Organisation, user: AnyUser | None) -> list[ContactPerson]:
    """The organisation's contact persons this user may see, in their display order.

    Filters in memory when the contacts were prefetched (as ``organisation_detail``
    does), so the profile page costs the same number of queries for every role.
    """
    levels = contact_visibilities_for(user)
    return [contact for contact in organisation.contacts.all() if contact.visibility in levels]


def can_view_organisation(organisation: Organisation, user: AnyUser | None) -> bool:
    """Unpublished profiles (drafts, hidden, archived) are for staff only."""
    return organisation.status == PublicationStatus.PUBLISHED or is_staff(user)


# --- Querysets for the pages ------------------------------------------------------


def _primary_sites() -> Prefetch[Any]:
    sites = (
        Site.objects.filter(is_primary=True).select_related("district").defer("district__geometry")
    )
    return Prefetch("sites", queryset=sites, to_attr="primary_site_list")


def organisation_list_queryset() -> QuerySet[Organisation]:
    """Published organisations with what a list row shows (name, kind, place, main WZ).

    Two queries per page whatever its length: the rows (with the main WZ code
    joined) and their main sites.
    """
    return (
        Organisation.objects.published()
        .select_related("primary_wz")
        .prefetch_related(_primary_sites())
        .order_by("name", "pk")
    )


def organisation_detail_queryset(user: AnyUser | None = None) -> QuerySet[Organisation]:
    """Organisations with everything the profile page shows, in a fixed number of queries."""
    wz = WzCode.objects.select_related(_WZ_PARENT_CHAIN)
    queryset = Organisation.objects.all() if is_staff(user) else Organisation.objects.published()
    return queryset.select_related(f"primary_wz__{_WZ_PARENT_CHAIN}").prefetch_related(
        Prefetch("secondary_wz", queryset=wz.order_by("code")),
        Prefetch("technologies", queryset=Technology.objects.order_by("name")),
        "tags",
        Prefetch("growth_fields", queryset=GrowthField.objects.order_by("name")),
        "offerings",
        Prefetch(
            "certifications",
            queryset=Certification.objects.select_related("standard").order_by("standard__name"),
        ),
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(network__status=PublicationStatus.PUBLISHED)
            .select_related("network")
            .order_by("network__name"),
            to_attr="network_memberships",
        ),
        Prefetch(
            "sites",
            queryset=Site.objects.select_related("district", "municipality"),
            to_attr="site_list",
        ),
        "contacts",
    )


@dataclass(frozen=True)
class NetworkMembers:
    """The first members of a network and how many it has (published ones only)."""

    shown: list[Membership]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.shown), 0)


def network_members(network: Organisation, limit: int = NETWORK_MEMBERS_SHOWN) -> NetworkMembers:
    """Two queries however large the network: the first ``limit`` members and the count."""
    memberships = Membership.objects.filter(
        network=network, organisation__status=PublicationStatus.PUBLISHED
    )
    shown = list(memberships.select_related("organisation").order_by("organisation__name")[:limit])
    total = len(shown) if len(shown) < limit else memberships.count()
    return NetworkMembers(shown=shown, total=total)


def organisation_detail(slug: str, user: AnyUser | None = None) -> Organisation:
    """The profile of ``slug`` as ``user`` may see it.

    Raises ``Organisation.DoesNotExist`` for unknown slugs and for unpublished
    profiles unless the user is staff; ask ``visible_contacts`` for the contacts.
    """
    return organisation_detail_queryset(user).get(slug=slug)


# --- Presentation helpers ---------------------------------------------------------


def wz_path(code: WzCode) -> list[WzCode]:
    """Section → division → group → class → subclass of a code, without queries.

    The detail queryset joins four parents, which is the whole depth of WZ.
    """
    return code.ancestors()


def organisation_wz_paths(organisation: Organisation) -> list[tuple[WzCode, list[WzCode], bool]]:
    """(code, its path from the section, is the main code) for every WZ code of the profile."""
    result: list[tuple[WzCode, list[WzCode], bool]] = []
    if organisation.primary_wz is not None:
        result.append((organisation.primary_wz, wz_path(organisation.primary_wz), True))
    for code in organisation.secondary_wz.all():
        if code.pk != organisation.primary_wz_id:
            result.append((code, wz_path(code), False))
    return result


@dataclass(frozen=True)
class Description:
    """A profile's texts in the active language and the language each is actually in.

    The language goes into ``lang`` attributes, so a screen reader pronounces a
    German text shown on the English page as German (WCAG 3.1.2).
    """

    short: str
    short_lang: str
    long: str
    long_lang: str


def localized_description(organisation: Organisation) -> Description:
    """The English texts when the page is English and they exist, else the German ones."""
    if (get_language() or "de").startswith("en"):
        short_en, long_en = organisation.short_description_en, organisation.description_en
        return Description(
            short=short_en or organisation.short_description,
            short_lang="en" if short_en else "de",
            long=long_en or organisation.description,
            long_lang="en" if long_en else "de",
        )
    return Description(
        short=organisation.short_description,
        short_lang="de",
        long=organisation.description,
        long_lang="de",
    )


def site_map_data(sites: list[Site]) -> dict[str, Any] | None:
    """What the profile map draws: geocoded sites and the boundaries of their districts.

    ``None`` when no site has coordinates, so the page shows no empty map.
    """
    markers = [
        {
            "lat": site.latitude,
            "lon": site.longitude,
            "label": site.name or str(site),
        }
        for site in sites
        if site.latitude is not None and site.longitude is not None
    ]
    if not markers:
        return None
    boundaries: list[dict[str, Any]] = []
    seen: set[int] = set()
    for site in sites:
        district = site.district
        if district is not None and district.pk not in seen and district.geometry:
            seen.add(district.pk)
            boundaries.append({"name": district.name, "geometry": district.geometry})
    return {
        "markers": markers,
        "boundaries": boundaries,
        "boundary_attribution": BOUNDARY_ATTRIBUTION,
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
    }


# --- schema.org ---------------------------------------------------------------------


def _postal_address(site: Site) -> dict[str, Any]:
    address: dict[str, Any] = {
        "@type": "PostalAddress",
        "postalCode": site.postal_code,
        "addressLocality": site.place,
        "addressCountry": site.country,
    }
    if site.street:
        address["streetAddress"] = site.street
    return address


def _place(site: Site) -> dict[str, Any]:
    place: dict[str, Any] = {"@type": "Place", "address": _postal_address(site)}
    if site.name:
        place["name"] = site.name
    if site.latitude is not None and site.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": site.latitude,
            "longitude": site.longitude,
        }
    return place


def organisation_json_ld(organisation: Organisation, request: HttpRequest) -> dict[str, Any]:
    """schema.org Organization for search engines and data consumers.

    Only public contact persons appear, whoever asks: the markup is meant for
    machines that republish it. Organization has no ``geo`` property, so the sites
    go into ``location`` as Places with GeoCoordinates, and the main site's address
    into ``address``. ``isicV4`` carries the WZ division: WZ 2008 follows NACE
    Rev. 2, whose divisions are those of ISIC Rev. 4 (finer levels differ).
    Expects an organisation from ``organisation_detail``.
    """
    profile_url = request.build_absolute_uri(organisation.get_absolute_url())
    texts = localized_description(organisation)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": f"{profile_url}#organization",
        "name": organisation.name,
        "url": organisation.website or profile_url,
        "mainEntityOfPage": profile_url,
    }
    if organisation.website:
        data["sameAs"] = [organisation.website]
    if texts.short or texts.long:
        data["description"] = texts.short or texts.long
    if organisation.email:
        data["email"] = organisation.email
    if organisation.phone:
        data["telephone"] = organisation.phone
    if organisation.founding_year:
        data["foundingDate"] = str(organisation.founding_year)
    if organisation.employee_size_class in EMPLOYEE_RANGES:
        low, high = EMPLOYEE_RANGES[organisation.employee_size_class]
        employees: dict[str, Any] = {"@type": "QuantitativeValue", "minValue": low}
        if high is not None:
            employees["maxValue"] = high
        data["numberOfEmployees"] = employees

    sites: list[Site] | None = getattr(organisation, "site_list", None)
    if sites is None:
        sites = list(organisation.sites.all())
    primary = next((s for s in sites if s.is_primary), sites[0] if sites else None)
    if primary is not None:
        data["address"] = _postal_address(primary)
        data["location"] = [_place(site) for site in sites]

    if organisation.primary_wz is not None:
        division = next(
            (c for c in wz_path(organisation.primary_wz) if c.level == WzLevel.DIVISION), None
        )
        if division is not None:
            data["isicV4"] = division.code

    technologies = [t.name for t in organisation.technologies.all()]
    if technologies:
        data["knowsAbout"] = technologies
    tags = [t.name for t in organisation.tags.all()]
    if tags:
        data["keywords"] = ", ".join(tags)

    certifications = []
    for certification in organisation.certifications.all():
        entry: dict[str, Any] = {"@type": "Certification", "name": certification.standard.name}
        if certification.valid_until:
            entry["expires"] = certification.valid_until.isoformat()
        certifications.append(entry)
    if certifications:
        data["hasCertification"] = certifications

    memberships: list[Membership] = getattr(organisation, "network_memberships", None) or []
    if memberships:
        data["memberOf"] = [
            {
                "@type": "Organization",
                "name": m.network.name,
                "url": request.build_absolute_uri(m.network.get_absolute_url()),
            }
            for m in memberships
        ]

    offers = [
        {
            "@type": "Offer",
            "itemOffered": {
                "@type": "Service" if offering.kind == OfferingKind.SERVICE else "Product",
                "name": offering.name,
                **({"description": offering.description} if offering.description else {}),
            },
        }
        for offering in organisation.offerings.all()
    ]
    if offers:
        data["makesOffer"] = offers

    public_contacts = [
        c for c in visible_contacts(organisation, None) if c.visibility == Visibility.PUBLIC
    ]
    if public_contacts:
        data["contactPoint"] = [_contact_point(c) for c in public_contacts]
    return data


def _contact_point(contact: ContactPerson) -> dict[str, Any]:
    point: dict[str, Any] = {"@type": "ContactPoint", "name": str(contact)}
    if contact.role:
        point["contactType"] = contact.role
    if contact.email:
        point["email"] = contact.email
    if contact.phone:
        point["telephone"] = contact.phone
    return point
