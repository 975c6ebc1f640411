"""The networks' brochure: built from the live data in German and English, tagged and
bookmarked, started in the back office and downloaded by visitors."""

from __future__ import annotations

import builtins
import datetime
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import EDITOR, EXPERT
from accounts.services import grant_role
from core.testing import sign_in
from directory.choices import EmployeeSizeClass, OrganisationKind, PublicationStatus, Visibility
from directory.tests.factories import (
    ContactPersonFactory,
    GrowthFieldFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
)
from networks import brochure
from networks.choices import BuildStatus
from networks.models import (
    BrochureBuild,
    NetworkProject,
    PartnerCluster,
    QualityLabel,
    WorkingGroup,
)
from networks.tasks import build_network_brochure
from networks.tests.factories import NetworkProfileFactory

pytestmark = pytest.mark.django_db

# Where the page images go when a person wants to look at them (BROCHURE_PAGES_DIR).
PAGES_DIR = os.environ.get("BROCHURE_PAGES_DIR", "")


@pytest.fixture(autouse=True)
def documents(settings: Any, tmp_path: Path) -> Path:
    settings.NETWORK_DOCUMENT_DIR = tmp_path / "documents"
    settings.PORTAL_NAME = "Clusterportal Thüringen"
    return tmp_path / "documents"


@pytest.fixture
def networks() -> dict[str, Any]:
    """Two published networks (one in a growth field), one draft network."""
    optics = GrowthFieldFactory.create(
        name="Optik und Photonik (Broschüre)", name_en="Optics and photonics (brochure)"
    )
    carrier = OrganisationFactory.create(name="Trägerverein Optik e. V.")
    alpha = NetworkProfileFactory.create(
        organisation__name="Alpha Optonet e. V.",
        organisation__founding_year=2003,
        organisation__email="info@optonet.example",
        carrier=carrier,
        mission="Wir verbinden die optische Industrie Thüringens.",
        focus_topics="Lasertechnik\nBildverarbeitung",
    ).organisation
    alpha.growth_fields.add(optics)
    SiteFactory.create(
        organisation=alpha, street="Leutragraben 1", postal_code="07743", place="Jena"
    )
    for number in range(3):
        MembershipFactory.create(
            network=alpha,
            organisation=OrganisationFactory.create(
                name=f"Optikfirma {number} GmbH", employee_size_class=EmployeeSizeClass.SMALL
            ),
        )
    MembershipFactory.create(
        network=alpha,
        organisation=OrganisationFactory.create(
            name="Entwurfsfirma GmbH", status=PublicationStatus.DRAFT
        ),
    )
    ContactPersonFactory.create(
        organisation=alpha, first_name="Erika", last_name="Öffentlich", role="Clustermanagerin"
    )
    hidden = ContactPersonFactory.create(
        organisation=alpha,
        first_name="Sven",
        last_name="Intern",
        email="sven.intern@optonet.example",
        visibility=Visibility.STAFF,
    )
    group = WorkingGroup.objects.create(
        network=alpha, name="AK Lasertechnik", topic="Ultrakurzpulslaser", contact=hidden
    )
    group.members.add(OrganisationFactory.create(name="Laserwerk Jena GmbH"))
    NetworkProject.objects.create(
        network=alpha, title="Photonik-Campus 2030", summary="Ein gemeinsamer Forschungscampus."
    )
    today = timezone.localdate()
    QualityLabel.objects.create(
        network=alpha,
        scheme="ecei",
        level="gold",
        awarded=today - datetime.timedelta(days=300),
        valid_until=today + datetime.timedelta(days=400),
    )
    QualityLabel.objects.create(
        network=alpha,
        scheme="go-cluster",
        level="member",
        awarded=datetime.date(2018, 1, 1),
        valid_until=datetime.date(2020, 12, 31),
    )
    beta = NetworkProfileFactory.create(
        organisation__name="Beta Automotive Cluster",
        organisation__kind=OrganisationKind.CLUSTER,
        carrier=OrganisationFactory.create(
            name="Verborgener Träger GmbH", status=PublicationStatus.HIDDEN
        ),
        mission="Der Automobilzulieferer-Cluster der Region.",
    ).organisation
    PartnerCluster.objects.create(
        network=alpha, partner=beta, cooperation="projects", description="Leichtbau"
    )
    ContactPersonFactory.create(organisation=beta, first_name="Bernd", last_name="Beta")
    draft = NetworkProfileFactory.create(
        organisation__name="Gamma Geheimnetz e. V.",
        organisation__status=PublicationStatus.DRAFT,
    ).organisation
    return {"alpha": alpha, "beta": beta, "draft": draft}


# --- Reading the PDF -------------------------------------------------------------------


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text with its lines joined by single spaces."""
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                page = reader.get_destination_page_number(item)
                found.append((level, str(item.title), page if page is not None else -1))

    walk(reader.outline, 1)
    return found


def structure(reader: PdfReader) -> list[tuple[str, str]]:
    """(tag, alternative text) of every element of the structure tree."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append((str(node["/S"]), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(catalog(reader)["/StructTreeRoot"])
    return found


def catalog(reader: PdfReader) -> Any:
    return reader.trailer["/Root"]


def page_of(bookmarks: list[tuple[int, str, int]], title: str) -> int:
    return next(page for _level, name, page in bookmarks if name == title)


def rendered(language: str, name: str = "") -> tuple[PdfReader, bytes]:
    pdf = brochure.render(language).pdf
    if PAGES_DIR:
        look_at(pdf, name or language)
    return PdfReader(io.BytesIO(pdf)), pdf


def look_at(pdf: bytes, name: str) -> list[Any]:
    """Every page as an image (pypdfium2), saved under BROCHURE_PAGES_DIR when set."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf)
    images = [page.render(scale=0.6).to_pil() for page in document]
    if PAGES_DIR:
        Path(PAGES_DIR).mkdir(parents=True, exist_ok=True)
        for number, image in enumerate(images, start=1):
            image.save(Path(PAGES_DIR) / f"{name}-{number:02d}.png")
    return images


# --- The brochure itself ---------------------------------------------------------------


def test_the_german_brochure_gives_each_published_network_its_own_pages(
    networks: dict[str, Any],
) -> None:
    reader, pdf = rendered("de")
    texts = page_texts(reader)
    whole = "\n".join(texts)
    bookmarks = outline(reader)

    # Cover, introduction, overview, then each network from a new page, the index last.
    alpha = page_of(bookmarks, "Alpha Optonet e. V.")
    beta = page_of(bookmarks, "Beta Automotive Cluster")
    last = page_of(bookmarks, "Register der Netzwerke")
    assert (alpha, beta, last) == (3, 4, 5)
    assert len(reader.pages) == 6
    assert "Synergien schaffen. Netzwerke nutzen." in texts[0]
    assert "Clusterportal Thüringen" in texts[0]
    assert f"Stand: {timezone.localdate().day}." in texts[0]

    # Each network's section starts with its name and holds no other network's section.
    # (The running head and the page number come last in the text.)
    assert texts[alpha].startswith("Alpha Optonet e. V. Netzwerk · Optik und Photonik")
    assert texts[alpha].endswith(f"Alpha Optonet e. V. {alpha + 1}")
    assert texts[beta].startswith("Beta Automotive Cluster Cluster Struktur")
    assert texts[beta].endswith(f"Beta Automotive Cluster {beta + 1}")
    assert "Beta Automotive Cluster – gemeinsame Projekte" in texts[alpha]  # its partner
    assert "Der Automobilzulieferer-Cluster der Region." not in texts[alpha]
    assert "Wir verbinden die optische Industrie" not in texts[beta]

    page = texts[alpha]
    for shown in (
        "Träger Trägerverein Optik e. V.",
        "Gegründet 2003",
        "Mitglieder 3 (Unternehmen: 3)",
        "Lasertechnik",
        "Bildverarbeitung",
        "Wir verbinden die optische Industrie Thüringens.",
        "Projekte Photonik-Campus 2030",
        "Arbeitsgruppen AK Lasertechnik",
        "Qualitätssiegel",
        "ECEI-Label für Clustermanagement-Exzellenz: Gold",
        "Erika Öffentlich, Clustermanagerin",
        "Leutragraben 1, 07743 Jena",
    ):
        assert shown in page, shown

    # Only what every visitor may see.
    assert "Sven Intern" not in whole and "sven.intern" not in whole
    assert "go-cluster" not in whole  # the expired label
    assert "Gamma Geheimnetz" not in whole
    assert "Entwurfsfirma" not in whole
    assert "Verborgener Träger" not in whole  # Beta's carrier is not published

    # The overview lists the growth field with its network; the index gives page numbers.
    overview = texts[2]
    assert "Optik und Photonik (Broschüre) Alpha Optonet e. V." in overview
    assert "Netzwerke über die Wachstumsfelder hinweg Beta Automotive Cluster" in overview
    assert re.search(rf"Alpha Optonet e\. V\.[ .]+{alpha + 1}\b", overview)
    index = texts[last]
    assert re.search(
        rf"A Alpha Optonet e\. V\.[ .]+{alpha + 1} B Beta Automotive Cluster[ .]+{beta + 1}\b",
        index,
    )
    assert re.search(r"Register der Netzwerke[ .]+6\b", texts[1])  # the contents

    # Bookmarks: the networks at the top level, the growth fields below the overview.
    assert (1, "Alpha Optonet e. V.", 3) in bookmarks
    assert (1, "Register der Netzwerke", 5) in bookmarks
    assert not [title for _level, title, _page in bookmarks if title in ("Struktur", "A")]
    assert (2, "Optik und Photonik (Broschüre)", 2) in bookmarks

    # Tagged: document language, headings, the logo's alternative text.
    root = catalog(reader)
    assert root["/Lang"] == "de"
    assert bool(root["/MarkInfo"]["/Marked"])
    tags = structure(reader)
    names = {tag for tag, _alt in tags}
    assert {"/H1", "/H2", "/H3", "/H4", "/L", "/LI", "/P", "/Figure"} <= names
    figures = [alt for tag, alt in tags if tag == "/Figure"]
    assert figures == ["Logo von Clusterportal Thüringen"]
    assert reader.metadata is not None
    assert (
        reader.metadata.title == "Synergien schaffen. Netzwerke nutzen. – Clusterportal Thüringen"
    )

    images = look_at(pdf, "de")
    assert len(images) == 6
    cover, network_page = images[0], images[alpha]
    # The cover is the dark blue page; a network's page is mostly white paper.
    red, _green, blue = cover.convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert blue > 80 and red < 40
    assert network_page.convert("L").resize((1, 1)).getpixel((0, 0)) > 200


def test_the_english_brochure_speaks_english(networks: dict[str, Any]) -> None:
    reader, pdf = rendered("en")
    texts = page_texts(reader)
    whole = "\n".join(texts)
    bookmarks = outline(reader)

    assert catalog(reader)["/Lang"] == "en"
    assert "Creating synergies. Making use of networks." in texts[0]
    alpha = page_of(bookmarks, "Alpha Optonet e. V.")
    for heading in ("Structure", "Focus topics", "Projects", "Working groups", "Quality labels"):
        assert heading in texts[alpha], heading
    assert "Optics and photonics (brochure)" in texts[2]
    assert "ECEI cluster management label: gold" in texts[alpha]
    assert "Members 3 (company: 3)" in texts[alpha]
    assert (1, "Index of networks", len(reader.pages) - 1) in bookmarks
    assert "Arbeitsgruppen" not in whole
    assert "Sven Intern" not in whole
    assert [alt for tag, alt in structure(reader) if tag == "/Figure"] == [
        "Logo of Clusterportal Thüringen"
    ]
    assert len(look_at(pdf, "en")) == len(reader.pages)


def test_a_brochure_without_networks_still_has_a_cover_and_says_so() -> None:
    reader, _pdf = rendered("de", "empty")
    text = "\n".join(page_texts(reader))
    assert "Synergien schaffen. Netzwerke nutzen." in text
    assert "Noch ist kein Netzwerk veröffentlicht." in text


# --- Builds, the back office and the download ------------------------------------------


def staff_client(role: str, username: str) -> Client:
    user = User.objects.create_user(username, f"{username}@example.org", "x" * 16)
    user.is_staff = True
    user.save()
    grant_role(user, role)
    client = Client()
    sign_in(client, user)
    return client


def test_an_editor_builds_the_brochure_and_visitors_download_it(
    client: Client, networks: dict[str, Any]
) -> None:
    download = reverse("networks:brochure", args=["de"])
    assert client.get(download).status_code == 404
    assert client.get(reverse("networks:brochure", args=["fr"])).status_code == 404
    assert "Broschüre als PDF" not in client.get(reverse("networks:list")).content.decode()

    editor = staff_client(EDITOR, "redaktion")
    changelist = reverse("admin:networks_brochurebuild_changelist")
    page = editor.get(changelist).content.decode()
    assert "Noch wurde keine Broschüre erstellt" in page
    assert 'value="Broschüre erstellen"' in page

    response = editor.post(
        reverse("admin:networks_brochure_build"), {"language": ["de", "en"]}, follow=True
    )
    page = response.content.decode()
    assert "Die Broschüre (Deutsch) ist erstellt: 6 Seiten." in page
    assert "Die Broschüre (Englisch) ist erstellt: 6 Seiten." in page
    assert BrochureBuild.objects.filter(status=BuildStatus.DONE).count() == 2
    build = BrochureBuild.objects.get(language="de")
    assert build.requested_by is not None and build.requested_by.username == "redaktion"
    assert build.page_count == 6 and build.size and build.size > 10_000
    assert build.step == "Schreiben der PDF-Datei" and build.percent == 100

    answer = client.get(download)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Language"] == "de"
    assert "netzwerk-broschuere-de-" in answer["Content-Disposition"]
    pdf = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 6

    listing = client.get(reverse("networks:list")).content.decode()
    assert "Broschüre als PDF" in listing
    assert f'href="{download}"' in listing and 'hreflang="en"' in listing
    assert "6 Seiten" in listing


def test_only_staff_with_the_permission_start_a_build(client: Client) -> None:
    build = reverse("admin:networks_brochure_build")
    expert = staff_client(EXPERT, "fachexperte")
    assert expert.post(build, {"language": "de"}).status_code == 403
    answer = client.post(build, {"language": "de"})
    assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")
    assert not BrochureBuild.objects.exists()
    editor = staff_client(EDITOR, "redaktion")
    assert editor.get(build).status_code == 405  # a build starts with a POST only


def test_the_back_office_shows_a_running_build_and_reloads(networks: dict[str, Any]) -> None:
    BrochureBuild.objects.create(
        language="de",
        status=BuildStatus.RUNNING,
        started=timezone.now(),
        step="Lesen der Netzwerke",
        done=1,
        total=4,
    )
    editor = staff_client(EDITOR, "redaktion")
    page = editor.get(reverse("admin:networks_brochurebuild_changelist")).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert '<progress max="100" value="25">' in page
    assert "Lesen der Netzwerke (1 / 4)" in page

    response = editor.post(
        reverse("admin:networks_brochure_build"), {"language": "de"}, follow=True
    )
    assert "Eine Erstellung der Broschüre (Deutsch) läuft bereits." in response.content.decode()
    assert BrochureBuild.objects.count() == 1


def test_a_build_reports_each_step_on_its_row(
    networks: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int, int, str]] = []
    original = brochure.render

    def watching(language: str, progress: Any = None) -> brochure.RenderedBrochure:
        def report(done: int, total: int, label: str) -> None:
            progress(done, total, label)
            row = BrochureBuild.objects.get()
            seen.append((row.step, row.done, row.total, row.status))

        return original(language, report)

    monkeypatch.setattr(brochure, "render", watching)
    build, created = brochure.request_build("en")
    assert created
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE
    assert ("Reading the networks", 0, 2, "running") in seen
    assert ("Reading the networks", 2, 2, "running") in seen
    steps = [step for step, *_rest in seen]
    assert steps.index("Laying out the pages") < steps.index("Writing the PDF")
    # The layout reports each new page: an estimate of eight, then the six it took.
    layout = [
        (done, total) for step, done, total, _status in seen if step == "Laying out the pages"
    ]
    assert layout[0] == (0, 8) and layout[-1] == (6, 6)
    assert [done for done, _total in layout] == sorted(done for done, _total in layout)
    assert len(layout) >= 6


def test_the_command_builds_both_languages_and_fails_loudly(
    networks: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    call_command("build_network_brochure", verbosity=0, stdout=out)
    assert "de: 6 pages" in out.getvalue() and "en: 6 pages" in out.getvalue()
    assert brochure.latest("de") is not None and brochure.latest("en") is not None
    # The scheduled task does the same.
    result = build_network_brochure.enqueue()
    assert result.return_value == "de: 6 pages; en: 6 pages"
    assert BrochureBuild.objects.filter(status=BuildStatus.DONE).count() == 4

    def broken(language: str, progress: Any = None) -> brochure.RenderedBrochure:
        raise brochure.BrochureUnavailable("pango fehlt")

    monkeypatch.setattr(brochure, "render", broken)
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("build_network_brochure", language=["en"], verbosity=0, stderr=errors)
    assert "en: the build failed: pango fehlt" in errors.getvalue()


def test_the_previous_brochure_stays_downloadable_while_building_and_after_a_failure(
    client: Client, networks: dict[str, Any], monkeypatch: pytest.MonkeyPatch, documents: Path
) -> None:
    first, _created = brochure.request_build("de")
    first.refresh_from_db()
    download = reverse("networks:brochure", args=["de"])
    original = b"".join(client.get(download).streaming_content)  # type: ignore[attr-defined]

    during: list[bytes] = []

    def failing(language: str, progress: Any = None) -> brochure.RenderedBrochure:
        answer = client.get(download)
        during.append(b"".join(answer.streaming_content))  # type: ignore[attr-defined]
        raise brochure.BrochureUnavailable("pango fehlt")

    monkeypatch.setattr(brochure, "render", failing)
    second, created = brochure.request_build("de")
    assert created
    second.refresh_from_db()
    assert second.status == BuildStatus.FAILED and second.error == "pango fehlt"
    assert during == [original]
    assert b"".join(client.get(download).streaming_content) == original  # type: ignore[attr-defined]

    # A successful build replaces it and removes the old file.
    monkeypatch.undo()
    third, _created = brochure.request_build("de")
    third.refresh_from_db()
    assert third.status == BuildStatus.DONE
    first.refresh_from_db()
    assert not first.file
    assert [path.name for path in (documents / "brochures").iterdir()] == [
        Path(third.file.name or "").name
    ]


def test_a_build_stuck_for_half_an_hour_is_taken_as_stopped(networks: dict[str, Any]) -> None:
    stuck = BrochureBuild.objects.create(
        language="de",
        status=BuildStatus.RUNNING,
        started=timezone.now() - datetime.timedelta(hours=1),
    )
    build, created = brochure.request_build("de")
    assert created and build.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == BuildStatus.FAILED
    assert stuck.error == "Die Erstellung endete unvollständig (ihr Worker wurde beendet)."


def test_a_missing_pango_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def without_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pango)
    build, _created = brochure.request_build("de")
    build.refresh_from_db()
    assert build.status == BuildStatus.FAILED
    assert "pango" in build.error and "apt-get install libpango-1.0-0" in build.error
