"""The growth-field pages: what they gather from the data, the roadmap kept by staff and
network managers, and studies whose PDF text the search finds."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationEditor
from core.testing import sign_in
from directory.choices import PublicationStatus
from directory.tests.factories import GrowthFieldFactory, OrganisationFactory
from inquiries.models import Expert
from networks.choices import TextStatus
from networks.models import GrowthFieldPage, NetworkProject, RoadmapItem, Study
from networks.tests.factories import NetworkFactory
from networks.tests.pdfs import encrypted_pdf, text_pdf
from search.content import ContentQuery, search_content

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_files(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.NETWORK_DOCUMENT_DIR = tmp_path / "documents"


def found(type_name: str, text: str) -> set[int]:
    return {hit.id for hit in search_content(ContentQuery(type=type_name, text=text)).hits}


def test_the_overview_counts_from_the_data_and_hides_unpublished_pages(
    client: Client, admin_client: Client
) -> None:
    mobility = GrowthFieldFactory.create(name="Mobilität und Logistik")
    food = GrowthFieldFactory.create(name="Obst und Gemüse")
    secret = GrowthFieldFactory.create(name="Geheimes Feld")
    GrowthFieldPage.objects.create(growth_field=mobility, summary="Fahrzeuge und Wege.")
    GrowthFieldPage.objects.create(growth_field=food, kind="sector")
    GrowthFieldPage.objects.create(growth_field=secret, published=False)
    for name, status in [("A", "published"), ("B", "published"), ("C", "hidden")]:
        NetworkFactory.create(name=f"Netz {name}", status=status).growth_fields.add(mobility)

    html = client.get(reverse("networks:growth-fields")).content.decode()
    strategy = html[html.index('id="fields-strategy"') : html.index('id="fields-sectors"')]
    sectors = html[html.index('id="fields-sectors"') :]
    assert "Mobilität und Logistik" in strategy and "Obst und Gemüse" not in strategy
    assert "Obst und Gemüse" in sectors
    assert "Fahrzeuge und Wege." in html
    assert "2 Netzwerke" in html  # the hidden network is not counted
    assert "Geheimes Feld" not in html
    assert client.get(reverse("networks:growth-field", args=[secret.slug])).status_code == 404
    assert admin_client.get(reverse("networks:growth-field", args=[secret.slug])).status_code == 200


def test_a_field_page_gathers_networks_projects_roadmap_studies_and_experts(
    client: Client,
) -> None:
    today = timezone.localdate()
    field = GrowthFieldFactory.create(name="Photonik")
    GrowthFieldPage.objects.create(growth_field=field, body="Licht ist unsere Stärke.")
    network = NetworkFactory.create(name="Optonet e. V.")
    network.growth_fields.add(field)
    hidden = NetworkFactory.create(name="Verborgenes Netz", status=PublicationStatus.HIDDEN)
    hidden.growth_fields.add(field)
    NetworkProject.objects.create(
        network=network, title="Lichtfabrik", summary="Ein Projekt."
    ).growth_fields.add(field)
    NetworkProject.objects.create(
        network=hidden, title="Geheimprojekt", summary="Nicht öffentlich."
    ).growth_fields.add(field)
    RoadmapItem.objects.create(
        growth_field=field,
        title="Später Meilenstein",
        owner="Clustermanagement",
        due=today + datetime.timedelta(days=200),
    )
    RoadmapItem.objects.create(
        growth_field=field,
        title="Verspäteter Meilenstein",
        owner="AG Laser",
        network=network,
        due=today - datetime.timedelta(days=10),
        status="in-progress",
    )
    Study.objects.create(
        title="Photonikstudie 2025", slug="photonik-2025", year=2025
    ).growth_fields.add(field)
    Study.objects.create(title="Entwurfsstudie", slug="entwurf", published=False).growth_fields.add(
        field
    )
    expert = Expert.objects.create(
        name="Dr. Lena Licht", email="licht@agentur.example", role="Referentin"
    )
    expert.growth_fields.add(field)
    Expert.objects.create(
        name="Ehemaliger Experte", email="alt@agentur.example", active=False
    ).growth_fields.add(field)

    html = client.get(reverse("networks:growth-field", args=[field.slug])).content.decode()
    assert "Licht ist unsere Stärke." in html
    assert "Optonet e. V." in html and "Verborgenes Netz" not in html
    assert "Lichtfabrik" in html and "Geheimprojekt" not in html
    roadmap = html[html.index('id="roadmap"') :]
    assert roadmap.index("Verspäteter Meilenstein") < roadmap.index("Später Meilenstein")
    assert "überfällig" in roadmap.split("Später Meilenstein")[0]
    assert "Photonikstudie 2025" in html and "Entwurfsstudie" not in html
    assert "Dr. Lena Licht" in html and "Ehemaliger Experte" not in html
    assert "licht@agentur.example" not in html  # the team page decides about contact data
    assert f"/suche/?growth={field.pk}" in html
    assert f"/anfrage/?growth={field.slug}" in html
    form = client.get(f"/anfrage/?growth={field.slug}")
    assert form.context["form"].initial["growth_field"] == field


def test_network_managers_keep_milestones_of_their_own_fields(client: Client) -> None:
    field = GrowthFieldFactory.create(name="Wasserstoff")
    other_field = GrowthFieldFactory.create(name="Bergbau")
    network = NetworkFactory.create()
    network.growth_fields.add(field)
    manager = User.objects.create_user("h2", "h2@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=manager, organisation=network, via="staff")
    sign_in(client, manager)
    add = reverse("networks:record-add", args=[network.slug, "roadmap"])
    wrong = client.post(
        add, {"growth_field": other_field.pk, "title": "X", "owner": "AG", "status": "planned"}
    )
    assert wrong.status_code == 200 and not RoadmapItem.objects.exists()
    client.post(
        add,
        {
            "growth_field": field.pk,
            "title": "Elektrolyseur in Betrieb",
            "owner": "AG Wasserstoff",
            "due": "2027-06-30",
            "status": "done",
        },
    )
    item = RoadmapItem.objects.get()
    assert item.network == network and item.done_on == timezone.localdate()
    assert item.history.get().history_user == manager
    page = client.get(reverse("networks:growth-field", args=[field.slug])).content.decode()
    assert "Elektrolyseur in Betrieb" in page and "Erledigt" in page
    # Another network's manager cannot touch it.
    stranger = User.objects.create_user("fremd", "fremd@example.org", "x" * 16)
    OrganisationEditor.objects.create(
        user=stranger, organisation=NetworkFactory.create(), via="staff"
    )
    sign_in(client, stranger)
    edit = reverse("networks:record-edit", args=[network.slug, "roadmap", item.pk])
    assert client.get(edit).status_code == 404


def _upload(admin_client: Client, content: bytes, **extra: Any) -> Any:
    data = {
        "title": "Wasserstoffstudie Thüringen",
        "slug": "wasserstoffstudie",
        "publisher": "Landesagentur",
        "year": "2025",
        "summary": "Wo die Region steht.",
        "published": "on",
        "file": SimpleUploadedFile("studie.pdf", content, "application/pdf"),
    }
    data.update(extra)
    return admin_client.post(reverse("admin:networks_study_add"), data)


def test_a_study_must_be_a_readable_pdf(admin_client: Client) -> None:
    fake = _upload(admin_client, b"GIF89a not a pdf", title="Falsch")
    assert "studie.pdf" in fake.content.decode() and not Study.objects.exists()
    locked = _upload(admin_client, encrypted_pdf()).content.decode()
    assert "durch ein Passwort geschützt" in locked and not Study.objects.exists()
    broken = _upload(admin_client, b"%PDF-1.4\n1 0 obj garbage").content.decode()
    assert "kann nicht als PDF-Dokument gelesen werden" in broken
    assert not Study.objects.exists()


def test_the_text_of_a_study_is_read_and_found_by_the_search(
    admin_client: Client, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    pdf = text_pdf("Elektrolyseure und Brennstoffzellen", "Kapitel 2: Pipelinenetz Ostthueringen")
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(admin_client, pdf).status_code == 302
    study = Study.objects.get()
    assert study.text_status == TextStatus.DONE and study.pages == 2
    assert "Pipelinenetz" in study.text and study.size == len(pdf)
    assert found("study", "Brennstoffzellen") == {study.pk} == found("study", "Pipelinenetz")

    page = client.get(study.get_absolute_url()).content.decode()
    assert "Wasserstoffstudie Thüringen" in page and "2 Seiten" in page
    download = client.get(reverse("networks:study-file", args=[study.slug]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf  # type: ignore[attr-defined]

    # A new file is read again; the old words leave the index.
    change = reverse("admin:networks_study_change", args=[study.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            change,
            {
                "title": study.title,
                "slug": study.slug,
                "year": "2026",
                "published": "on",
                "file": SimpleUploadedFile(
                    "neu.pdf", text_pdf("Batteriespeicher"), "application/pdf"
                ),
            },
        )
    assert found("study", "Batteriespeicher") == {study.pk}
    assert found("study", "Brennstoffzellen") == set()

    with django_capture_on_commit_callbacks(execute=True):
        Study.objects.get().delete()
    assert found("study", "Batteriespeicher") == set()


def test_an_unpublished_study_is_neither_shown_nor_found(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        study = Study.objects.create(
            title="Interne Analyse Wasserstoff", slug="intern", published=False
        )
    assert found("study", "Analyse") == set()
    assert client.get(study.get_absolute_url()).status_code == 404
    assert client.get(reverse("networks:study-file", args=[study.slug])).status_code == 404


def test_a_field_page_is_found_by_its_text(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        field = GrowthFieldFactory.create(name="Kreislaufwirtschaft")
        page = GrowthFieldPage.objects.create(growth_field=field, body="Rezyklate aus Thüringen")
    assert found("growthfield", "Rezyklate") == {field.pk}
    with django_capture_on_commit_callbacks(execute=True):
        page.published = False
        page.save()
    assert found("growthfield", "Rezyklate") == set()


def test_demo_pages_and_roadmaps_are_marked(client: Client) -> None:
    from classification.models import GrowthField
    from networks import demo_fields

    field = GrowthFieldFactory.create(
        name="Feinmechanik", description="Spezialisierungsfeld der RIS3: Maschinenbau."
    )
    GrowthFieldFactory.create(name="Weinbau", description="Regionale Leitbranche.")
    OrganisationFactory.create()
    assert demo_fields.generate() == GrowthField.objects.count()
    assert GrowthFieldPage.objects.get(growth_field=field).kind == "strategy"
    assert GrowthFieldPage.objects.get(growth_field__name="Weinbau").kind == "sector"
    assert RoadmapItem.objects.filter(growth_field=field).count() == 4
    html = client.get(reverse("networks:growth-field", args=[field.slug])).content.decode()
    assert "Demodaten:" in html
    assert demo_fields.generate() == 0


def test_organisation_counts_come_from_the_search_and_match_the_directory(
    client: Client,
) -> None:
    from search.tests.helpers import index_all

    field = GrowthFieldFactory.create(name="Zählfeld")
    GrowthFieldPage.objects.create(growth_field=field)
    for n in range(3):
        OrganisationFactory.create(name=f"Gezählt {n}").growth_fields.add(field)
    OrganisationFactory.create(name="Versteckt", status=PublicationStatus.HIDDEN).growth_fields.add(
        field
    )
    OrganisationFactory.create(name="Ohne Feld")
    index_all()
    expected = field.organisations.filter(status=PublicationStatus.PUBLISHED).count()
    assert expected == 3

    overview = client.get(reverse("networks:growth-fields"))
    (card,) = [c for c in overview.context["strategy"] if c.field == field]
    assert card.organisations == expected
    detail = client.get(reverse("networks:growth-field", args=[field.slug]))
    assert detail.context["detail"].organisations == expected
    assert (
        "3 veröffentlichte Organisationen sind diesem Feld zugeordnet." in detail.content.decode()
    )
    # The link opens the search filtered by the field: it finds the same three.
    found = client.get(f"/suche/?growth={field.pk}")
    assert found.context["results"].total == expected
