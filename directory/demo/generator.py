"""The generator of organisations: the lookups, the plan, the batch loop.

The generator is split by responsibility: ``naming`` (names, slugs, domains) and ``rows``
(the rows of one organisation or network) are mixins of ``_Generator``; this module
prepares the lookups and tables, plans the run and writes batch by batch.
"""

from __future__ import annotations

import datetime
import gc
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classification.models import CertificationStandard, GrowthField, Technology
from core.progress import Progress

from ..choices import IdentifierScheme, Source
from ..demo_data import words
from ..demo_data.sectors import NETWORKS, NetworkDefinition
from ..models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
)
from ..signals import organisations_changed
from .common import (
    AGENCY_PREFIX,
    DEMO_PHONE,
    STATE_NAMES_EN,
    DemoDataError,
    DemoStats,
    ascii_slug,
)
from .lookups import _Geography, _wz_codes
from .naming import _tagged
from .planning import ALL_PROFILES, ProfilePlan, _cum, assign, code_plans
from .rows import _Rows
from .writing import _m2m_table, _reserve_ids, _Table

# --- The generator ----------------------------------------------------------------------


class _Generator(_Rows):
    def __init__(self, seed: int, state_ags: str, batch_size: int, progress: Progress) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.batch_size = max(100, batch_size)
        self.progress = progress
        self.geo = _Geography(state_ags)
        state_en = STATE_NAMES_EN.get(state_ags, "")
        self.state_suffix_en = f", {state_en}" if state_en else ""
        self.codes = _wz_codes()
        if not self.codes:
            raise DemoDataError(_("No WZ 2008 codes: run “manage.py import_reference_data” first."))
        self.technology_ids = dict(Technology.objects.values_list("name", "id"))
        self.certification_ids = dict(CertificationStandard.objects.values_list("name", "id"))
        self.certification_names = {v: k for k, v in self.certification_ids.items()}
        self.growth_field_ids = dict(GrowthField.objects.values_list("name", "id"))
        self.slugs = set(Organisation.objects.values_list("slug", flat=True))
        self.today = timezone.localdate()
        self.year = self.today.year
        self.surnames = words("surnames")
        self.female = words("first_names_female")
        self.male = words("first_names_male")
        self.streets = words("streets")
        self.landscapes = words("landscapes")
        self.towns = words("town_adjectives")
        self.stems = _tagged(words("brand_stems"))
        self.suffixes = _tagged(words("brand_suffixes"))
        self.brand_parts: dict[str, tuple[list[str], list[str], list[str]]] = {}
        self.ascii_names = {
            name: ascii_slug(name) for name in (*self.surnames, *self.female, *self.male)
        }
        self.phones = [DEMO_PHONE.format(i) for i in range(1000)]
        self.source_detail = f"generate_demo_data seed {seed}"
        self._open_tables()
        self.next_agency_number = self._next_agency_number()
        self.stats = DemoStats()
        self.founded_networks: set[int] = set()

    def _open_tables(self) -> None:
        org = (
            "id",
            "kind",
            "name",
            "slug",
            "legal_form",
            "short_description",
            "short_description_en",
            "description",
            "website",
            "email",
            "phone",
            "founding_year",
            "employee_size_class",
            "primary_wz",
            "status",
            "source",
            "source_detail",
            "last_verified",
        )
        self.t_org = _Table(Organisation, org)
        self.t_site = _Table(
            Site,
            (
                "organisation",
                "kind",
                "is_primary",
                "street",
                "postal_code",
                "place",
                "country",
                "latitude",
                "longitude",
                "geocode_precision",
                "municipality",
                "district",
            ),
        )
        self.t_contact = _Table(
            ContactPerson,
            (
                "organisation",
                "title",
                "first_name",
                "last_name",
                "role",
                "phone",
                "email",
                "visibility",
                "order",
            ),
        )
        self.t_offering = _Table(Offering, ("organisation", "kind", "name"))
        self.t_cert = _Table(Certification, ("organisation", "standard", "valid_until"))
        self.t_ident = _Table(ExternalIdentifier, ("organisation", "scheme", "value"))
        self.t_member = _Table(Membership, ("organisation", "network", "role", "since"))
        meta = Organisation._meta
        self.t_secondary = _m2m_table(meta.get_field("secondary_wz"))
        self.t_tech = _m2m_table(meta.get_field("technologies"))
        self.t_growth = _m2m_table(meta.get_field("growth_fields"))
        self.org_rows = self.t_org.rows
        self.site_rows = self.t_site.rows
        self.contact_rows = self.t_contact.rows
        self.offering_rows = self.t_offering.rows
        self.cert_rows = self.t_cert.rows
        self.ident_rows = self.t_ident.rows
        self.member_rows = self.t_member.rows
        self.secondary_rows = self.t_secondary.rows
        self.tech_rows = self.t_tech.rows
        self.growth_rows = self.t_growth.rows
        self.tables = (
            self.t_org,
            self.t_site,
            self.t_contact,
            self.t_offering,
            self.t_cert,
            self.t_ident,
            self.t_member,
            self.t_secondary,
            self.t_tech,
            self.t_growth,
        )
        date_field = Organisation._meta.get_field("last_verified")
        self.verified_dates = [
            date_field.get_db_prep_save(self.today - datetime.timedelta(days=d), connection)
            for d in range(3 * 365)
        ]
        valid_field = Certification._meta.get_field("valid_until")
        self.valid_dates = [
            valid_field.get_db_prep_save(self.today + datetime.timedelta(days=d), connection)
            for d in range(30, 3 * 365)
        ]

    def _next_agency_number(self) -> int:
        values = ExternalIdentifier.objects.filter(
            scheme=IdentifierScheme.AGENCY, value__startswith=AGENCY_PREFIX
        ).values_list("value", flat=True)
        numbers = [
            int(v[len(AGENCY_PREFIX) :]) for v in values if v[len(AGENCY_PREFIX) :].isdigit()
        ]
        return max(numbers, default=0) + 1

    # -- planning ------------------------------------------------------------------------

    def _plan(self, networks: list[tuple[int, NetworkDefinition]], count: int) -> None:
        plans: dict[str, ProfilePlan] = {}
        for profile in ALL_PROFILES:
            words: list[tuple[str, tuple[str, ...]]] = []
            for entry in profile.words:
                word, _sep, prefixes = entry.partition("=")
                words.append((word, tuple(p for p in prefixes.split(",") if p)))
            fitting = [
                (pk, definition.founded)
                for pk, definition in networks
                if profile.key in definition.profiles
            ]
            plans[profile.key] = ProfilePlan(
                profile=profile,
                words=words,
                technologies=[
                    self.technology_ids[n] for n in profile.technologies if n in self.technology_ids
                ],
                certifications=[
                    (self.certification_ids[n], p)
                    for n, p in profile.certifications
                    if n in self.certification_ids
                ],
                growth_fields=[
                    self.growth_field_ids[n]
                    for n in profile.growth_fields
                    if n in self.growth_field_ids
                ],
                forms=[form for form, _w in profile.legal_forms],
                forms_cum=_cum(w for _f, w in profile.legal_forms),
                patterns=[p for p, _w in profile.patterns],
                patterns_cum=_cum(w for _p, w in profile.patterns),
                sizes_cum=_cum(profile.sizes),
                networks=fitting,
            )
        self.code_plans = code_plans(self.codes, plans)
        self.assigned = assign(self.rng, self.codes, count)
        self.next_assigned = 0

    # -- networks ------------------------------------------------------------------------

    def _networks(self, count: int) -> list[tuple[int, NetworkDefinition]]:
        """The invented networks, reused if an earlier run created them."""
        definitions = list(NETWORKS[:count])
        existing = dict(
            Organisation.objects.filter(
                source=Source.GENERATED, name__in=[d.name for d in definitions]
            ).values_list("name", "id")
        )
        new = [d for d in definitions if d.name not in existing]
        ids = _reserve_ids(Organisation, len(new)) if new else []
        for pk, definition in zip(ids, new, strict=True):
            self._network(pk, definition)
            existing[definition.name] = pk
        self.stats.networks = len(new)
        return [(existing[d.name], d) for d in definitions]

    # -- run -----------------------------------------------------------------------------

    def _take(self) -> list[list[tuple[Any, ...]]]:
        """This batch's rows of every table; the generator goes on with empty lists."""
        batch = [table.take() for table in self.tables]
        self.org_rows = self.t_org.rows
        self.site_rows = self.t_site.rows
        self.contact_rows = self.t_contact.rows
        self.offering_rows = self.t_offering.rows
        self.cert_rows = self.t_cert.rows
        self.ident_rows = self.t_ident.rows
        self.member_rows = self.t_member.rows
        self.secondary_rows = self.t_secondary.rows
        self.tech_rows = self.t_tech.rows
        self.growth_rows = self.t_growth.rows
        return batch

    def _write(self, batch: list[list[tuple[Any, ...]]], raw_connection: Any) -> None:
        # The DB-API connection of the thread that opened the transaction: Django's
        # ``connection`` is per thread, and the rows belong to that transaction.
        cursor = raw_connection.cursor()
        try:
            for table, rows in zip(self.tables, batch, strict=True):
                table.write(cursor, rows)
        finally:
            cursor.close()

    def _generate(self, first_id: int, size: int) -> list[list[tuple[Any, ...]]]:
        for org_id in range(first_id, first_id + size):
            self._organisation(org_id)
        return self._take()

    def run(self, count: int) -> DemoStats:
        # The rows are plain tuples that die with their batch: the cyclic garbage
        # collector finds nothing to free, yet its full passes over a growing heap cost
        # a fifth of the time at a million organisations.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(count)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _run(self, count: int) -> DemoStats:
        """Write the networks, then the organisations batch by batch.

        While the writer thread inserts one batch (SQLite and PostgreSQL do their
        work without holding Python's GIL), this thread builds the next one. Rows
        are built with the keys the batch will most likely get; the rare batch that
        gets others (someone inserted meanwhile) is renumbered before it is written.
        """
        label = _("Generating organisations")
        network_count = min(len(NETWORKS), count // 15)
        with transaction.atomic():
            networks = self._networks(network_count)
            connection.ensure_connection()
            raw_connection = connection.connection
            self._write(self._take(), raw_connection)
            # Written without model signals: the search hears of each batch this way.
            organisations_changed([pk for pk, _d in networks], sender=_Generator)
        self._plan(networks, count - self.stats.networks)
        self.founded_networks = set(
            Membership.objects.filter(network__in=[pk for pk, _d in networks]).values_list(
                "network_id", flat=True
            )
        )
        done = self.stats.networks
        remaining = count - done
        self.progress(done, count, label)
        if remaining <= 0:
            return self._finish(done)
        expected = _reserve_ids(Organisation, 0, peek=True)
        size = min(self.batch_size, remaining)
        batch: list[list[tuple[Any, ...]]] | None = self._generate(expected, size)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-writer") as writer:
            while batch is not None:
                with transaction.atomic():
                    ids = _reserve_ids(Organisation, size)
                    organisations_changed(ids, sender=_Generator)
                    if ids[0] != expected or ids[-1] != expected + size - 1:
                        _renumber(
                            batch, dict(zip(range(expected, expected + size), ids, strict=True))
                        )
                    future = writer.submit(self._write, batch, raw_connection)
                    remaining -= size
                    done += size
                    try:
                        if remaining > 0:
                            expected, size = ids[-1] + 1, min(self.batch_size, remaining)
                            batch = self._generate(expected, size)
                        else:
                            batch = None
                    finally:
                        future.result()
                self.progress(done, count, label)
        return self._finish(done)

    def _finish(self, done: int) -> DemoStats:
        self.stats.organisations = done
        self.stats.rows = {t.table: t.written for t in self.tables}
        self.stats.write_seconds = {t.table: t.seconds for t in self.tables}
        return self.stats


def _renumber(batch: list[list[tuple[Any, ...]]], ids: dict[int, int]) -> None:
    """Give a batch the keys it really got: every row starts with its organisation's key."""
    for rows in batch:
        rows[:] = [(ids[row[0]], *row[1:]) for row in rows]
