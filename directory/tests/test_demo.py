"""The demo data generator: what an operator and a visitor of a fresh installation see."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Count
from django.test import Client
from django.utils import translation

from classification.models import CertificationStandard, WzCode
from directory import demo
from directory.choices import OrganisationKind, PublicationStatus, Source
from directory.demo.common import without_exclusions
from directory.demo.planning import trade_of
from directory.demo_data.sectors import NETWORKS
from directory.models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
)
from directory.tests.factories import MembershipFactory, OrganisationFactory, SiteFactory
from geo.models import District, PostalCode

pytestmark = pytest.mark.django_db

# Thuringia's bounding box, generously rounded.
LAT_RANGE = (50.2, 51.65)
LON_RANGE = (9.87, 12.66)
# Subclasses a maker of medical devices may carry (medical technology, pharma, medical plastics).
MEDICAL_PREFIXES = ("32.50", "26.60", "21.", "72.11", "22.")


def generated() -> list[Organisation]:
    return list(
        Organisation.objects.filter(source=Source.GENERATED)
        .select_related("primary_wz")
        .order_by("identifiers__value")
    )


def snapshot() -> list[tuple[str, str, str, str]]:
    """What two runs with the same seed must agree on, in generation order."""
    return [
        (org.name, org.slug, str(org.primary_wz), org.sites.get().postal_code)
        for org in generated()
    ]


def notes_of(codes: list[WzCode]) -> str:
    """Titles and explanatory notes of the codes and their class and group, as one text."""
    keys = {key for code in codes for key in (code.code, code.code[:5], code.code[:4])}
    texts = WzCode.objects.filter(version="2008", code__in=keys).values_list(
        "title", "includes", "also_includes"
    )
    return " ".join(" ".join(" ".join(pair).split()) for pair in texts)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages are asserted in English (the msgids); the portal's default is German."""
    with translation.override("en"):
        yield


@pytest.fixture
def landscape() -> demo.DemoStats:
    return demo.generate(count=300, seed=42)


def test_the_same_seed_gives_the_same_organisations_and_another_seed_others() -> None:
    demo.generate(count=150, seed=7, include_reference=False)
    first = snapshot()
    assert len(first) == 150

    assert demo.delete_generated() == 150
    # Several small batches: the writer thread inserts while the next batch is built.
    demo.generate(count=150, seed=7, batch_size=100, include_reference=False)
    assert snapshot() == first

    demo.delete_generated()
    demo.generate(count=150, seed=8, include_reference=False)
    other = snapshot()
    assert [row[0] for row in other] != [row[0] for row in first]


def test_every_generated_organisation_is_marked_published_and_coded(
    landscape: demo.DemoStats,
) -> None:
    orgs = generated()
    assert len(orgs) == landscape.organisations == 300
    for org in orgs:
        assert org.source == Source.GENERATED
        assert org.is_generated
        assert org.status == PublicationStatus.PUBLISHED
        assert org.primary_wz is not None
        assert (org.primary_wz.version, org.primary_wz.level) == ("2008", 5)
        assert org.website.endswith(".example")
    identifiers = ExternalIdentifier.objects.filter(organisation__source=Source.GENERATED)
    assert identifiers.filter(value="DEMO-000001").exists()
    assert identifiers.count() == 300


def test_sites_are_real_postal_codes_in_current_districts_of_the_state(
    landscape: demo.DemoStats,
) -> None:
    current = set(
        District.objects.filter(
            ags__startswith=settings.PORTAL_STATE_AGS, merged_into__isnull=True
        ).values_list("id", flat=True)
    )
    known = set(
        PostalCode.objects.filter(is_large_customer=False, district__isnull=False).values_list(
            "code", "place"
        )
    )
    sites = Site.objects.filter(organisation__source=Source.GENERATED)
    assert sites.count() == 300
    for site in sites:
        assert (site.postal_code, site.place) in known
        assert site.district_id in current
        assert site.municipality is not None
        assert site.municipality.district_id == site.district_id
        assert site.latitude is not None and site.longitude is not None
        assert LAT_RANGE[0] < site.latitude < LAT_RANGE[1]
        assert LON_RANGE[0] < site.longitude < LON_RANGE[1]
        assert site.geocode_precision == "postal_code"
    # Weighted by population: the state capital gets more than a small district.
    per_district = Counter(sites.values_list("district__name", flat=True))
    assert per_district["Erfurt"] > per_district["Sonneberg"]


def test_manufacturing_is_the_largest_section(landscape: demo.DemoStats) -> None:
    sections = Counter(
        Organisation.objects.filter(source=Source.GENERATED).values_list(
            "primary_wz__section", flat=True
        )
    )
    assert sections.most_common(1)[0][0] == "C"
    assert sections["C"] > 0.35 * sum(sections.values())


def test_descriptions_and_products_come_from_the_wz_notes_and_trade_words(
    landscape: demo.DemoStats,
) -> None:
    companies = Organisation.objects.filter(
        source=Source.GENERATED, kind=OrganisationKind.COMPANY
    ).prefetch_related("secondary_wz", "offerings")
    assert companies.count() > 200
    for org in companies:
        assert org.primary_wz is not None
        codes = [org.primary_wz, *org.secondary_wz.all()]
        notes = notes_of(codes)
        terms = {t for code in codes for t in trade_of(code.code).terms}
        offerings = list(org.offerings.all())
        assert offerings, org.name
        # A listed activity (sometimes joined to its heading) or a trade word of the codes.
        assert any(
            offering.name in terms or offering.name[:20] in notes or offering.name[-20:] in notes
            for offering in offerings
        ), org.name
        assert any(offering.name in org.description for offering in offerings), org.name
        title = without_exclusions(demo.clean_title(org.primary_wz.title))
        assert title in org.description or any(t in org.description for t in terms)
        assert "lorem" not in org.description.lower()
    assert companies.exclude(short_description_en="").exists()


def test_networks_exist_and_have_members(landscape: demo.DemoStats) -> None:
    networks = Organisation.objects.filter(
        source=Source.GENERATED, kind__in=[OrganisationKind.NETWORK, OrganisationKind.CLUSTER]
    ).annotate(member_count=Count("members"))
    assert sorted(n.name for n in networks) == sorted(d.name for d in NETWORKS)
    assert all(network.member_count > 0 for network in networks)
    assert not Membership.objects.filter(network__kind=OrganisationKind.COMPANY).exists()


def test_certifications_fit_the_business(landscape: demo.DemoStats) -> None:
    certifications = Certification.objects.filter(organisation__source=Source.GENERATED)
    assert certifications.count() > 50
    standards = set(CertificationStandard.objects.values_list("id", flat=True))
    assert set(certifications.values_list("standard_id", flat=True)) <= standards
    for code in certifications.filter(standard__name="ISO 13485").values_list(
        "organisation__primary_wz__code", flat=True
    ):
        assert code.startswith(MEDICAL_PREFIXES), code
    automotive = certifications.filter(standard__name="IATF 16949")
    assert set(automotive.values_list("organisation__primary_wz__section", flat=True)) == {"C"}


def test_web_addresses_are_valid_and_under_a_reserved_domain(
    landscape: demo.DemoStats,
) -> None:
    orgs = Organisation.objects.filter(source=Source.GENERATED)
    validate_url, validate_email = URLValidator(), EmailValidator()
    for website, email in orgs.values_list("website", "email"):
        validate_url(website)
        validate_email(email)
        assert website.endswith(".example") and email.endswith(".example")
    for email in ContactPerson.objects.filter(organisation__in=orgs).values_list(
        "email", flat=True
    ):
        validate_email(email)
        assert email.endswith(".example")


def test_long_names_still_give_valid_and_distinct_host_names() -> None:
    slug = "forschungszentrum-medizinische-technologien-hohe-schrecke-ggmbh-2"
    assert len(slug) > 63  # a DNS label has at most 63 characters
    first, second = demo.demo_domain(slug, 17), demo.demo_domain(slug, 18)
    assert first != second
    for host in (first, second):
        URLValidator()(f"https://{host}")
        EmailValidator()(f"info@{host}")
    assert demo.demo_domain("weber-metallbau-gmbh", 1) == "weber-metallbau-gmbh.example"


def test_contacts_are_fictional_and_mixed_in_visibility(landscape: demo.DemoStats) -> None:
    contacts = ContactPerson.objects.filter(organisation__source=Source.GENERATED)
    assert contacts.count() >= 300
    assert set(contacts.values_list("visibility", flat=True)) == {"public", "registered", "staff"}
    assert all(
        phone.startswith("+49 30 23125 ") for phone in contacts.values_list("phone", flat=True)
    )


def test_generated_records_have_no_change_history(landscape: demo.DemoStats) -> None:
    assert not Organisation.history.filter(source=Source.GENERATED).exists()
    assert not Site.history.filter(organisation__source=Source.GENERATED).exists()


def test_generated_profiles_render(landscape: demo.DemoStats, client: Client) -> None:
    network = Organisation.objects.get(name=NETWORKS[0].name)
    company = Organisation.objects.filter(
        source=Source.GENERATED, kind=OrganisationKind.COMPANY
    ).first()
    assert company is not None
    for org in (network, company):
        response = client.get(org.get_absolute_url())
        assert response.status_code == 200
        assert org.name in response.content.decode()


def test_slugs_stay_unique_across_runs_and_with_existing_data() -> None:
    first = demo.generate(count=40, seed=5, include_reference=False)
    names = dict(Organisation.objects.filter(source=Source.GENERATED).values_list("slug", "name"))
    demo.delete_generated()
    taken = next(iter(names))
    OrganisationFactory(name="Handmade", slug=taken, source=Source.MANUAL)

    demo.generate(count=40, seed=5, include_reference=False)
    demo.generate(count=40, seed=5, include_reference=False)

    slugs = list(Organisation.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    regenerated = Organisation.objects.filter(source=Source.GENERATED, name=names[taken])
    assert taken not in regenerated.values_list("slug", flat=True)
    assert regenerated.filter(slug=f"{taken}-2").exists()
    # The networks of the first run are reused, not created twice.
    assert first.networks == 2
    assert Organisation.objects.filter(name=NETWORKS[0].name).count() == 1


def reference_file(name: str) -> Path:
    path = Path(settings.REFERENCE_DATA_DIR) / name
    if not path.is_file():
        pytest.skip(f"{name} is not in REFERENCE_DATA_DIR")
    return path


def test_real_organisations_come_from_the_reference_files_without_invented_details() -> None:
    reference_file(demo.UNIVERSITIES_FILE)
    reference_file(demo.GROSSKUNDEN_FILE)
    stats = demo.generate(count=0)
    real = Organisation.objects.filter(source=Source.REFERENCE)
    assert real.count() == stats.reference > 50

    ilmenau = real.get(name="Technische Universität Ilmenau")
    assert ilmenau.kind == OrganisationKind.UNIVERSITY
    assert ilmenau.website == "http://www.tu-ilmenau.de/"
    site = ilmenau.sites.get()
    assert site.district is not None
    assert (site.place, site.district.name) == ("Ilmenau", "Ilm-Kreis")

    # Both files name the university in Jena: one record, with the website of one
    # file and the postal code of the other.
    jena = real.get(name="Friedrich-Schiller Universität Jena")
    assert jena.website == "http://www.uni-jena.de/"
    assert jena.sites.get().postal_code == "07737"
    assert not real.filter(name="Friedrich-Schiller-Universität").exists()

    assert real.get(name="Carl Zeiss AG").kind == OrganisationKind.COMPANY
    assert real.get(name="Stadtverwaltung Gera").kind == OrganisationKind.PUBLIC_BODY
    # Universities of other states whose names contain a Thuringian place name.
    for name in (
        "Fachhochschule Ravensburg-Weingarten",
        "Pädagogische Hochschule Weingarten",
        "Kunsthochschule Berlin-Weissensee, Hochschule für Gestaltung",
        "Universität Leipzig",
    ):
        assert not real.filter(name=name).exists(), name

    assert not ContactPerson.objects.filter(organisation__in=real).exists()
    assert not Offering.objects.filter(organisation__in=real).exists()
    assert not real.exclude(primary_wz=None).exists()
    assert not real.exclude(description="").exists()

    # A second run adds generated organisations only.
    again = demo.generate(count=20)
    assert again.reference == 0
    assert real.count() == stats.reference


def test_command_if_empty_generates_once() -> None:
    out = StringIO()
    call_command("generate_demo_data", "--count", "30", "--if-empty", "--no-progress", stdout=out)
    assert Organisation.objects.filter(source=Source.GENERATED).count() == 30
    total = Organisation.objects.count()

    out = StringIO()
    call_command("generate_demo_data", "--count", "30", "--if-empty", "--no-progress", stdout=out)
    assert Organisation.objects.count() == total
    assert "nothing generated" in out.getvalue()


def test_command_delete_removes_generated_organisations_only() -> None:
    call_command("generate_demo_data", "--count", "60", "--no-progress", stdout=StringIO())
    handmade = OrganisationFactory.create(
        name="Handmade GmbH", slug="handmade", source=Source.MANUAL
    )
    SiteFactory(organisation=handmade)
    network = Organisation.objects.get(name=NETWORKS[0].name)
    MembershipFactory(organisation=handmade, network=network)
    real = Organisation.objects.filter(source=Source.REFERENCE).count()

    out = StringIO()
    call_command("generate_demo_data", "--delete", "--no-progress", stdout=out)

    assert "Deleted 60 generated organisations" in out.getvalue()
    assert not Organisation.objects.filter(source=Source.GENERATED).exists()
    assert Organisation.objects.filter(source=Source.REFERENCE).count() == real
    assert Organisation.objects.filter(pk=handmade.pk).exists()
    assert handmade.sites.count() == 1
    assert not handmade.memberships.exists()
    assert not Site.objects.filter(organisation__isnull=True).exists()
    assert not ContactPerson.objects.exclude(organisation__in=Organisation.objects.all()).exists()


def organisation_indexes() -> dict[str, list[str]]:
    return demo._single_column_indexes(Organisation._meta.db_table)


def test_large_run_rebuilds_the_indexes_it_dropped(monkeypatch):
    before = organisation_indexes()
    assert before.get("name") and before.get("website")
    monkeypatch.setattr(demo, "BULK_INDEX_THRESHOLD", 20)
    dropped_during_run: list[bool] = []
    real_run = demo._Generator.run

    def run(self, count):
        dropped_during_run.append("name" not in organisation_indexes())
        return real_run(self, count)

    monkeypatch.setattr(demo._Generator, "run", run)
    stats = demo.generate(count=30, include_reference=False)
    assert stats.organisations == 30
    assert dropped_during_run == [True]
    assert organisation_indexes() == before


def test_indexes_left_dropped_by_a_killed_run_come_back_on_the_next_run():
    before = organisation_indexes()
    demo._drop_bulk_indexes()
    assert "website" not in organisation_indexes()
    demo.generate(count=0, include_reference=False)
    assert organisation_indexes() == before
