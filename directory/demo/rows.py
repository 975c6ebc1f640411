"""The rows of one generated organisation or network: texts, site, contacts, offerings.

A mixin of ``generator._Generator``: the attributes below are set by its ``__init__``.
"""

from __future__ import annotations

import random
from bisect import bisect_right as bisect_cum
from collections.abc import Sequence
from typing import Any

from geo.choices import GeocodePrecision

from ..choices import (
    EmployeeSizeClass,
    IdentifierScheme,
    PublicationStatus,
    SiteKind,
    Source,
)
from ..demo_data.economy import SWITCH_SHARE
from ..demo_data.sectors import NetworkDefinition
from .common import AGENCY_PREFIX, DEMO_PHONE
from .lookups import _Code, _Geography
from .naming import _Naming
from .planning import CodePlan, _cum
from .texts import company_text, listing, offering_kind, pick, research_text
from .writing import _Table

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
# Forms of businesses with few people, and forms that old family firms have today.
SMALL_FORMS = {"e. K.", "Einzelunternehmen", "GbR", "UG (haftungsbeschränkt)"}
OLD_FORMS = {"GmbH", "GmbH & Co. KG", "KG", "AG", "OHG"}


class _Rows(_Naming):
    seed: int
    geo: _Geography
    state_suffix_en: str
    codes: dict[str, _Code]
    code_plans: dict[str, CodePlan]
    assigned: list[_Code]
    next_assigned: int
    technology_ids: dict[str, int]
    certification_names: dict[int, str]
    growth_field_ids: dict[str, int]
    year: int
    streets: Sequence[str]
    ascii_names: dict[str, str]
    phones: list[str]
    source_detail: str
    verified_dates: list[Any]
    valid_dates: list[Any]
    founded_networks: set[int]
    t_org: _Table
    t_site: _Table
    t_tech: _Table
    t_growth: _Table
    t_ident: _Table
    org_rows: list[tuple[Any, ...]]
    site_rows: list[tuple[Any, ...]]
    contact_rows: list[tuple[Any, ...]]
    offering_rows: list[tuple[Any, ...]]
    cert_rows: list[tuple[Any, ...]]
    ident_rows: list[tuple[Any, ...]]
    member_rows: list[tuple[Any, ...]]
    secondary_rows: list[tuple[Any, ...]]
    tech_rows: list[tuple[Any, ...]]
    growth_rows: list[tuple[Any, ...]]

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


def choice_date(rng: random.Random, dates: Sequence[Any]) -> Any:
    return dates[rng.randrange(len(dates))]


SECONDARY_CUM = _cum(SECONDARY_K)
SECONDARY_TOTAL = SECONDARY_CUM[-1]
CONTACTS_CUM = _cum(CONTACTS_K)
OFFERINGS_CUM = _cum(OFFERINGS_K)
TECH_CUM = _cum(TECH_K)
VISIBILITY_CUM = _cum(VISIBILITY_WEIGHTS)
ROLE_CUM = _cum(ROLE_WEIGHTS)
