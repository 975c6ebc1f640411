"""Comparing a row with what the database holds for the organisation it updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from ..choices import (
    OfferingKind,
)
from ..models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
)
from .columns import (
    IDENTIFIER_TARGETS,
    MULTILINE_FIELDS,
    TARGETS,
    clean_text,
    fold,
)
from .lookups import (
    BATCH_SIZE,
)
from .rows import (
    ParsedRow,
)


@dataclass
class Stored:
    """What the database holds for an organisation a row updates."""

    organisation: Organisation
    m2m: dict[str, set[int]] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    offerings: dict[str, dict[str, Offering]] = field(default_factory=dict)
    certifications: dict[int, Certification] = field(default_factory=dict)
    memberships: dict[int, Membership] = field(default_factory=dict)
    primary_site: Site | None = None
    contacts: list[ContactPerson] = field(default_factory=list)
    identifiers: dict[str, ExternalIdentifier] = field(default_factory=dict)


M2M_FIELDS = ("secondary_wz", "technologies", "tags", "growth_fields")


def through_of(name: str) -> tuple[type[models.Model], str, str]:
    """(through model, column of the organisation, column of the other side)."""
    m2m_field = Organisation._meta.get_field(name)
    through = m2m_field.remote_field.through  # type: ignore[union-attr]
    return through, m2m_field.m2m_column_name(), m2m_field.m2m_reverse_name()  # type: ignore[union-attr]


def link_columns(name: str) -> tuple[str, str]:
    """Attribute names of the organisation and the other side in a many-to-many link."""
    m2m_field = Organisation._meta.get_field(name)
    through = m2m_field.remote_field.through  # type: ignore[union-attr]
    return (
        through._meta.get_field(m2m_field.m2m_field_name()).attname,  # type: ignore[union-attr]
        through._meta.get_field(m2m_field.m2m_reverse_field_name()).attname,  # type: ignore[union-attr]
    )


def load_stored(ids: list[int]) -> dict[int, Stored]:
    stored: dict[int, Stored] = {}
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        for organisation in Organisation.objects.filter(pk__in=chunk):
            stored[organisation.pk] = Stored(
                organisation, m2m={name: set() for name in M2M_FIELDS if name != "tags"}
            )
        for name in M2M_FIELDS:
            through, own, other = through_of(name)
            if name == "tags":
                for org_id, tag_id, tag_name in through.objects.filter(  # type: ignore[attr-defined]
                    **{f"{own}__in": chunk}
                ).values_list(own, other, "tag__name"):
                    stored[org_id].tags[tag_name] = tag_id
                continue
            for org_id, other_id in through.objects.filter(  # type: ignore[attr-defined]
                **{f"{own}__in": chunk}
            ).values_list(own, other):
                stored[org_id].m2m[name].add(other_id)
        for offering in Offering.objects.filter(organisation_id__in=chunk):
            stored[offering.organisation_id].offerings.setdefault(offering.kind, {})[
                offering.name
            ] = offering
        for certification in Certification.objects.filter(organisation_id__in=chunk):
            stored[certification.organisation_id].certifications[certification.standard_id] = (
                certification
            )
        for membership in Membership.objects.filter(organisation_id__in=chunk):
            stored[membership.organisation_id].memberships[membership.network_id] = membership
        for site in Site.objects.filter(organisation_id__in=chunk).order_by("-is_primary", "pk"):
            if stored[site.organisation_id].primary_site is None:
                stored[site.organisation_id].primary_site = site
        for contact in ContactPerson.objects.filter(organisation_id__in=chunk).order_by(
            "order", "pk"
        ):
            stored[contact.organisation_id].contacts.append(contact)
        for identifier in ExternalIdentifier.objects.filter(organisation_id__in=chunk):
            stored[identifier.organisation_id].identifiers[identifier.scheme] = identifier
    return stored


ORGANISATION_FIELD_TARGETS = {
    "name": "name",
    "kind": "kind",
    "legal_form": "legal_form",
    "status": "status",
    "short_description": "short_description",
    "description": "description",
    "short_description_en": "short_description_en",
    "description_en": "description_en",
    "website": "website",
    "email": "email",
    "phone": "phone",
    "founding_year": "founding_year",
    "employee_size_class": "employees",
    "primary_wz_id": "primary_wz",
}


def value_differs(field_name: str, stored: Any, new: Any) -> bool:
    """Whether a stored value and an imported one differ beyond whitespace and line ends."""
    if isinstance(stored, str) and isinstance(new, str):
        return clean_text(stored, multiline=field_name in MULTILINE_FIELDS) != new
    return bool(stored != new)


def matching_contact(contacts: list[ContactPerson], wanted: dict[str, str]) -> ContactPerson | None:
    email = wanted.get("email", "").casefold()
    if email:
        for contact in contacts:
            if contact.email.casefold() == email:
                return contact
    name = (fold(wanted.get("first_name", "")), fold(wanted["last_name"]))
    for contact in contacts:
        if (fold(contact.first_name), fold(contact.last_name)) == name:
            return contact
    return None


def changes_for(row: ParsedRow, stored: Stored) -> list[str]:
    """Labels of what a row would change on the organisation it updates."""
    changes: list[str] = []
    organisation = stored.organisation
    for field_name, target in ORGANISATION_FIELD_TARGETS.items():
        if field_name in row.fields and value_differs(
            field_name, getattr(organisation, field_name), row.fields[field_name]
        ):
            changes.append(str(TARGETS[target].label))
    for name, ids in row.m2m.items():
        if set(ids) != stored.m2m[name]:
            changes.append(str(TARGETS[name].label))
    if tags_after(row, stored) != set(stored.tags):
        changes.append(str(TARGETS["tags"].label))
    for kind, names in row.offerings.items():
        if set(names) != set(stored.offerings.get(kind, {})):
            changes.append(
                str(TARGETS["products" if kind == OfferingKind.PRODUCT else "services"].label)
            )
    if row.certifications is not None and set(row.certifications) != set(stored.certifications):
        changes.append(str(TARGETS["certifications"].label))
    if row.networks is not None and set(row.networks) != set(stored.memberships):
        changes.append(str(TARGETS["networks"].label))
    if row.site is not None:
        site = stored.primary_site
        if site is None or any(getattr(site, k) != v for k, v in row.site.items()):
            changes.append(str(_("Address")))
    if row.contact is not None:
        contact = matching_contact(stored.contacts, row.contact)
        if contact is None or any(getattr(contact, k) != v for k, v in row.contact.items()):
            changes.append(str(_("Contact person")))
    for target, value in row.identifiers.items():
        scheme = IDENTIFIER_TARGETS[target]
        current = stored.identifiers.get(scheme)
        if (current.value if current else "") != value:
            changes.append(str(TARGETS[target].label))
    return changes


def tags_after(row: ParsedRow, stored: Stored | None) -> set[str]:
    """Tag names after the row: the tags column replaces, unknown technologies add."""
    base = set(row.tags) if row.tags is not None else set(stored.tags) if stored else set()
    existing = {name.casefold(): name for name in base}
    for tag in row.extra_tags:
        existing.setdefault(tag.casefold(), tag)
    return set(existing.values())
