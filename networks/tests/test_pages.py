"""The network pages as visitors, members and network managers see them."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrganisationEditor
from classification.models import WzCode
from core.testing import sign_in
from directory.choices import (
    EmployeeSizeClass,
    OrganisationKind,
    PublicationStatus,
    Visibility,
)
from directory.models import Organisation
from directory.tests.factories import (
    ContactPersonFactory,
    GrowthFieldFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
)
from geo.models import District
from networks.models import NetworkProfile
from networks.tests.factories import NetworkFactory, NetworkProfileFactory

pytestmark = pytest.mark.django_db


def district(ags: str) -> District:
    return District.objects.get(ags=ags)


def detail_url(network: Organisation) -> str:
    return reverse("networks:detail", args=[network.slug])


def member_names(html: str) -> list[str]:
    table = html[html.index('class="table org-table member-table"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row" class="org-name">\s*<a href="[^"]+">([^<]+)</a>', table)


def test_the_list_shows_published_networks_with_their_members_and_growth_fields(
    client: Client,
) -> None:
    growth = GrowthFieldFactory.create(name="Nachhaltige Energie")
    network = NetworkFactory.create(name="Solarvalley Mitteldeutschland e. V.")
    network.growth_fields.add(growth)
    SiteFactory.create(organisation=network, district=district("16051"))
    cluster = NetworkFactory.create(name="Automotive Cluster", kind=OrganisationKind.CLUSTER)
    NetworkFactory.create(name="Entwurfsnetz", status=PublicationStatus.DRAFT)
    OrganisationFactory.create(name="Keine Netzwerkfirma GmbH")
    for _ in range(3):
        MembershipFactory.create(network=network)
    MembershipFactory.create(
        network=network,
        organisation=OrganisationFactory.create(status=PublicationStatus.HIDDEN),
    )

    html = client.get(reverse("networks:list")).content.decode()

    assert "2 Netzwerke und Cluster" in html
    assert network.name in html and cluster.name in html
    assert "Entwurfsnetz" not in html and "Keine Netzwerkfirma" not in html
    row = html[html.index(network.name) :]
    row = row[: row.index("</tr>")]
    assert '<td data-label="Mitglieder" class="number">3</td>' in row
    assert "Nachhaltige Energie" in row and "Erfurt" in row
    assert f'href="{detail_url(network)}"' in html


def test_the_list_filters_by_growth_field_and_district_and_pages(client: Client) -> None:
    growth = GrowthFieldFactory.create(name="Gesundheit und Medizintechnik")
    jena = NetworkFactory.create(name="Medizintechnik Jena")
    jena.growth_fields.add(growth)
    SiteFactory.create(organisation=jena, district=district("16053"))
    erfurt = NetworkFactory.create(name="Medizintechnik Erfurt")
    erfurt.growth_fields.add(growth)
    SiteFactory.create(organisation=erfurt, district=district("16051"))
    NetworkFactory.create(name="Logistiknetz")

    by_growth = client.get(reverse("networks:list"), {"growth": growth.slug}).content.decode()
    both = client.get(
        reverse("networks:list"), {"growth": growth.slug, "district": "16053"}
    ).content.decode()

    assert "Medizintechnik Jena" in by_growth and "Medizintechnik Erfurt" in by_growth
    assert "Logistiknetz" not in by_growth
    assert "Medizintechnik Jena" in both and "Medizintechnik Erfurt" not in both

    for n in range(26):
        NetworkFactory.create(name=f"Netz {n:02d}")
    first = client.get(reverse("networks:list")).content.decode()
    second = client.get(reverse("networks:list"), {"page": "2"}).content.decode()
    assert "Seite 1 von 2" in first and "Seite 2 von 2" in second
    assert "Netz 21" in first and "Netz 22" not in first and "Netz 25" in second


def test_a_profile_shows_the_mission_topics_services_and_the_visible_contacts(
    client: Client,
) -> None:
    carrier = OrganisationFactory.create(name="Trägerverein GmbH")
    profile = NetworkProfileFactory.create(
        carrier=carrier,
        mission="Kunststoff verbindet Thüringen.",
        focus_topics="Leichtbau\n\nRecycling\n",
        services="Arbeitskreise und Messen",
    )
    network = profile.organisation
    ContactPersonFactory.create(organisation=network, last_name="Öffentlich")
    ContactPersonFactory.create(
        organisation=network, last_name="Nurfuerkonten", visibility=Visibility.REGISTERED
    )
    ContactPersonFactory.create(
        organisation=network, last_name="Nurfuerstaff", visibility=Visibility.STAFF
    )

    html = client.get(detail_url(network)).content.decode()

    assert "Kunststoff verbindet Thüringen." in html
    assert "<li>Leichtbau</li>" in html and "<li>Recycling</li>" in html
    assert "Arbeitskreise und Messen" in html
    assert "Trägerverein GmbH" in html
    assert "Öffentlich" in html and "Nurfuerkonten" not in html and "Nurfuerstaff" not in html
    assert "Angemeldete Nutzer sehen weitere Ansprechpersonen." in html

    member = User.objects.create_user("mitglied", "m@example.org", "x" * 16)
    sign_in(client, member)
    signed_in = client.get(detail_url(network)).content.decode()
    assert "Nurfuerkonten" in signed_in and "Nurfuerstaff" not in signed_in


def test_a_network_without_a_profile_row_gets_a_page_from_its_organisation(
    client: Client,
) -> None:
    network = NetworkFactory.create(description="Wir sind das Netzwerk der Optik.")
    MembershipFactory.create(network=network)

    response = client.get(detail_url(network))

    assert response.status_code == 200
    assert "Wir sind das Netzwerk der Optik." in response.content.decode()
    assert not NetworkProfile.objects.exists()


def test_the_member_list_filters_by_kind_district_section_and_size(client: Client) -> None:
    network = NetworkFactory.create()
    code_c = WzCode.objects.get(version="2008", code="25.62.0")
    code_m = WzCode.objects.get(version="2008", code="72.19.0")
    specs = [
        ("Dreherei Klein", OrganisationKind.COMPANY, EmployeeSizeClass.SMALL, code_c, "16051"),
        ("Dreherei Groß", OrganisationKind.COMPANY, EmployeeSizeClass.LARGE, code_c, "16053"),
        ("Institut Jena", OrganisationKind.RESEARCH_INSTITUTE, "", code_m, "16053"),
        ("Hochschule Erfurt", OrganisationKind.UNIVERSITY, "", None, "16051"),
    ]
    for name, kind, size, code, ags in specs:
        organisation = OrganisationFactory.create(
            name=name, kind=kind, employee_size_class=size, primary_wz=code
        )
        SiteFactory.create(organisation=organisation, district=district(ags))
        MembershipFactory.create(network=network, organisation=organisation)
    MembershipFactory.create(
        network=network,
        organisation=OrganisationFactory.create(
            name="Versteckte Dreherei", status=PublicationStatus.HIDDEN, primary_wz=code_c
        ),
    )
    MembershipFactory.create(organisation=OrganisationFactory.create(name="Fremdes Mitglied"))

    def members(**params: str) -> list[str]:
        return member_names(client.get(detail_url(network), params).content.decode())

    assert sorted(members()) == sorted(name for name, *_ in specs)
    assert members(kind="research") == ["Institut Jena"]
    assert members(district="16053") == ["Dreherei Groß", "Institut Jena"]
    assert members(section="C") == ["Dreherei Groß", "Dreherei Klein"]
    assert members(size="large") == ["Dreherei Groß"]
    assert members(section="C", district="16051") == ["Dreherei Klein"]


def test_the_member_list_pages_and_the_map_shows_the_filtered_members(client: Client) -> None:
    network = NetworkFactory.create()
    for n in range(27):
        organisation = OrganisationFactory.create(
            name=f"Mitglied {n:02d}", kind=OrganisationKind.COMPANY
        )
        SiteFactory.create(organisation=organisation, latitude=50.9 + n / 100)
        MembershipFactory.create(network=network, organisation=organisation)
    MembershipFactory.create(
        network=network, organisation=OrganisationFactory.create(kind=OrganisationKind.UNIVERSITY)
    )

    first = client.get(detail_url(network)).content.decode()
    second = client.get(detail_url(network), {"page": "2"}).content.decode()
    companies = client.get(detail_url(network), {"kind": "company"}).content.decode()

    assert len(member_names(first)) == 25 and len(member_names(second)) == 3
    assert "28 Mitglieder" in first
    data = json.loads(
        re.search(
            r'<script id="site-map-data" type="application/json">(.*?)</script>', companies
        ).group(1)  # type: ignore[union-attr]
    )
    assert len(data["markers"]) == 27
    assert {m["label"] for m in data["markers"]} == {f"Mitglied {n:02d}" for n in range(27)}


def test_the_member_mix_is_shown_as_numbers(client: Client) -> None:
    network = NetworkFactory.create()
    for size in (EmployeeSizeClass.SMALL, EmployeeSizeClass.SMALL, EmployeeSizeClass.LARGE):
        MembershipFactory.create(
            network=network, organisation=OrganisationFactory.create(employee_size_class=size)
        )
    MembershipFactory.create(
        network=network, organisation=OrganisationFactory.create(kind=OrganisationKind.UNIVERSITY)
    )

    html = client.get(detail_url(network)).content.decode()

    mix = html[html.index('id="mix-heading"') : html.index('id="members-heading"')]
    assert "4 veröffentlichte Mitglieder" in mix
    assert re.search(r"<th scope=\"row\">Unternehmen</th><td class=\"number\">3</td>", mix)
    assert re.search(r"<th scope=\"row\">Hochschule</th><td class=\"number\">1</td>", mix)
    assert re.search(r"Klein \(10–49\)</th><td class=\"number\">2</td>", mix)
    assert 'value="2"' in mix and 'max="3"' in mix


def test_a_networks_directory_page_leads_to_its_network_page(client: Client) -> None:
    network = NetworkFactory.create()
    company = OrganisationFactory.create()

    response = client.get(reverse("directory:organisation-detail", args=[network.slug]))

    assert response.status_code == 301
    assert response["Location"] == detail_url(network)
    assert client.get(company.get_absolute_url()).status_code == 200
    to_company = client.get(reverse("networks:detail", args=[company.slug]))
    assert to_company.status_code == 301
    assert to_company["Location"] == company.get_absolute_url()


def test_an_unpublished_network_is_for_staff_only(client: Client, admin_client: Client) -> None:
    network = NetworkFactory.create(status=PublicationStatus.HIDDEN)

    assert client.get(detail_url(network)).status_code == 404
    assert admin_client.get(detail_url(network)).status_code == 200


def test_a_network_manager_edits_the_profile_and_the_history_names_them(
    client: Client,
) -> None:
    network = NetworkFactory.create()
    manager = User.objects.create_user("managerin", "mg@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=manager, organisation=network, via="staff")
    stranger = User.objects.create_user("fremd", "f@example.org", "x" * 16)
    edit_url = reverse("networks:edit", args=[network.slug])
    form = {"mission": "Neue Mission", "goals": "", "focus_topics": "Optik", "services": ""}

    anonymous = client.post(edit_url, form)
    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]
    sign_in(client, stranger)
    assert client.post(edit_url, form).status_code == 404
    assert not NetworkProfile.objects.exists()

    sign_in(client, manager)
    page = client.get(detail_url(network)).content.decode()
    assert f'href="{edit_url}"' in page
    response = client.post(edit_url, form, follow=True)

    profile = NetworkProfile.objects.get(organisation=network)
    assert profile.mission == "Neue Mission"
    assert profile.history.latest().history_user == manager
    assert "Neue Mission" in response.content.decode()


def test_the_profile_costs_the_same_queries_however_many_members(client: Client) -> None:
    code = WzCode.objects.get(version="2008", code="25.62.0")

    def queries_for(members: int) -> int:
        network = NetworkProfileFactory.create().organisation
        for _ in range(members):
            organisation = OrganisationFactory.create(primary_wz=code)
            SiteFactory.create(organisation=organisation, district=district("16051"))
            MembershipFactory.create(network=network, organisation=organisation)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(detail_url(network)).content.decode()
        assert f"{members} Mitglieder" in html
        return len(queries)

    assert queries_for(3) == queries_for(30)


def test_the_list_costs_the_same_queries_however_many_networks(client: Client) -> None:
    growth = GrowthFieldFactory.create()

    def queries_for(count: int) -> int:
        for _ in range(count):
            network = NetworkFactory.create()
            network.growth_fields.add(growth)
            SiteFactory.create(organisation=network, district=district("16051"))
            MembershipFactory.create(network=network)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("networks:list"))
        return len(queries)

    assert queries_for(2) == queries_for(20)


def test_a_visitor_may_claim_or_write_to_a_network_as_to_any_organisation(
    client: Client,
) -> None:
    network = NetworkFactory.create(email="info@netzwerk.example.org")

    html = client.get(detail_url(network)).content.decode()

    assert f'href="{reverse("accounts:claim", args=[network.slug])}"' in html
    assert f'href="{reverse("sourcing:contact-organisation", args=[network.slug])}"' in html
    assert f'href="{reverse("directory:correction", args=[network.slug])}"' in html
    assert reverse("networks:edit", args=[network.slug]) not in html


def test_the_network_page_describes_the_network_for_machines(client: Client) -> None:
    network = NetworkFactory.create(name="Optonet Jena", founding_year=2001)
    ContactPersonFactory.create(organisation=network, last_name="Öffentlich")
    ContactPersonFactory.create(
        organisation=network, last_name="Intern", visibility=Visibility.STAFF
    )

    html = client.get(detail_url(network)).content.decode()

    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert raw is not None
    data = json.loads(raw.group(1))
    assert data["name"] == "Optonet Jena" and data["foundingDate"] == "2001"
    assert data["mainEntityOfPage"] == "http://testserver" + detail_url(network)
    assert [point["name"] for point in data["contactPoint"]] == ["Erika Öffentlich"]


def test_every_page_leads_to_the_networks(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<a href="/netzwerke/">Netzwerke</a>' in page
    listed = client.get("/netzwerke/").content.decode()
    assert '<a href="/netzwerke/" aria-current="page">Netzwerke</a>' in listed
    # The data sources stay one link away, in the footer of every page.
    assert 'href="/about/data/"' in page
