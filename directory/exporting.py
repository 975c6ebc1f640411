"""Organisation lists as rows for CSV, XLSX and JSON exports.

The columns are the importer's target fields, with headers the importer
recognises, so an exported list can be edited in Excel and imported again: the
"Portal ID" column makes each row update its organisation. A few columns are for
reading only (district, WZ title, coordinates); the importer reports them as not
imported.

Contact persons are exported for staff only (with the internal ones): a list is
what harvesters want, so no export for anyone else carries a person's name, email
or phone, whatever the person's visibility on the profile page. Only published
organisations are exported for anyone but staff. All related data is read
as plain values per chunk, so an export costs a fixed number of queries per 1,000
organisations and no model instances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField, Technology, localised
from core.exports import Column

from .choices import (
    EmployeeSizeClass,
    IdentifierScheme,
    LegalForm,
    OfferingKind,
    OrganisationKind,
    PublicationStatus,
    Visibility,
)
from .importing import TARGETS
from .models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
)
from .services import contact_visibilities_for, is_staff

if TYPE_CHECKING:
    from .services import AnyUser

CHUNK_SIZE = 1000

_IMPORTABLE = (
    "portal_id",
    "agency_id",
    "register_number",
    "vat_id",
    "name",
    "kind",
    "legal_form",
    "status",
    "short_description",
    "description",
    "short_description_en",
    "description_en",
    "website",
    "email",
    "phone",
    "founding_year",
    "employees",
    "primary_wz",
    "secondary_wz",
    "technologies",
    "tags",
    "growth_fields",
    "certifications",
    "products",
    "services",
    "networks",
    "street",
    "postal_code",
    "place",
)
_CONTACT = (
    "contact_title",
    "contact_first_name",
    "contact_last_name",
    "contact_role",
    "contact_phone",
    "contact_email",
    "contact_visibility",
)

EXPORT_COLUMNS: tuple[Column, ...] = (
    *(Column(key, TARGETS[key].label) for key in _IMPORTABLE),
    Column("district", _("District")),
    Column("primary_wz_title", _("WZ 2008 title")),
    Column("latitude", _("Latitude")),
    Column("longitude", _("Longitude")),
    *(Column(key, TARGETS[key].label) for key in _CONTACT),
)


def export_queryset(
    queryset: QuerySet[Organisation] | None, user: AnyUser | None
) -> QuerySet[Organisation]:
    """``queryset`` (default: all) limited to what ``user`` may export, in export order."""
    if queryset is None:
        queryset = Organisation.objects.all()
    if not is_staff(user):
        queryset = queryset.published()  # type: ignore[attr-defined]
    return queryset.order_by("name", "pk")


def organisation_rows(
    queryset: QuerySet[Organisation] | None, user: AnyUser | None
) -> Iterator[dict[str, Any]]:
    """One row per organisation with the columns of ``EXPORT_COLUMNS``, as ``user`` may see it.

    Reads plain values, one query per related table and chunk of ``CHUNK_SIZE``
    organisations: building model instances and prefetch caches would cost more
    than everything else (about 5 ms per organisation).
    """
    ids = list(export_queryset(queryset, user).values_list("pk", flat=True))
    labels = _Labels()
    # No contact person in a list for anyone but staff (harvesting).
    visibilities = contact_visibilities_for(user) if is_staff(user) else []
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        yield from _chunk_rows(chunk, labels, visibilities)


class _Labels:
    """Display labels of the choices, translated once per export instead of once per cell."""

    def __init__(self) -> None:
        self.kind = _choice_labels(OrganisationKind)
        self.legal_form = _choice_labels(LegalForm)
        self.status = _choice_labels(PublicationStatus)
        self.size = _choice_labels(EmployeeSizeClass)
        self.visibility = _choice_labels(Visibility)
        # Growth fields and technologies in the active language (the importer reads both).
        self.growth = _names(GrowthField)
        self.technology = _names(Technology)


def _names(model: type[GrowthField] | type[Technology]) -> dict[str, str]:
    rows = model._default_manager.values_list("name", "name_en")
    return {name: localised(name, english) for name, english in rows}


def _choice_labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _grouped(pairs: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for org_id, value in pairs:
        grouped[org_id].append(value)
    return grouped


def _chunk_rows(
    chunk: list[int], labels: _Labels, visibilities: list[str]
) -> Iterator[dict[str, Any]]:
    organisations = {
        values["id"]: values
        for values in Organisation.objects.filter(pk__in=chunk).values(
            "id",
            "name",
            "kind",
            "legal_form",
            "status",
            "short_description",
            "description",
            "short_description_en",
            "description_en",
            "website",
            "email",
            "phone",
            "founding_year",
            "employee_size_class",
            "primary_wz__code",
            "primary_wz__title",
            "primary_wz__title_en",
        )
    }
    links = {
        name: _grouped(
            Organisation._meta.get_field(name)
            .remote_field.through.objects.filter(organisation_id__in=chunk)  # type: ignore[union-attr]
            .order_by(order)
            .values_list("organisation_id", value)
        )
        for name, value, order in (
            ("secondary_wz", "wzcode__code", "wzcode__code"),
            ("technologies", "technology__name", "technology__name"),
            ("tags", "tag__name", "tag__name"),
            ("growth_fields", "growthfield__name", "growthfield__name"),
        )
    }
    offerings = _grouped(
        (org_id, (kind, name))
        for org_id, kind, name in Offering.objects.filter(organisation_id__in=chunk)
        .order_by("kind", "name")
        .values_list("organisation_id", "kind", "name")
    )
    certifications = _grouped(
        Certification.objects.filter(organisation_id__in=chunk)
        .order_by("standard__name")
        .values_list("organisation_id", "standard__name")
    )
    networks = _grouped(
        Membership.objects.filter(organisation_id__in=chunk)
        .order_by("network__name")
        .values_list("organisation_id", "network__name")
    )
    identifiers: dict[int, dict[str, str]] = defaultdict(dict)
    for org_id, scheme, value in ExternalIdentifier.objects.filter(
        organisation_id__in=chunk
    ).values_list("organisation_id", "scheme", "value"):
        identifiers[org_id][scheme] = value
    sites: dict[int, dict[str, Any]] = {}
    for site_values in (
        Site.objects.filter(organisation_id__in=chunk)
        .order_by("-is_primary", "pk")
        .values(
            "organisation_id",
            "street",
            "postal_code",
            "place",
            "latitude",
            "longitude",
            "district__name",
        )
    ):
        sites.setdefault(site_values["organisation_id"], dict(site_values))
    contacts: dict[int, dict[str, Any]] = {}
    people = (
        ContactPerson.objects.filter(organisation_id__in=chunk, visibility__in=visibilities)
        if visibilities
        else ContactPerson.objects.none()  # no query at all
    )
    for contact_values in people.order_by("order", "last_name", "pk").values(
        "organisation_id",
        "title",
        "first_name",
        "last_name",
        "role",
        "phone",
        "email",
        "visibility",
    ):
        contacts.setdefault(contact_values["organisation_id"], dict(contact_values))

    for org_id in chunk:
        values = organisations.get(org_id)
        if values is None:
            continue  # deleted while the export ran
        ids = identifiers.get(org_id, {})
        site: dict[str, Any] = sites.get(org_id, {})
        contact: dict[str, Any] = contacts.get(org_id, {})
        items = offerings.get(org_id, [])
        yield {
            "portal_id": org_id,
            "agency_id": ids.get(IdentifierScheme.AGENCY, ""),
            "register_number": ids.get(IdentifierScheme.REGISTER, ""),
            "vat_id": ids.get(IdentifierScheme.VAT, ""),
            "name": values["name"],
            "kind": labels.kind.get(values["kind"], values["kind"]),
            "legal_form": labels.legal_form.get(values["legal_form"], values["legal_form"]),
            "status": labels.status.get(values["status"], values["status"]),
            "short_description": values["short_description"],
            "description": values["description"],
            "short_description_en": values["short_description_en"],
            "description_en": values["description_en"],
            "website": values["website"],
            "email": values["email"],
            "phone": values["phone"],
            "founding_year": values["founding_year"],
            "employees": labels.size.get(values["employee_size_class"], ""),
            "primary_wz": values["primary_wz__code"] or "",
            "primary_wz_title": localised(
                values["primary_wz__title"] or "", values["primary_wz__title_en"] or ""
            ),
            "secondary_wz": links["secondary_wz"].get(org_id, []),
            "technologies": [
                labels.technology.get(n, n) for n in links["technologies"].get(org_id, [])
            ],
            "tags": links["tags"].get(org_id, []),
            "growth_fields": [
                labels.growth.get(n, n) for n in links["growth_fields"].get(org_id, [])
            ],
            "certifications": certifications.get(org_id, []),
            "products": [name for kind, name in items if kind == OfferingKind.PRODUCT],
            "services": [name for kind, name in items if kind == OfferingKind.SERVICE],
            "networks": networks.get(org_id, []),
            "street": site.get("street", ""),
            "postal_code": site.get("postal_code", ""),
            "place": site.get("place", ""),
            "district": site.get("district__name") or "",
            "latitude": site.get("latitude"),
            "longitude": site.get("longitude"),
            "contact_title": contact.get("title", ""),
            "contact_first_name": contact.get("first_name", ""),
            "contact_last_name": contact.get("last_name", ""),
            "contact_role": contact.get("role", ""),
            "contact_phone": contact.get("phone", ""),
            "contact_email": contact.get("email", ""),
            "contact_visibility": labels.visibility.get(contact.get("visibility", ""), ""),
        }
