"""The public pages as a visitor sees them: the organisation list and the profile."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from classification.models import WzCode
from core.testing import sign_in
from directory.choices import (
    EmployeeSizeClass,
    OrganisationKind,
    PublicationStatus,
    Source,
    Visibility,
)
from directory.tests.factories import (
    CertificationFactory,
    CertificationStandardFactory,
    ContactPersonFactory,
    MembershipFactory,
    OfferingFactory,
    OrganisationFactory,
    SiteFactory,
    TechnologyFactory,
)
from geo.models import District

pytestmark = pytest.mark.django_db

LIST_URL = reverse("directory:organisation-list")

# Queries the pages may make, pinned on purpose: a change here means a page got
# cheaper or more expensive, which the author of the change has to explain.
# count (of at most 10,001 rows), the page's keys (from the list's index), its rows by
# key, their main sites, district choices, WZ section choices
LIST_QUERIES = 6
PROFILE_QUERIES = 11  # organisation + 9 prefetches (codes, technologies, tags, growth
# fields, offerings, certifications, memberships, sites, contacts) + whether it has an
# editor (the contact button and the "not maintained by the organisation" notice)


@pytest.fixture(autouse=True)
def _reset_language() -> Any:
    """LocaleMiddleware leaves the last request's language active in this thread."""
    yield
    translation.deactivate()


def wz(code: str) -> WzCode:
    return WzCode.objects.get(version="2008", code=code)


def district(ags: str) -> District:
    return District.objects.get(ags=ags)


def json_ld_of(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block on the page"
    return json.loads(match.group(1))


def map_data_of(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="site-map-data" type="application/json">(.*?)</script>', html)
    assert match, "no map data on the page"
    return json.loads(match.group(1))


def names_in(html: str) -> list[str]:
    """Organisation names in the list's rows, in order."""
    return re.findall(r'<th scope="row" class="org-name">\s*<a href="[^"]+">([^<]+)</a>', html)


# --- List -------------------------------------------------------------------------


def test_list_shows_25_per_page_and_page_2_continues(client: Client) -> None:
    for n in range(30):
        OrganisationFactory.create(name=f"Firma {n:02d}")

    first = client.get(LIST_URL).content.decode()
    second = client.get(LIST_URL, {"page": 2}).content.decode()

    assert names_in(first) == [f"Firma {n:02d}" for n in range(25)]
    assert names_in(second) == [f"Firma {n:02d}" for n in range(25, 30)]
    assert re.search(r'<a href="\?page=2" aria-current="page">', second)
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "30 Organisationen" in first


def test_page_links_keep_the_filters(client: Client) -> None:
    for n in range(26):
        OrganisationFactory.create(name=f"Firma {n:02d}", kind=OrganisationKind.RESEARCH_INSTITUTE)

    html = client.get(LIST_URL, {"kind": "research"}).content.decode()

    assert 'href="?kind=research&amp;page=2"' in html


@pytest.mark.parametrize("page", ["3", "0", "zwei"])
def test_page_out_of_range_is_not_found(client: Client, page: str) -> None:
    for _ in range(30):
        OrganisationFactory.create()

    assert client.get(LIST_URL, {"page": page}).status_code == 404


def test_list_hides_unpublished_organisations(client: Client) -> None:
    OrganisationFactory.create(name="Sichtbar GmbH")
    OrganisationFactory.create(name="Entwurf GmbH", status=PublicationStatus.DRAFT)
    OrganisationFactory.create(name="Archiv GmbH", status=PublicationStatus.ARCHIVED)

    assert names_in(client.get(LIST_URL).content.decode()) == ["Sichtbar GmbH"]


def test_list_row_shows_kind_place_and_main_activity(client: Client) -> None:
    org = OrganisationFactory.create(
        name="Optik Jena GmbH", kind=OrganisationKind.COMPANY, primary_wz=wz("26.70.0")
    )
    SiteFactory(organisation=org, postal_code="07743", place="Jena", district=district("16053"))

    html = client.get(LIST_URL).content.decode()
    row = html[html.index("Optik Jena GmbH") :]
    row = row[: row.index("</tr>")]

    assert "Unternehmen" in row
    assert "Jena" in row
    assert "26.70.0" in row and wz("26.70.0").title in row


def test_filters_narrow_and_combine(client: Client) -> None:
    erfurt, jena = district("16051"), district("16053")

    def org(name: str, kind: str, ags: District, code: str) -> None:
        o = OrganisationFactory.create(name=name, kind=kind, primary_wz=wz(code))
        SiteFactory(organisation=o, district=ags)

    org("Alpha Chemie", OrganisationKind.COMPANY, erfurt, "20.20.0")
    org("Beta Institut", OrganisationKind.RESEARCH_INSTITUTE, erfurt, "72.19.0")
    org("Gamma Chemie", OrganisationKind.COMPANY, jena, "20.20.0")
    org("Delta Software", OrganisationKind.COMPANY, erfurt, "62.01.9")

    def names(**params: str) -> list[str]:
        return names_in(client.get(LIST_URL, params).content.decode())

    assert names(kind="company") == ["Alpha Chemie", "Delta Software", "Gamma Chemie"]
    assert names(district="16051") == ["Alpha Chemie", "Beta Institut", "Delta Software"]
    assert names(section="C") == ["Alpha Chemie", "Gamma Chemie"]
    assert names(q="chemie") == ["Alpha Chemie", "Gamma Chemie"]
    assert names(kind="company", district="16051") == ["Alpha Chemie", "Delta Software"]
    assert names(kind="company", district="16051", section="C") == ["Alpha Chemie"]
    assert names(kind="research", section="C") == []


def test_section_filter_finds_secondary_codes(client: Client) -> None:
    org = OrganisationFactory.create(name="Mischbetrieb", primary_wz=wz("62.01.9"))
    org.secondary_wz.add(wz("20.20.0"))
    OrganisationFactory.create(name="Nur Software", primary_wz=wz("62.01.9"))

    assert names_in(client.get(LIST_URL, {"section": "C"}).content.decode()) == ["Mischbetrieb"]


def test_invalid_filter_is_reported_and_ignored(client: Client) -> None:
    OrganisationFactory.create(name="Alpha")

    html = client.get(LIST_URL, {"district": "99999"}).content.decode()

    assert names_in(html) == ["Alpha"]
    assert '<p class="field-error" id="id_district-error">' in html
    assert 'aria-describedby="id_district-error"' in html
    assert 'aria-invalid="true"' in html


def test_empty_result_says_so(client: Client) -> None:
    OrganisationFactory.create(name="Alpha")

    html = client.get(LIST_URL, {"q": "gibt es nicht"}).content.decode()

    assert names_in(html) == []
    assert "Keine Organisation entspricht diesen Filtern." in html


def test_htmx_request_gets_only_the_results(client: Client) -> None:
    OrganisationFactory.create(name="Alpha")

    full = client.get(LIST_URL, {"q": "alp"})
    partial = client.get(LIST_URL, {"q": "alp"}, headers={"HX-Request": "true"})
    restore = client.get(
        LIST_URL, {"q": "alp"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in full.content.decode() and 'id="id_kind"' in full.content.decode()
    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body and 'id="id_kind"' not in body
    assert names_in(body) == ["Alpha"]
    assert "<html" in restore.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_list_marks_generated_rows_and_explains(client: Client) -> None:
    OrganisationFactory.create(name="Echt GmbH")
    OrganisationFactory.create(name="Erfunden GmbH", source=Source.GENERATED)

    html = client.get(LIST_URL).content.decode()
    real_only = client.get(LIST_URL, {"q": "Echt"}).content.decode()

    erfunden = html[html.index("Erfunden GmbH") :]
    assert "Demodaten" in erfunden[: erfunden.index("</th>")]
    echt = html[html.index("Echt GmbH") :]
    assert "Demodaten" not in echt[: echt.index("</th>")]
    assert "zu Vorführzwecken erzeugt" in html
    assert "Demodaten" not in real_only.split('id="results"')[1]


@pytest.mark.parametrize("rows", [5, 30])
def test_list_query_count_does_not_grow_with_rows(
    client: Client, django_assert_num_queries: Any, rows: int
) -> None:
    for _ in range(rows):
        org = OrganisationFactory.create(primary_wz=wz("20.20.0"), source=Source.GENERATED)
        SiteFactory(organisation=org, district=district("16051"))
        org.secondary_wz.add(wz("62.01.9"))
        ContactPersonFactory(organisation=org)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL)

    assert len(names_in(response.content.decode())) == min(rows, 25)


# --- Profile ----------------------------------------------------------------------


@pytest.fixture
def full_profile() -> Any:
    """A company with one of everything the profile shows."""
    org = OrganisationFactory.create(
        name="Thüringer Präzisionsoptik GmbH",
        website="https://optik.example.org",
        founding_year=1991,
        employee_size_class=EmployeeSizeClass.SMALL,
        primary_wz=wz("26.70.0"),
        short_description="Optische Baugruppen für die Medizintechnik",
        description="Wir fertigen Linsen.\n\nUnd Objektive.",
        description_en="We make lenses.",
    )
    org.secondary_wz.add(wz("32.50.1"))
    org.technologies.add(TechnologyFactory(name="Laserbearbeitung"))
    OfferingFactory(organisation=org, name="Objektive nach Maß", kind="product")
    OfferingFactory(organisation=org, name="Optikdesign", kind="service", description="Auslegung")
    CertificationFactory(organisation=org, standard=CertificationStandardFactory(name="ISO 13485"))
    MembershipFactory(
        organisation=org,
        network=OrganisationFactory.create(name="OptoNet e. V.", kind=OrganisationKind.NETWORK),
    )
    SiteFactory(
        organisation=org,
        street="Carl-Zeiss-Promenade 10",
        postal_code="07745",
        place="Jena",
        latitude=50.9253,
        longitude=11.5806,
        district=district("16053"),
    )
    return org


def test_profile_shows_the_whole_entry(client: Client, full_profile: Any) -> None:
    html = client.get(full_profile.get_absolute_url()).content.decode()

    assert "<h1>Thüringer Präzisionsoptik GmbH</h1>" in html
    for text in (
        "Optische Baugruppen für die Medizintechnik",
        "<p>Wir fertigen Linsen.</p>",
        "Laserbearbeitung",
        "Objektive nach Maß",
        "Optikdesign",
        "Auslegung",
        "ISO 13485",
        "OptoNet e. V.",
        "Carl-Zeiss-Promenade 10",
        "07745 Jena",
        "50.92530, 11.58060",
        "https://optik.example.org",
        "1991",
        "klein (10–49)",
    ):
        assert text in html, text
    assert "We make lenses." not in html


def test_profile_shows_the_wz_hierarchy_of_each_code(client: Client, full_profile: Any) -> None:
    html = client.get(full_profile.get_absolute_url()).content.decode()

    for code in ("26.70.0", "32.50.1"):
        path = wz(code).ancestors()
        assert [c.level for c in path] == [1, 2, 3, 4, 5]
        hierarchy = html[html.index(f'aria-label="Hierarchie von {code}"') :]
        positions = [
            hierarchy.index(f'<span class="wz-code">{c.code}</span> <span lang="de">{c.title}')
            for c in path
        ]
        assert positions == sorted(positions), f"{code}: hierarchy out of order"
    assert "Verarbeitendes Gewerbe" in html


def test_profile_in_english_shows_english_text(client: Client, full_profile: Any) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    html = client.get(full_profile.get_absolute_url()).content.decode()

    assert '<html lang="en">' in html
    assert '<div class="prose" lang="en"><p>We make lenses.</p>' in html
    # No English short description: the German one is shown and marked as German.
    assert '<p class="lead" lang="de">Optische Baugruppen' in html
    assert "Products and services" in html


def test_profile_map_data_has_marker_and_district_boundary(
    client: Client, full_profile: Any
) -> None:
    html = client.get(full_profile.get_absolute_url()).content.decode()

    data = map_data_of(html)
    assert data["markers"] == [
        {"lat": 50.9253, "lon": 11.5806, "label": "Carl-Zeiss-Promenade 10, 07745 Jena"}
    ]
    assert [b["name"] for b in data["boundaries"]] == ["Jena"]
    assert data["boundaries"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert data["tiles"]["url"] == ""
    assert 'id="site-map"' in html and 'aria-label="Karte der Standorte"' in html
    assert "vendor/leaflet/leaflet.js" in html and "js/site-map.js" in html


def test_profile_map_uses_configured_tiles(
    client: Client, full_profile: Any, settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Beispiel-Kacheln"

    html = client.get(full_profile.get_absolute_url()).content.decode()

    assert map_data_of(html)["tiles"] == {
        "url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "© Beispiel-Kacheln",
    }


def test_profile_without_coordinates_has_no_map(client: Client) -> None:
    org = OrganisationFactory.create()
    SiteFactory(organisation=org, latitude=None, longitude=None)

    html = client.get(org.get_absolute_url()).content.decode()

    assert "Hauptstraße" in html
    assert 'id="site-map"' not in html and "leaflet.js" not in html


def test_json_ld_describes_the_organisation(client: Client, full_profile: Any) -> None:
    data = json_ld_of(client.get(full_profile.get_absolute_url()).content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Thüringer Präzisionsoptik GmbH"
    assert data["url"] == "https://optik.example.org"
    assert data["mainEntityOfPage"] == f"http://testserver{full_profile.get_absolute_url()}"
    assert data["description"] == "Optische Baugruppen für die Medizintechnik"
    assert data["foundingDate"] == "1991"
    assert data["numberOfEmployees"] == {
        "@type": "QuantitativeValue",
        "minValue": 10,
        "maxValue": 49,
    }
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Carl-Zeiss-Promenade 10",
        "postalCode": "07745",
        "addressLocality": "Jena",
        "addressCountry": "DE",
    }
    assert data["location"][0]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 50.9253,
        "longitude": 11.5806,
    }
    assert data["isicV4"] == "26"
    assert data["knowsAbout"] == ["Laserbearbeitung"]
    assert data["hasCertification"] == [{"@type": "Certification", "name": "ISO 13485"}]
    assert [m["name"] for m in data["memberOf"]] == ["OptoNet e. V."]
    assert {(o["itemOffered"]["@type"], o["itemOffered"]["name"]) for o in data["makesOffer"]} == {
        ("Product", "Objektive nach Maß"),
        ("Service", "Optikdesign"),
    }


def test_hostile_name_stays_inside_json_ld_and_is_escaped(client: Client) -> None:
    hostile = "</script><script>alert(1)</script>"
    org = OrganisationFactory.create(name=hostile, slug="boese")

    html = client.get(org.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert json_ld_of(html)["name"] == hostile


def test_generated_profile_has_demo_banner(client: Client) -> None:
    generated = OrganisationFactory.create(source=Source.GENERATED)
    real = OrganisationFactory.create(source=Source.MANUAL)

    generated_html = client.get(generated.get_absolute_url()).content.decode()
    real_html = client.get(real.get_absolute_url()).content.decode()

    assert 'class="demo-banner"' in generated_html
    assert "beschreibt keine reale Organisation" in generated_html
    assert 'class="demo-banner"' not in real_html
    assert "Demodaten" not in real_html


@pytest.mark.parametrize(
    "status", [PublicationStatus.DRAFT, PublicationStatus.HIDDEN, PublicationStatus.ARCHIVED]
)
def test_unpublished_profile_is_for_staff_only(
    client: Client, django_user_model: Any, status: str
) -> None:
    org = OrganisationFactory.create(name="Verborgen GmbH", status=status)
    url = org.get_absolute_url()
    user = django_user_model.objects.create_user("leser", password="x")
    staff = django_user_model.objects.create_user("redaktion", password="x", is_staff=True)

    assert client.get(url).status_code == 404
    sign_in(client, user)
    assert client.get(url).status_code == 404
    sign_in(client, staff)
    response = client.get(url)
    assert response.status_code == 200
    assert 'class="status-banner"' in response.content.decode()


def test_unknown_profile_is_not_found(client: Client) -> None:
    assert (
        client.get(reverse("directory:organisation-detail", args=["gibt-es-nicht"])).status_code
        == 404
    )


def test_a_networks_profile_address_leads_to_its_network_page(client: Client) -> None:
    network = OrganisationFactory.create(name="Großnetz e. V.", kind=OrganisationKind.NETWORK)
    MembershipFactory(network=network)

    response = client.get(reverse("directory:organisation-detail", args=[network.slug]))

    # The network pages (networks app) show the members, their mix and the map.
    assert response.status_code == 301
    assert response["Location"] == reverse("networks:detail", args=[network.slug])


def test_profile_query_count_is_fixed(client: Client, django_assert_num_queries: Any) -> None:
    codes = list(WzCode.objects.filter(version="2008", level=5, section="C")[:8])
    org = OrganisationFactory.create(primary_wz=codes[0], founding_year=2000)
    org.secondary_wz.add(*codes[1:])
    org.technologies.add(*(TechnologyFactory() for _ in range(5)))
    for visibility in (Visibility.PUBLIC, Visibility.REGISTERED, Visibility.STAFF) * 3:
        ContactPersonFactory(organisation=org, visibility=visibility)
    for n in range(6):
        SiteFactory(organisation=org, is_primary=n == 0, district=district("16051"))
        OfferingFactory(organisation=org)
        MembershipFactory(organisation=org)
    CertificationFactory(organisation=org)

    with django_assert_num_queries(PROFILE_QUERIES):
        html = client.get(org.get_absolute_url()).content.decode()

    assert html.count('class="wz-item"') == 8
    assert html.count('class="contact"') == 3
    assert html.count('class="site"') == 6
