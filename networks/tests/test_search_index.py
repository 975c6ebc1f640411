"""Every write path of a network keeps the main search in step: the search is told after
the commit, finds (or no longer finds) the network, and its drift check finds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import OrganisationEditor
from core.testing import sign_in
from directory.choices import OrganisationKind, PublicationStatus
from directory.models import Organisation
from directory.signals import organisations_changed
from directory.tests.factories import GrowthFieldFactory, OrganisationFactory, SiteFactory
from geo.models import District
from networks.search import NetworkType
from networks.tests.factories import NetworkFactory, NetworkProfileFactory
from search import content
from search.content import ContentQuery, search_content

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_index(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


@pytest.fixture
def told(monkeypatch: Any) -> Iterator[list[int]]:
    """The network ids the search is told of; the real update runs too."""
    from search import registry

    calls: list[int] = []
    real = registry.changed

    def record(type_name: str, ids: Any) -> None:
        ids = list(ids)
        if type_name == "network":
            calls.extend(ids)
        real(type_name, ids)

    monkeypatch.setattr(registry, "changed", record)
    yield calls


def found(text: str, **filters: list[str]) -> set[int]:
    query = ContentQuery(type="network", text=text, filters=filters, page_size=50)
    return {hit.id for hit in search_content(query).hits}


def no_drift() -> None:
    (drift,) = [d for d in content.check() if d.type == "network"]
    assert drift.clean, (drift.missing, drift.stale, drift.extra)


def test_admin_save_finds_the_network_by_its_mission(
    told: list[int], django_capture_on_commit_callbacks: Any, admin_client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        profile = NetworkProfileFactory.create(mission="Wasserstoff für den Mittelstand")
    network = profile.organisation
    assert network.pk in told and found("Wasserstoff") == {network.pk}
    told.clear()
    url = reverse("admin:networks_networkprofile_change", args=[profile.pk])
    data = {
        "organisation": network.pk,
        "carrier": "",
        "mission": "Batteriespeicher für Thüringen",
        "goals": "",
        "focus_topics": "Zellchemie",
        "services": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    assert network.pk in told
    assert found("Batteriespeicher") == {network.pk} == found("Zellchemie")
    assert found("Wasserstoff") == set()
    no_drift()


def test_the_managers_form_and_a_network_without_profile(
    told: list[int], django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        network = NetworkFactory.create(name="Photonik Netzwerk Jena")
    assert found("Photonik") == {network.pk}
    manager = User.objects.create_user("managerin", "mg@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=manager, organisation=network, via="staff")
    sign_in(client, manager)
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("networks:edit", args=[network.slug]),
            {"mission": "", "goals": "", "focus_topics": "Quantenoptik", "services": ""},
        )
    assert told == [network.pk] and found("Quantenoptik") == {network.pk}
    no_drift()


def test_hiding_bulk_writes_and_deleting_take_networks_out(
    told: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hidden = NetworkProfileFactory.create(services="Messegemeinschaftsstand").organisation
        bulk = NetworkProfileFactory.create(services="Messegemeinschaftsstand").organisation
        gone = NetworkProfileFactory.create(services="Messegemeinschaftsstand").organisation
    assert found("Messegemeinschaftsstand") == {hidden.pk, bulk.pk, gone.pk}
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hidden.status = PublicationStatus.HIDDEN
        hidden.save()
    assert hidden.pk in told and found("Messegemeinschaftsstand") == {bulk.pk, gone.pk}
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Organisation.objects.filter(pk=bulk.pk).update(status=PublicationStatus.ARCHIVED)
        organisations_changed([bulk.pk])
    assert told == [bulk.pk] and found("Messegemeinschaftsstand") == {gone.pk}
    told.clear()
    gone_pk = gone.pk
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    assert gone_pk in told and found("Messegemeinschaftsstand") == set()
    no_drift()


def test_growth_fields_and_the_main_site_are_facets(
    told: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        growth = GrowthFieldFactory.create(name="Intelligente Produktion")
        network = NetworkFactory.create(name="Industrie Netzwerk")
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        network.growth_fields.add(growth)
    assert told == [network.pk] and found("", growth=[growth.slug]) == {network.pk}
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        SiteFactory.create(organisation=network, district=District.objects.get(ags="16053"))
    assert told == [network.pk] and found("", district=["16053"]) == {network.pk}
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        network.growth_fields.remove(growth)
    assert told == [network.pk] and found("", growth=[growth.slug]) == set()
    no_drift()


def test_companies_and_bulk_writes_of_many_report_only_networks(
    told: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        network = NetworkFactory.create()
        company = OrganisationFactory.create(kind=OrganisationKind.COMPANY)
        SiteFactory.create(organisation=company)
    assert told == [network.pk]
    told.clear()
    many = set(range(10**6, 10**6 + 40_000)) | {network.pk, company.pk}
    with django_capture_on_commit_callbacks(execute=True):
        organisations_changed(many)
    assert told == [network.pk]
    assert list(NetworkType().indexable_ids()) == [network.pk]
    no_drift()


def test_the_search_page_shows_networks_as_a_kind_of_their_own(
    django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        network = NetworkProfileFactory.create(
            organisation=NetworkFactory.create(name="Leichtbau Netzwerk Thüringen"),
            focus_topics="Faserverbundwerkstoffe",
        ).organisation
        other = NetworkProfileFactory.create(focus_topics="Hydraulik").organisation

    page = client.get("/suche/", {"type": "network", "q": "Faserverbundwerkstoffe"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Netzwerke und Cluster" in html
    assert f'href="{reverse("networks:detail", args=[network.slug])}"' in html
    assert "Leichtbau Netzwerk Thüringen" in html and other.name not in html


def test_a_network_found_by_the_search_shows_its_place_and_description(
    django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    """The hit of a network in the main search (its own tab and "Also found"): name,
    kind, the place of its main site and its short description, as the visitor reads."""
    with django_capture_on_commit_callbacks(execute=True):
        network = NetworkFactory.create(
            name="Photonik-Netzwerk Mitte e. V.", short_description="Optische Technologien."
        )
        SiteFactory.create(organisation=network, is_primary=True, place="Jena")
    for address in ("/suche/?type=network&q=Photonik", "/suche/?q=Photonik"):
        page = client.get(address).content.decode()
        hit = page[page.index('class="hit network-hit"') :]
        hit = hit[: hit.index("</article>")]
        assert "Photonik-Netzwerk Mitte e. V." in hit, address
        assert "Jena" in hit and "Optische Technologien." in hit, address
