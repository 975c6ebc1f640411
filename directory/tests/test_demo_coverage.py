"""Demo data that can answer real needs: every division, the crisis cases, research partners."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from classification.models import WzCode
from directory import demo
from directory.choices import OrganisationKind, Source
from directory.demo.planning import trade_of
from directory.models import Organisation

pytestmark = pytest.mark.django_db

# Crisis subclasses of the Local Sourcing seed and words their texts must name.
CRISIS = {
    "20.20.0": ("Desinfektion",),
    "20.41.0": ("Seife", "Reinigungsmittel", "Handhygiene", "Handdesinfektion", "Waschmittel"),
    "32.99.0": ("Masken", "Schutz"),
    "14.12.0": ("Schutzkleidung", "Arbeitskleidung", "Berufsbekleidung", "Kittel"),
    "13.96.0": ("Textil",),
    "22.19.0": ("Gummi", "Dichtungen", "Elastomer"),
    "32.50.1": ("Medizin", "chirurgisch", "Instrumente", "Labor"),
    "71.20.0": ("Prüf", "Labor", "Analy"),
}


def texts(org: Organisation) -> str:
    offerings = " ".join(org.offerings.values_list("name", flat=True))
    return f"{org.name} {org.short_description} {org.description} {offerings}"


@pytest.fixture
def default_run() -> None:
    demo.generate(count=demo.DEFAULT_COUNT, seed=demo.DEFAULT_SEED, include_reference=False)


def test_default_run_covers_every_division_the_crisis_cases_and_research(default_run) -> None:
    generated = Organisation.objects.filter(source=Source.GENERATED)
    primary = Counter(generated.values_list("primary_wz__code", flat=True))
    divisions = set(WzCode.objects.filter(version="2008", level=2).values_list("code", flat=True))
    assert len(divisions) == 88
    assert {code[:2] for code in primary if code} == divisions
    # Manufacturing leads, rare divisions stay rare.
    sections = Counter(generated.values_list("primary_wz__section", flat=True))
    assert sections.most_common(1)[0][0] == "C"
    assert primary["25.62.0"] > 5 * max(primary["05.10.0"], primary["05.20.0"], 1)

    for code, words in CRISIS.items():
        makers = [o for o in generated.filter(primary_wz__code=code) if o.kind == "company"]
        assert len(makers) >= 3, code
        named = [o for o in makers if any(w.lower() in texts(o).lower() for w in words)]
        assert len(named) >= 3, (code, [o.name for o in makers])
    # Makers that can switch production carry the crisis code as a secondary one.
    switched = generated.filter(secondary_wz__code="32.99.0").exclude(
        primary_wz__code__startswith="32.99"
    )
    assert (
        switched.filter(description__contains="umstellen").exists()
        or switched.filter(description__contains="umgestellt").exists()
    )

    scholars = generated.filter(
        kind__in=[OrganisationKind.RESEARCH_INSTITUTE, OrganisationKind.UNIVERSITY]
    )
    assert scholars.filter(kind=OrganisationKind.UNIVERSITY).exists()
    for org in scholars.prefetch_related("technologies", "offerings"):
        assert org.primary_wz is not None
        assert org.primary_wz.code.startswith(("72.1", "72.2", "85.42")), org.primary_wz.code
        assert org.technologies.exists(), org.name
        assert "Forschungsfelder" in org.description
        assert any(
            word in texts(org)
            for word in ("Auftragsforschung", "Machbarkeitsstudien", "Kooperationsprojekte")
        ) or "Transfer" in texts(org), org.name


def test_generated_texts_name_the_trade_words_of_their_subclass(default_run) -> None:
    companies = list(
        Organisation.objects.filter(source=Source.GENERATED, kind=OrganisationKind.COMPANY)
        .select_related("primary_wz")
        .order_by("pk")
    )
    sample = random.Random(4).sample(companies, 200)
    missing = []
    for org in sample:
        assert org.primary_wz is not None
        trade = trade_of(org.primary_wz.code)
        assert trade.terms, org.primary_wz.code  # every subclass has a vocabulary
        text = texts(org)
        if not any(term in text for term in trade.terms):
            missing.append((org.primary_wz.code, org.name))
    assert not missing
    # The WZ title is not the only description: most texts do without it.
    with_title = sum(
        f"„{org.primary_wz.title}“" in org.description for org in sample if org.primary_wz
    )
    assert with_title < len(sample) / 2


def test_every_subclass_has_trade_words() -> None:
    for code in WzCode.objects.filter(version="2008", level=5).values_list("code", flat=True):
        assert trade_of(code).terms, code


def _universities_file() -> Path:
    path = Path(settings.REFERENCE_DATA_DIR) / demo.UNIVERSITIES_FILE
    if not path.is_file():
        pytest.skip("universities file not in REFERENCE_DATA_DIR")
    return path


def test_real_universities_carry_only_what_their_source_row_says() -> None:
    with _universities_file().open(encoding="utf-8", newline="") as handle:
        rows = {" ".join(row["name"].split()): row for row in csv.DictReader(handle)}
    demo.generate(count=200, seed=3)
    real = Organisation.objects.filter(source=Source.REFERENCE, kind=OrganisationKind.UNIVERSITY)
    compared = 0
    for org in real.prefetch_related("technologies", "secondary_wz", "offerings"):
        row = rows.get(org.name)
        if row is None:
            continue  # named by the large-customer file only
        compared += 1
        assert org.website == (row.get("web_pages") or "").split(" ")[0].strip()
        assert org.description == "" and org.short_description == ""
        assert org.primary_wz is None
        assert not org.secondary_wz.exists()
        assert not org.technologies.exists()
        assert not org.offerings.exists()
        assert not org.growth_fields.exists()
    assert compared >= 3
