"""The generator of organisations: plans, names, one organisation, the batch loop."""

from __future__ import annotations

import datetime
import gc
import random
from bisect import bisect_right as bisect_cum
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classification.models import CertificationStandard, GrowthField, Technology
from core.progress import Progress
from geo.choices import GeocodePrecision

from ..choices import (
    EmployeeSizeClass,
    IdentifierScheme,
    PublicationStatus,
    SiteKind,
    Source,
)
from ..demo_data import words
from ..demo_data.economy import SWITCH_SHARE
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
from .lookups import _Code, _Geography, _wz_codes
from .planning import ALL_PROFILES, ProfilePlan, _cum, assign, code_plans
from .texts import company_text, listing, offering_kind, pick, research_text
from .writing import _m2m_table, _reserve_ids, _Table, demo_domain

# --- The generator ----------------------------------------------------------------------

SIZE_CLASSES = (
    EmployeeSizeClass.MICRO.value,
    EmployeeSizeClass.SMALL.value,
    EmployeeSizeClass.MEDIUM.value,
    EmployeeSizeClass.LARGE.value,
)
HEADCOUNT = {"micro": (2, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 1400)}
ROLES = {
    "company": (
        ("Geschäftsführer", "Geschäftsführerin"),
        ("Vertriebsleiter", "Vertriebsleiterin"),
        ("Technischer Leiter", "Technische Leiterin"),
        ("Leiter Einkauf", "Leiterin Einkauf"),
        ("Projektleiter", "Projektleiterin"),
        ("Personalreferent", "Personalreferentin"),
    ),
    "research": (
        ("Institutsdirektor", "Institutsdirektorin"),
        ("Leiter Technologietransfer", "Leiterin Technologietransfer"),
        ("Gruppenleiter", "Gruppenleiterin"),
        ("Projektkoordinator", "Projektkoordinatorin"),
    ),
    "network": (
        ("Netzwerkmanager", "Netzwerkmanagerin"),
        ("Vorstandsvorsitzender", "Vorstandsvorsitzende"),
        ("Projektmanager", "Projektmanagerin"),
    ),
    "other": (
        ("Geschäftsführer", "Geschäftsführerin"),
        ("Referent Wirtschaft", "Referentin Wirtschaft"),
        ("Vorsitzender", "Vorsitzende"),
    ),
}
OWNER = ("Inhaber", "Inhaberin")
PUBLISHED = PublicationStatus.PUBLISHED.value
GENERATED = Source.GENERATED.value
HEADQUARTERS = SiteKind.HEADQUARTERS.value
POSTAL_CODE_PRECISION = GeocodePrecision.POSTAL_CODE.value
AGENCY = IdentifierScheme.AGENCY.value
KIND_SUBJECT = {
    "company": "Unser Unternehmen",
    "research": "Unser Institut",
    "university": "Unsere Hochschule",
    "chamber": "Unsere Innung",
    "association": "Unser Verein",
    "public": "Unser Verband",
    "network": "Unser Netzwerk",
    "cluster": "Unser Cluster",
}
KIND_SUBJECT_LOWER = {
    kind: subject[0].lower() + subject[1:] for kind, subject in KIND_SUBJECT.items()
}
# Share of organisations with 0, 1, 2, 3 secondary codes / 1, 2, 3 contacts / ... items.
SECONDARY_K = (45, 33, 15, 7)
CONTACTS_K = (45, 35, 20)
OFFERINGS_K = (20, 35, 30, 15)
TECH_K = (10, 35, 35, 20)
VISIBILITIES = ("public", "registered", "staff")
VISIBILITY_WEIGHTS = (40, 35, 25)
ROLE_CHOICES = ("member", "founding", "board", "partner")
ROLE_WEIGHTS = (85, 7, 4, 4)
PERSON_FORMS = {"e. K.", "Einzelunternehmen"}
# Forms of businesses with few people, and forms that old family firms have today.
SMALL_FORMS = {"e. K.", "Einzelunternehmen", "GbR", "UG (haftungsbeschränkt)"}
OLD_FORMS = {"GmbH", "GmbH & Co. KG", "KG", "AG", "OHG"}
FAMILY_FORMS = ("GmbH & Co. KG", "KG", "OHG")


class _Generator:
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

    # -- names ---------------------------------------------------------------------------

    def _unique_slug(self, name: str) -> str:
        base = ascii_slug(name)[:240] or "organisation"
        slug = base
        n = 2
        while slug in self.slugs:
            slug = f"{base}-{n}"
            n += 1
        self.slugs.add(slug)
        return slug

    def _domain(self, slug: str) -> str:
        return demo_domain(slug, self.next_agency_number)

    def _brand(self, code: str) -> tuple[list[str], list[str], list[str]]:
        """The brand stems and endings that fit a code ("Laser…" for optics, not for bakers):
        stems, endings after a consonant, endings after a vowel ("Inno" + "on" reads badly)."""
        parts = self.brand_parts.get(code)
        if parts is None:
            endings = [w for w, p in self.suffixes if not p or code.startswith(p)]
            parts = (
                [w for w, p in self.stems if not p or code.startswith(p)],
                endings,
                [w for w in endings if w[0] not in "aeiou"],
            )
            self.brand_parts[code] = parts
        return parts

    def _company_name(
        self, plan: ProfilePlan, word: str, form: str, place: str, code: str = ""
    ) -> tuple[str, str, tuple[bool, str, str] | None]:
        """Name, legal form and, for a sole trader, the owner (female?, first, last name)."""
        rng = self.rng
        choice = rng.choice
        pattern = plan.patterns[bisect_cum(plan.patterns_cum, rng.random() * plan.patterns_cum[-1])]
        if form in PERSON_FORMS:
            female = rng.random() < 0.4
            first, last = choice(self.female if female else self.male), choice(self.surnames)
            base = f"{word} {first} {last}"
            return (
                (base if form == "Einzelunternehmen" else f"{base} e. K."),
                form,
                (
                    female,
                    first,
                    last,
                ),
            )
        if pattern == "surname":
            base = f"{choice(self.surnames)} {word}"
        elif pattern == "surname_pair":
            base = f"{choice(self.surnames)} & {choice(self.surnames)} {word}"
        elif pattern == "sons":
            base = f"{choice(self.surnames)} & Söhne {word}"
            if form not in FAMILY_FORMS:
                form = FAMILY_FORMS[0]
        elif pattern == "landscape":
            base = f"{choice(self.landscapes)} {word}"
        elif pattern == "town":
            base = f"{choice(self.towns)} {word}"
        elif pattern == "brand" and (parts := self._brand(code))[0]:
            stem = choice(parts[0])
            base = stem + choice(parts[2] if stem[-1] in "aeiou" else parts[1])
            if rng.random() < 0.4:
                base = f"{base} {word}"
        elif pattern == "brand":
            base = f"{choice(self.surnames)} {word}"
        else:
            base = f"{word} {place}"
        return f"{base} {form}", form, None

    def _other_name(self, plan: ProfilePlan, word: str, form: str, place: str) -> str:
        rng = self.rng
        choice = rng.choice
        pattern = plan.patterns[0]
        if pattern == "institute":
            variant = rng.random()
            if form == "Stiftung":
                return f"Stiftung {word} {choice(self.landscapes)}"
            if variant < 0.4:
                base = f"Institut für {word} {place}"
            elif variant < 0.7:
                base = f"{choice(self.towns)} Institut für {word}"
            else:
                base = f"Forschungszentrum {word} {choice(self.landscapes)}"
            return f"{base} {form}"
        if pattern == "university":
            return f"Private Hochschule für {word} {choice(self.landscapes)}"
        if pattern == "guild":
            return f"Innung {word} {choice(self.landscapes)}"
        if pattern == "association":
            return f"{word} {choice(self.landscapes)} e. V."
        return f"{word} {choice(self.landscapes)}"

    # -- one organisation ------------------------------------------------------------------

    def _organisation(self, org_id: int) -> None:
        # Hot loop: ``seq[int(r() * len(seq))]`` instead of ``rng.choice`` and plain
        # arithmetic instead of ``randint`` keep a million organisations in minutes.
        r = self.rng.random
        primary = self.assigned[self.next_assigned % len(self.assigned)]
        self.next_assigned += 1
        cplan = self.code_plans[primary.code]
        plan = cplan.plans[bisect_cum(cplan.plans_cum, r() * cplan.plans_cum[-1])]
        # One specialty: name, texts and offerings all come from it.
        theme = cplan.themes[int(r() * len(cplan.themes))]
        profile = plan.profile
        kind = profile.kind
        geo = self.geo
        place = geo.places[bisect_cum(geo.cum_weights, r() * geo.total_weight)]
        town = place.place
        form = plan.forms[bisect_cum(plan.forms_cum, r() * plan.forms_cum[-1])]
        scholarly = kind in ("research", "university")
        fields = cplan.fields
        if scholarly:
            # An institute works in one field, a university in a few.
            k = 1 if kind == "research" else 2 + int(r() * 3)
            fields = [fields[int(r() * len(fields))] for _i in range(k)]
            fields = list(dict.fromkeys(fields))
            word = fields[0].name
        elif kind == "company":
            word = theme.names[int(r() * r() * len(theme.names))]
        else:
            word = cplan.other_names[int(r() * r() * len(cplan.other_names))]
        owner = None
        if kind == "company":
            name, form, owner = self._company_name(plan, word, form, town, primary.code)
        else:
            name = self._other_name(plan, word, form, town)
        slug = self._unique_slug(name)
        domain = self._domain(slug)

        secondary: list[_Code] = []
        k = bisect_cum(SECONDARY_CUM, r() * SECONDARY_TOTAL)
        if k and not scholarly:
            pool = cplan.neighbours
            for _i in range(k):
                code = pool[int(r() * len(pool))]
                if code is not primary and code not in secondary:
                    secondary.append(code)
        switch = ""
        if cplan.switches and r() < SWITCH_SHARE:
            target = cplan.switches[int(r() * len(cplan.switches))]
            if target is not primary and target not in secondary:
                secondary.append(target)
            words = self.code_plans[target.code].themes[0].terms
            switch = listing(words[:2]) if words else target.title

        size = SIZE_CLASSES[bisect_cum(plan.sizes_cum, r() * plan.sizes_cum[-1])]
        if form in SMALL_FORMS and size in ("medium", "large"):
            size = "small"
        low, high = HEADCOUNT[size]
        headcount = low + int(r() * (high - low + 1))
        roll = r()
        if kind != "company":
            founded = 1990 + int(r() * 29)
        elif form == "UG (haftungsbeschränkt)":
            founded = 2008 + int(r() * (self.year - 2008))
        elif owner is None and " & Söhne " in name:
            founded = 1870 + int(r() * 116)
        elif roll < 0.08 and form in OLD_FORMS:
            founded = 1880 + int(r() * 110)
        elif roll < 0.45:
            founded = 1990 + int(r() * 10)
        else:
            founded = 2000 + int(r() * (self.year - 2000))

        certs = [pk for pk, p in plan.certifications if r() < p]
        subject = KIND_SUBJECT[kind]
        title = primary.title
        n_offerings = bisect_cum(OFFERINGS_CUM, r() * 100) + 1
        product = primary.section == "C"
        if scholarly:
            short, description, offered = research_text(
                r,
                subject=subject,
                town=town,
                founded=founded,
                fields=fields,
                university=kind == "university",
            )
            offerings = [("service", name[:200]) for name in offered]
        else:
            # Focus activities (and products) of the theme; secondary codes get a sentence.
            bullets = theme.bullets
            n_picks = 1 + int(r() * 3)
            picks = [bullets[int(r() * len(bullets))] for _i in range(n_picks)] if bullets else []
            focus = list(dict.fromkeys(picks))
            terms = pick(r, theme.terms, 5)
            if not terms:
                terms = [title]
            short, description = company_text(
                r,
                subject=subject,
                subject_lower=KIND_SUBJECT_LOWER[kind],
                trade=word,
                town=town,
                founded=founded,
                title=title,
                terms=terms,
                focus=focus,
                sentences=theme.sentences,
                switch=switch,
                also=[c.title for c in secondary if c.title != title][:2],
            )
            named = list(dict.fromkeys((*terms[:n_offerings], *focus[: max(1, n_offerings - 2)])))
            offerings = [(offering_kind(n, product), n[:200]) for n in named]
        extra = []
        if kind == "company":
            extra.append(f"Wir beschäftigen rund {headcount} Mitarbeiterinnen und Mitarbeiter.")
        if certs:
            names = self.certification_names
            extra.append(f"Zertifiziert nach {', '.join(names[pk] for pk in certs)}.")
        if extra:
            description = "\n\n".join((description, *extra))
        english = ""
        if primary.english and r() < 0.6:
            if theme.english:
                english = f"{', '.join(pick(r, theme.english, 3))} – {primary.english}"
            else:
                english = f"{primary.english} in {town}{self.state_suffix_en}"

        self.org_rows.append(
            (
                org_id,
                kind,
                name,
                slug,
                form,
                short,
                english,
                description,
                f"https://{domain}",
                f"info@{domain}",
                self.phones[int(r() * 1000)],
                founded,
                size,
                primary.id,
                PUBLISHED,
                GENERATED,
                self.source_detail,
                self.verified_dates[int(r() * len(self.verified_dates))],
            )
        )
        streets = self.streets
        self.site_rows.append(
            (
                org_id,
                HEADQUARTERS,
                True,
                f"{streets[int(r() * len(streets))]} {1 + int(r() * 120)}"
                f"{'a' if r() < 0.06 else ''}",
                place.code,
                town,
                "DE",
                round(place.latitude + (r() - 0.5) * 0.008, 6),
                round(place.longitude + (r() - 0.5) * 0.012, 6),
                POSTAL_CODE_PRECISION,
                place.municipality_id,
                place.district_id,
            )
        )
        if secondary:
            self.secondary_rows.extend((org_id, code.id) for code in secondary)

        self.offering_rows.extend((org_id, kind_, name_) for kind_, name_ in offerings)

        if scholarly:
            ids = self.technology_ids
            picked = dict.fromkeys(ids[n] for f in fields for n in f.technologies if n in ids)
            self.tech_rows.extend((org_id, pk) for pk in picked)
        elif technologies := plan.technologies:
            k = bisect_cum(TECH_CUM, r() * 100)
            if k:
                n = len(technologies)
                picked = dict.fromkeys(technologies[int(r() * n)] for _i in range(k))
                self.tech_rows.extend((org_id, pk) for pk in picked)
        for i, pk in enumerate(plan.growth_fields):
            if r() < (0.6 if i == 0 else 0.3):
                self.growth_rows.append((org_id, pk))
        if certs:
            dates = self.valid_dates
            self.cert_rows.extend((org_id, pk, dates[int(r() * len(dates))]) for pk in certs)

        self._contacts(org_id, kind, domain, owner)

        self.ident_rows.append((org_id, AGENCY, f"{AGENCY_PREFIX}{self.next_agency_number:06d}"))
        self.next_agency_number += 1

        join = profile.join
        for network_id, network_founded in plan.networks:
            if network_id not in self.founded_networks:
                # The first fitting organisation founds the network: none stays empty.
                self.founded_networks.add(network_id)
                role = "founding"
            elif r() < join:
                role = ROLE_CHOICES[bisect_cum(ROLE_CUM, r() * 100)]
                if role == "member" and kind in ("research", "university"):
                    role = "partner"
            else:
                continue
            start = max(founded, network_founded)
            years = 0 if role == "founding" else int(r() * (self.year - start + 1))
            self.member_rows.append((org_id, network_id, role, start + years))

    def _contacts(
        self, org_id: int, kind: str, domain: str, owner: tuple[bool, str, str] | None = None
    ) -> None:
        r = self.rng.random
        roles = ROLES.get(kind) or ROLES["other"]
        female_names, male_names, surnames = self.female, self.male, self.surnames
        local = self.ascii_names
        rows = self.contact_rows
        scholars = kind in ("research", "university")
        for order in range(bisect_cum(CONTACTS_CUM, r() * 100) + 1):
            if order == 0 and owner:
                female, first, last = owner
                role_pair = OWNER
            else:
                female = r() < 0.45
                names = female_names if female else male_names
                first = names[int(r() * len(names))]
                last = surnames[int(r() * len(surnames))]
                role_pair = roles[0] if order == 0 else roles[1 + int(r() * (len(roles) - 1))]
            roll = r()
            if scholars:
                title = "Prof. Dr." if roll < 0.2 else "Dr." if roll < 0.6 else ""
            else:
                title = "Dr." if roll < 0.06 else ""
            rows.append(
                (
                    org_id,
                    title,
                    first,
                    last,
                    role_pair[1] if female else role_pair[0],
                    self.phones[int(r() * 1000)],
                    f"{local[first]}.{local[last]}@{domain}",
                    VISIBILITIES[bisect_cum(VISIBILITY_CUM, r() * 100)],
                    order,
                )
            )

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

    def _network(self, org_id: int, definition: NetworkDefinition) -> None:
        rng = self.rng
        place = self.geo.find(definition.town) or self.geo.places[0]
        slug = self._unique_slug(definition.name)
        domain = self._domain(slug)
        code = self.codes.get(definition.wz)
        self.t_org.rows.append(
            (
                org_id,
                definition.kind,
                definition.name,
                slug,
                definition.legal_form,
                definition.short,
                "",
                f"{definition.short}\n\n{definition.description}",
                f"https://{domain}",
                f"info@{domain}",
                DEMO_PHONE.format(rng.randint(0, 999)),
                definition.founded,
                EmployeeSizeClass.MICRO.value,
                code.id if code else None,
                PublicationStatus.PUBLISHED.value,
                Source.GENERATED.value,
                f"generate_demo_data seed {self.seed}",
                choice_date(rng, self.verified_dates),
            )
        )
        self.t_site.rows.append(
            (
                org_id,
                SiteKind.HEADQUARTERS.value,
                True,
                f"{rng.choice(self.streets)} {rng.randint(1, 60)}",
                place.code,
                place.place,
                "DE",
                round(place.latitude + (rng.random() - 0.5) * 0.008, 6),
                round(place.longitude + (rng.random() - 0.5) * 0.012, 6),
                GeocodePrecision.POSTAL_CODE.value,
                place.municipality_id,
                place.district_id,
            )
        )
        for name in definition.technologies:
            if name in self.technology_ids:
                self.t_tech.rows.append((org_id, self.technology_ids[name]))
        for name in definition.growth_fields:
            if name in self.growth_field_ids:
                self.t_growth.rows.append((org_id, self.growth_field_ids[name]))
        self._contacts(org_id, "network", domain)
        self.t_ident.rows.append(
            (org_id, IdentifierScheme.AGENCY.value, f"{AGENCY_PREFIX}{self.next_agency_number:06d}")
        )
        self.next_agency_number += 1

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


def _tagged(lines: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """``"Laser | 25.6, 26.7"`` → ``("Laser", ("25.6", "26.7"))``."""
    tagged = []
    for line in lines:
        word, _sep, prefixes = line.partition("|")
        tagged.append((word.strip(), tuple(p.strip() for p in prefixes.split(",") if p.strip())))
    return tagged


def choice_date(rng: random.Random, dates: Sequence[Any]) -> Any:
    return dates[rng.randrange(len(dates))]


SECONDARY_CUM = _cum(SECONDARY_K)
SECONDARY_TOTAL = SECONDARY_CUM[-1]
CONTACTS_CUM = _cum(CONTACTS_K)
OFFERINGS_CUM = _cum(OFFERINGS_K)
TECH_CUM = _cum(TECH_K)
VISIBILITY_CUM = _cum(VISIBILITY_WEIGHTS)
ROLE_CUM = _cum(ROLE_WEIGHTS)
