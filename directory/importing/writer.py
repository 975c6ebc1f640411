"""Writing checked rows in bulk, with history for every object touched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_manager_for_model,
)

from classification.services import vocabulary_slug
from core.progress import Progress, track
from geo.geocoding import Geocoder, GeocodeResult, apply_geocode

from ..choices import (
    SiteKind,
    Source,
)
from ..models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
    Tag,
)
from .columns import (
    IDENTIFIER_TARGETS,
)
from .compare import (
    ORGANISATION_FIELD_TARGETS,
    Stored,
    link_columns,
    matching_contact,
    tags_after,
    through_of,
    value_differs,
)
from .inserter import (
    Inserter,
)
from .lookups import (
    BATCH_SIZE,
)
from .rows import (
    ParsedRow,
)


class _CachedGeocoder(Geocoder):
    """Remembers offline results, which depend on postal code and place only.

    A list repeats the same postal code and place many times; the look-up of the
    municipality behind each is the costly part of geocoding a site.
    """

    def __init__(self) -> None:
        super().__init__()
        self._offline: dict[tuple[str, str], GeocodeResult] = {}

    def offline(self, street: str, postal_code: str, place: str) -> GeocodeResult:
        key = (postal_code, place)
        if key not in self._offline:
            self._offline[key] = super().offline(street, postal_code, place)
        return self._offline[key]


class Writer:
    """Writes checked rows in bulk, recording history for every object it touches."""

    def __init__(self, reason: str, user: Any, source_detail: str, progress: Progress) -> None:
        self.reason = reason
        self.user = user
        self.source_detail = source_detail[:255]
        self.progress = progress
        self.history_orgs: dict[int, str] = {}  # organisation id → "+" or "~"
        self.created: list[int] = []
        self._slugs: set[str] | None = None
        self._tags: dict[str, Tag] | None = None
        self.geocoder = _CachedGeocoder()
        self.inserter = Inserter(Organisation, reason, getattr(user, "pk", None))

    # helpers

    def _history_kwargs(self) -> dict[str, Any]:
        return {"default_user": self.user, "default_change_reason": self.reason}

    def _create(self, objs: list[Any], model: type[models.Model]) -> None:
        if objs:
            bulk_create_with_history(objs, model, batch_size=BATCH_SIZE, **self._history_kwargs())

    def _update(self, objs: list[Any], model: type[models.Model], fields: Iterable[str]) -> None:
        if objs:
            bulk_update_with_history(
                objs, model, sorted(set(fields)), batch_size=BATCH_SIZE, **self._history_kwargs()
            )

    def _delete(self, objs: Iterable[models.Model]) -> None:
        for obj in objs:
            obj._change_reason = self.reason  # type: ignore[attr-defined]
            obj._history_user = self.user  # type: ignore[attr-defined]
            obj.delete()

    def slug(self, name: str) -> str:
        if self._slugs is None:
            self._slugs = set(Organisation.objects.values_list("slug", flat=True))
        base = (vocabulary_slug(name) or "organisation")[:240].strip("-")
        slug, counter = base, 2
        while slug in self._slugs:
            slug = f"{base}-{counter}"
            counter += 1
        self._slugs.add(slug)
        return slug

    def tags(self, names: Iterable[str]) -> dict[str, Tag]:
        """Tags by folded name, created where missing."""
        if self._tags is None:
            self._tags = {tag.name.casefold(): tag for tag in Tag.objects.all()}
        missing = {}
        for name in names:
            if name.casefold() not in self._tags and name.casefold() not in missing:
                missing[name.casefold()] = name
        if missing:
            slugs = set(Tag.objects.values_list("slug", flat=True))
            new = []
            for name in missing.values():
                base = (vocabulary_slug(name) or "tag")[:90]
                slug, counter = base, 2
                while slug in slugs:
                    slug = f"{base}-{counter}"
                    counter += 1
                slugs.add(slug)
                new.append(Tag(name=name, slug=slug))
            for tag in Tag.objects.bulk_create(new, batch_size=BATCH_SIZE):
                self._tags[tag.name.casefold()] = tag
        return self._tags

    def geocode(self, site: Site | SimpleNamespace) -> None:
        apply_geocode(site, self.geocoder)

    # creating

    def create(self, rows: list[ParsedRow]) -> None:
        if not rows:
            return
        inserter = self.inserter
        tags = self.tags(name for row in rows for name in tags_after(row, None))
        organisations = []
        for row, org_id in zip(rows, inserter.reserve(Organisation, len(rows)), strict=True):
            values = {
                name: value
                for name, value in row.fields.items()
                if name in ORGANISATION_FIELD_TARGETS and value is not None
            }
            if "legal_form" not in values and row.fields.get("legal_form_inferred"):
                values["legal_form"] = row.fields["legal_form_inferred"]
            values.update(
                id=org_id,
                slug=self.slug(row.name),
                source=Source.IMPORT,
                source_detail=self.source_detail,
            )
            organisations.append(values)
            row.match_id = org_id
            self.created.append(org_id)
        inserter.insert(Organisation, organisations)

        links: dict[str, list[dict[str, Any]]] = defaultdict(list)
        sites: list[dict[str, Any]] = []
        related: dict[type[models.Model], list[dict[str, Any]]] = defaultdict(list)
        for row in track(rows, len(rows), _("Writing"), self.progress):
            assert row.match_id is not None
            org_id = row.match_id
            for name, ids in row.m2m.items():
                own, other = link_columns(name)
                links[name].extend({own: org_id, other: pk} for pk in ids)
            own, other = link_columns("tags")
            links["tags"].extend(
                {own: org_id, other: tags[name.casefold()].pk} for name in tags_after(row, None)
            )
            if row.site is not None:
                sites.append(self._new_site(org_id, row.site))
            if row.contact is not None:
                related[ContactPerson].append(
                    {"organisation_id": org_id, "order": 0, **row.contact}
                )
            for target, value in row.identifiers.items():
                if value:
                    related[ExternalIdentifier].append(
                        {
                            "organisation_id": org_id,
                            "scheme": IDENTIFIER_TARGETS[target],
                            "value": value,
                        }
                    )
            for kind, names in row.offerings.items():
                related[Offering].extend(
                    {"organisation_id": org_id, "kind": kind, "name": name} for name in names
                )
            related[Certification].extend(
                {"organisation_id": org_id, "standard_id": pk} for pk in row.certifications or []
            )
            related[Membership].extend(
                {"organisation_id": org_id, "network_id": pk, "role": "member"}
                for pk in row.networks or []
            )
        related[Site] = sites
        for model, objs in related.items():
            for values, pk in zip(objs, inserter.reserve(model, len(objs)), strict=True):
                values["id"] = pk
            inserter.insert_with_history(model, objs)

        history_model = get_history_manager_for_model(Organisation).model
        history_ids = inserter.reserve(history_model, len(organisations))
        history_of: dict[int, int] = {}
        history_rows = []
        for values, history_id in zip(organisations, history_ids, strict=True):
            history_of[values["id"]] = history_id
            history_rows.append({**inserter.history_row(values), "history_id": history_id})
        inserter.insert(history_model, history_rows)
        for name, link_rows in links.items():
            m2m_field = Organisation._meta.get_field(name)
            through = m2m_field.remote_field.through  # type: ignore[union-attr]
            own, _other = link_columns(name)
            for values, pk in zip(
                link_rows, inserter.reserve(through, len(link_rows)), strict=True
            ):
                values["id"] = pk
            inserter.insert(through, link_rows)
            inserter.insert(
                HistoricalRecords.m2m_models[m2m_field],
                [{**values, "history_id": history_of[values[own]]} for values in link_rows],
                with_pk=False,
            )

    def _new_site(self, org_id: int | None, address: dict[str, str]) -> dict[str, Any]:
        site = SimpleNamespace(
            latitude=None,
            longitude=None,
            geocode_precision="none",
            municipality=None,
            district=None,
            **address,
        )
        self.geocode(site)  # type: ignore[arg-type]
        return {
            "organisation_id": org_id,
            "kind": SiteKind.HEADQUARTERS,
            "is_primary": True,
            **address,
            "latitude": site.latitude,
            "longitude": site.longitude,
            "geocode_precision": site.geocode_precision,
            "municipality_id": getattr(site.municipality, "pk", None),
            "district_id": getattr(site.district, "pk", None),
        }

    # updating

    def update(self, rows: list[ParsedRow], stored: dict[int, Stored]) -> None:
        if not rows:
            return
        tags = self.tags(name for row in rows for name in tags_after(row, stored[row.match_id]))  # type: ignore[index]
        changed_orgs: list[Organisation] = []
        changed_fields: set[str] = set()
        link_adds: dict[str, list[models.Model]] = defaultdict(list)
        link_removes: dict[str, list[tuple[int, int]]] = defaultdict(list)
        new_sites: list[Site] = []
        changed_sites: list[Site] = []
        site_fields: set[str] = set()
        new_contacts: list[ContactPerson] = []
        changed_contacts: list[ContactPerson] = []
        contact_fields: set[str] = set()
        new_identifiers: list[ExternalIdentifier] = []
        changed_identifiers: list[ExternalIdentifier] = []
        removed_identifiers: list[ExternalIdentifier] = []
        new_offerings: list[Offering] = []
        removed: list[models.Model] = []
        new_certifications: list[Certification] = []
        new_memberships: list[Membership] = []
        for row in track(rows, len(rows), _("Writing"), self.progress):
            assert row.match_id is not None
            state = stored[row.match_id]
            organisation = state.organisation
            org_id = organisation.pk
            self.history_orgs[org_id] = "~"
            dirty = False
            for field_name in ORGANISATION_FIELD_TARGETS:
                if field_name not in row.fields:
                    continue
                value = row.fields[field_name]
                if value is None and field_name in ("kind", "status"):
                    continue
                if value_differs(field_name, getattr(organisation, field_name), value):
                    setattr(organisation, field_name, value)
                    changed_fields.add(field_name)
                    dirty = True
            if dirty:
                changed_orgs.append(organisation)
            for name, ids in row.m2m.items():
                through, own, other = through_of(name)
                current = state.m2m[name]
                link_adds[name].extend(
                    through(**{own: org_id, other: pk}) for pk in ids if pk not in current
                )
                link_removes[name].extend((org_id, pk) for pk in current - set(ids))
            wanted_tags = tags_after(row, state)
            through, own, other = through_of("tags")
            current_tags = {name.casefold(): pk for name, pk in state.tags.items()}
            wanted_folded = {name.casefold() for name in wanted_tags}
            link_adds["tags"].extend(
                through(**{own: org_id, other: tags[name.casefold()].pk})
                for name in wanted_tags
                if name.casefold() not in current_tags
            )
            link_removes["tags"].extend(
                (org_id, pk) for name, pk in current_tags.items() if name not in wanted_folded
            )
            for kind, names in row.offerings.items():
                current_offerings = state.offerings.get(kind, {})
                new_offerings.extend(
                    Offering(organisation_id=org_id, kind=kind, name=name)
                    for name in names
                    if name not in current_offerings
                )
                removed.extend(o for n, o in current_offerings.items() if n not in names)
            if row.certifications is not None:
                new_certifications.extend(
                    Certification(organisation_id=org_id, standard_id=pk)
                    for pk in row.certifications
                    if pk not in state.certifications
                )
                removed.extend(
                    c for pk, c in state.certifications.items() if pk not in row.certifications
                )
            if row.networks is not None:
                new_memberships.extend(
                    Membership(organisation_id=org_id, network_id=pk)
                    for pk in row.networks
                    if pk not in state.memberships
                )
                removed.extend(m for pk, m in state.memberships.items() if pk not in row.networks)
            if row.site is not None:
                site = state.primary_site
                if site is None:
                    site = Site(
                        organisation_id=org_id,
                        kind=SiteKind.HEADQUARTERS,
                        is_primary=True,
                        **row.site,
                    )
                    self.geocode(site)
                    new_sites.append(site)
                else:
                    differs = [k for k, v in row.site.items() if getattr(site, k) != v]
                    if differs:
                        for key in differs:
                            setattr(site, key, row.site[key])
                        self.geocode(site)
                        site_fields.update(differs)
                        site_fields.update(
                            (
                                "latitude",
                                "longitude",
                                "geocode_precision",
                                "municipality",
                                "district",
                            )
                        )
                        changed_sites.append(site)
            if row.contact is not None:
                contact = matching_contact(state.contacts, row.contact)
                if contact is None:
                    order = max((c.order for c in state.contacts), default=-1) + 1
                    new_contacts.append(
                        ContactPerson(organisation_id=org_id, order=order, **row.contact)
                    )
                else:
                    differs = [k for k, v in row.contact.items() if getattr(contact, k) != v]
                    if differs:
                        for key in differs:
                            setattr(contact, key, row.contact[key])
                        contact_fields.update(differs)
                        changed_contacts.append(contact)
            for target, value in row.identifiers.items():
                scheme = IDENTIFIER_TARGETS[target]
                identifier = state.identifiers.get(scheme)
                if identifier is None and value:
                    new_identifiers.append(
                        ExternalIdentifier(organisation_id=org_id, scheme=scheme, value=value)
                    )
                elif identifier is not None and not value:
                    removed_identifiers.append(identifier)
                elif identifier is not None and identifier.value != value:
                    identifier.value = value
                    changed_identifiers.append(identifier)
        # Deletions first, so that unique constraints hold for what is added.
        self._delete(removed_identifiers)
        self._delete(removed)
        for name, pairs in link_removes.items():
            if not pairs:
                continue
            through, own, other = through_of(name)
            by_org: dict[int, list[int]] = defaultdict(list)
            for org_id, pk in pairs:
                by_org[org_id].append(pk)
            for org_id, pks in by_org.items():
                through.objects.filter(**{own: org_id, f"{other}__in": pks}).delete()  # type: ignore[attr-defined]
        if changed_orgs:
            Organisation.objects.bulk_update(
                changed_orgs, sorted(changed_fields), batch_size=BATCH_SIZE
            )
        for objs in link_adds.values():
            if objs:
                type(objs[0]).objects.bulk_create(objs, batch_size=BATCH_SIZE)  # type: ignore[attr-defined]
        self._update(changed_identifiers, ExternalIdentifier, ["value"])
        self._create(new_identifiers, ExternalIdentifier)
        self._update(changed_sites, Site, site_fields)
        self._create(new_sites, Site)
        self._update(changed_contacts, ContactPerson, contact_fields)
        self._create(new_contacts, ContactPerson)
        self._create(new_offerings, Offering)
        self._create(new_certifications, Certification)
        self._create(new_memberships, Membership)

    @property
    def touched(self) -> set[int]:
        """Every organisation created, or updated in itself or in its related rows."""
        return {*self.created, *self.history_orgs}

    # organisation history with its many-to-many fields

    def organisation_history(self) -> None:
        """One history record per organisation touched, with its lists as they are now.

        ``bulk_history_create`` does not copy many-to-many fields, so their
        historical rows are written here the way simple_history does for a save.
        """
        manager = get_history_manager_for_model(Organisation)
        history_model = manager.model
        ids = sorted(self.history_orgs)
        now = timezone.now()
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            by_type: dict[str, list[Organisation]] = defaultdict(list)
            for organisation in Organisation.objects.filter(pk__in=chunk):
                by_type[self.history_orgs[organisation.pk]].append(organisation)
            records: list[Any] = []
            for history_type, organisations in by_type.items():
                records.extend(
                    manager.bulk_history_create(
                        organisations,
                        update=history_type == "~",
                        default_user=self.user,
                        default_change_reason=self.reason,
                        default_date=now,
                    )
                    or []
                )
            if records and records[0].pk is None:
                # Databases that do not return keys from bulk inserts.
                lookup = dict(
                    history_model.objects.filter(
                        id__in=chunk, history_date=now, history_change_reason=self.reason
                    ).values_list("id", "pk")
                )
                for record in records:
                    record.pk = lookup.get(record.id)
            record_by_org = {record.id: record for record in records}
            for m2m_field in history_model._history_m2m_fields:
                self._m2m_history(m2m_field, record_by_org, chunk)

    @staticmethod
    def _m2m_history(m2m_field: Any, records: dict[int, Any], chunk: list[int]) -> None:
        history_m2m_model = HistoricalRecords.m2m_models[m2m_field]
        through = m2m_field.remote_field.through
        own = m2m_field.m2m_field_name()
        attnames = [f.attname for f in through._meta.fields]
        rows = []
        for values in through.objects.filter(**{f"{own}__in": chunk}).values(*attnames):
            record = records.get(values[f"{own}_id"])
            if record is not None:
                rows.append(history_m2m_model(history=record, **values))
        history_m2m_model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
