"""The networks' brochure: a printable, tagged PDF built from the live data.

In the spirit of the cluster management's printed brochure "Synergien schaffen.
Netzwerke nutzen.": a cover, the growth fields with their networks, one section per
published network (from a new page) and an index. It shows what every visitor may see:
published organisations only and contact persons whose visibility is public.

WeasyPrint lays out HTML and CSS (``templates/networks/brochure/``) and writes PDF/UA-1:
a structure tree with headings, lists and figures, the document language from
``<html lang>``, bookmarks from the headings. It needs pango on the machine; without it
:func:`pdf_engine` raises :class:`BrochureUnavailable` with a message that says so.
"""

from __future__ import annotations

import base64
import datetime
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from classification.models import GrowthField
from core import pagecache
from directory import services as directory_services
from directory.choices import PublicationStatus
from directory.models import ContactPerson, Organisation, Site

from . import activities, services
from .choices import BrochureLanguage, BuildStatus
from .models import BrochureBuild, NetworkProfile, NetworkProject, QualityLabel, WorkingGroup

logger = logging.getLogger(__name__)

TEMPLATE = "networks/brochure/brochure.html"
STYLESHEET = "networks/brochure/brochure.css"
LOGO = "img/favicon.svg"
# A build still queued or running after this long is taken as stopped (a worker died).
STALE_AFTER = datetime.timedelta(minutes=30)

Progress = Callable[[int, int, str], None]


class BrochureUnavailable(RuntimeError):
    """The PDF engine cannot run on this machine (a system library is missing)."""


def pdf_engine() -> Any:
    """The ``weasyprint`` module, or a clear error when it or pango is missing."""
    try:
        import weasyprint
    except ImportError as error:
        raise BrochureUnavailable(
            _("The PDF engine WeasyPrint is not installed (pip install weasyprint).")
        ) from error
    except OSError as error:  # pango or its fonts library could not be loaded
        raise BrochureUnavailable(
            _(
                "WeasyPrint cannot load the system library pango (%(error)s). Install "
                "pango and fonts (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                "fonts-dejavu-core), or run scripts/ensure-pdf-libraries."
            )
            % {"error": error}
        ) from error
    return weasyprint


# --- What the brochure shows ---------------------------------------------------------


@dataclass
class NetworkEntry:
    """One network's section, as every visitor may see it."""

    network: Organisation
    profile: NetworkProfile
    carrier: Organisation | None  # only a published one
    anchor: str
    description: str
    growth_fields: list[GrowthField]
    mix: services.MemberMix
    primary_site: Site | None
    contacts: list[ContactPerson]
    working_groups: list[WorkingGroup]
    projects: list[NetworkProject]
    partner_links: list[activities.PartnerLink]
    labels: list[QualityLabel]

    @property
    def kind_shares(self) -> list[services.Share]:
        return self.mix.by_kind[:4]

    @property
    def top_districts(self) -> list[services.Share]:
        return self.mix.by_district[:3]


@dataclass
class FieldEntry:
    """A growth field of the overview and the networks working in it."""

    name: str
    description: str
    networks: list[NetworkEntry] = field(default_factory=list)


@dataclass
class BrochureContent:
    language: str
    date: datetime.date
    portal_name: str
    networks: list[NetworkEntry]
    fields: list[FieldEntry]
    unassigned: list[NetworkEntry]

    @property
    def index(self) -> list[tuple[str, list[NetworkEntry]]]:
        """The networks A–Z, grouped by their first letter."""
        groups: dict[str, list[NetworkEntry]] = {}
        for entry in sorted(self.networks, key=lambda e: e.network.name.casefold()):
            letter = entry.network.name[:1].upper()
            letter = letter if letter.isalpha() else "#"
            groups.setdefault(letter, []).append(entry)
        return list(groups.items())


def _networks() -> QuerySet[Organisation]:
    public = directory_services.visible_contacts_queryset(None).order_by("order", "last_name")
    return (
        services.network_queryset()
        .prefetch_related(
            Prefetch("growth_fields", queryset=GrowthField.objects.order_by("name")),
            Prefetch("contacts", queryset=public),
            Prefetch(
                "sites",
                queryset=Site.objects.filter(is_primary=True).defer("district__geometry"),
                to_attr="primary_site_list",
            ),
        )
        .order_by("name", "pk")
    )


def _localised(german: str, english: str) -> str:
    return english if english and translation.get_language() == "en" else german


def collect(language: str, progress: Progress | None = None) -> BrochureContent:
    """Everything the brochure shows, read in ``language`` (growth field names in English
    where there is one); ``progress`` hears of each network."""
    report = progress or (lambda done, total, label: None)
    with translation.override(language):
        today = timezone.localdate()
        networks = list(_networks())
        entries: list[NetworkEntry] = []
        label = _("Reading the networks")
        for number, network in enumerate(networks, start=1):
            report(number - 1, len(networks), label)
            entries.append(_entry(network, today))
        report(len(networks), len(networks), label)

        fields: dict[int, FieldEntry] = {}
        unassigned: list[NetworkEntry] = []
        for entry in entries:
            for growth_field in entry.growth_fields:
                fields.setdefault(
                    growth_field.pk,
                    FieldEntry(growth_field.display_name, growth_field.description),
                ).networks.append(entry)
            if not entry.growth_fields:
                unassigned.append(entry)
        return BrochureContent(
            language=language,
            date=today,
            portal_name=settings.PORTAL_NAME,
            networks=entries,
            fields=sorted(fields.values(), key=lambda f: f.name.casefold()),
            unassigned=unassigned,
        )


def _entry(network: Organisation, today: datetime.date) -> NetworkEntry:
    sites = network.primary_site_list  # type: ignore[attr-defined]
    profile = services.profile_of(network)
    carrier = profile.carrier
    return NetworkEntry(
        network=network,
        profile=profile,
        carrier=carrier if carrier and carrier.status == PublicationStatus.PUBLISHED else None,
        anchor=f"network-{network.pk}",
        description=_localised(network.description, network.description_en)
        or _localised(network.short_description, network.short_description_en),
        growth_fields=list(network.growth_fields.all()),
        mix=services.member_mix(network),
        primary_site=sites[0] if sites else None,
        contacts=list(network.contacts.all()),  # prefetched: public ones only
        working_groups=activities.working_groups(network, None),
        projects=activities.projects(network),
        partner_links=activities.partner_links(network),
        labels=[label for label in activities.labels(network, today) if label.current],  # type: ignore[attr-defined]
    )


# --- Rendering ----------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedBrochure:
    pdf: bytes
    page_count: int


def _logo_data_url() -> str:
    path = finders.find(LOGO)
    if not path:
        return ""
    data = base64.b64encode(open(path, "rb").read()).decode()  # noqa: SIM115
    return f"data:image/svg+xml;base64,{data}"


def render_html(content: BrochureContent) -> str:
    with translation.override(content.language):
        return render_to_string(
            TEMPLATE,
            {"brochure": content, "logo": _logo_data_url(), "portal_url": settings.PORTAL_URL},
        )


def render(language: str, progress: Progress | None = None) -> RenderedBrochure:
    """The brochure in ``language`` as a tagged PDF (PDF/UA-1)."""
    report = progress or (lambda done, total, label: None)
    weasyprint = pdf_engine()
    content = collect(language, report)
    html = render_html(content)
    with translation.override(language):
        laying_out = _("Laying out the pages")
        writing = _("Writing the PDF")
    # About two pages per network and four more; the layout reports each page it lays out.
    pages = 2 * len(content.networks) + 4
    report(0, pages, laying_out)
    with _layout_progress(lambda page: report(page, max(pages, page), laying_out)):
        # Only the embedded logo is fetched: no address in the data reaches the network.
        fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
        stylesheet = weasyprint.CSS(string=render_to_string(STYLESHEET), url_fetcher=fetcher)
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
            stylesheets=[stylesheet]
        )
        report(len(document.pages), len(document.pages), laying_out)
        report(0, 1, writing)
        pdf = document.write_pdf(pdf_variant="pdf/ua-1")
        report(1, 1, writing)
    return RenderedBrochure(pdf=pdf, page_count=len(document.pages))


_PAGE_MESSAGE = re.compile(r"Creating layout - Page (\d+)")


class _PageHandler(logging.Handler):
    """Hears WeasyPrint's progress log ("Step 5 - Creating layout - Page 3")."""

    def __init__(self, on_page: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.on_page = on_page
        self.highest = 0

    def emit(self, record: logging.LogRecord) -> None:
        # Repagination lays the pages out again from the first: report new pages only.
        match = _PAGE_MESSAGE.search(record.getMessage())
        if match and int(match.group(1)) > self.highest:
            self.highest = int(match.group(1))
            self.on_page(self.highest)


@contextmanager
def _layout_progress(on_page: Callable[[int], None]) -> Iterator[None]:
    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _PageHandler(on_page)
    level, propagate = progress_logger.level, progress_logger.propagate
    progress_logger.addHandler(handler)
    progress_logger.setLevel(logging.INFO)
    progress_logger.propagate = False  # the build's row shows it, not the console
    try:
        yield
    finally:
        progress_logger.removeHandler(handler)
        progress_logger.setLevel(level)
        progress_logger.propagate = propagate


# --- Builds -------------------------------------------------------------------------


def latest(language: str) -> BrochureBuild | None:
    """The newest finished build in ``language``: the one visitors download."""
    return (
        BrochureBuild.objects.filter(language=language, status=BuildStatus.DONE)
        .exclude(file="")
        .order_by("-finished", "-pk")
        .first()
    )


def latest_builds() -> list[BrochureBuild]:
    """The downloadable brochure of each language that has one, German first."""
    found = (latest(language) for language in BrochureLanguage.values)
    return [build for build in found if build is not None]


def running(language: str) -> BrochureBuild | None:
    """A build in ``language`` that is queued or running; one started (or queued) more
    than ``STALE_AFTER`` ago is marked failed instead: a build takes seconds to
    minutes, so its worker has stopped."""
    limit = timezone.now() - STALE_AFTER
    for build in BrochureBuild.objects.filter(
        language=language, status__in=[BuildStatus.QUEUED, BuildStatus.RUNNING]
    ):
        if (build.started or build.requested) < limit:
            BrochureBuild.objects.filter(pk=build.pk).update(
                status=BuildStatus.FAILED,
                finished=timezone.now(),
                error=_("The build stopped without finishing (its worker ended)."),
            )
            continue
        return build
    return None


def request_build(language: str, user: Any = None) -> tuple[BrochureBuild, bool]:
    """Queue a build in ``language`` unless one is already under way.

    Returns the build and whether it is new. A worker backend gets a task; under the
    in-process backend the build runs in a thread of its own, so the back office page
    answers at once and shows the progress (inside a transaction, as in tests, it runs
    before this returns).
    """
    if language not in BrochureLanguage.values:
        raise ValueError(f"No brochure language {language!r}")
    with transaction.atomic():
        current = running(language)
        if current is not None:
            return current, False
        build = BrochureBuild.objects.create(
            language=language, requested_by=user if user and user.is_authenticated else None
        )
    _start(build.pk)
    return build, True


def _start(build_id: int) -> None:
    from django_tasks.backends.immediate import ImmediateBackend

    from search.vectors import _background_possible

    from .tasks import build_brochure

    if not isinstance(build_brochure.get_backend(), ImmediateBackend):
        transaction.on_commit(lambda: build_brochure.enqueue(build_id))
    elif _background_possible():
        threading.Thread(
            target=_build_in_thread, args=(build_id,), name=f"brochure-{build_id}"
        ).start()
    else:
        build_brochure.enqueue(build_id)


def _build_in_thread(build_id: int) -> None:
    from django.db import connections

    from .tasks import build_brochure

    try:
        build_brochure.enqueue(build_id)
    finally:
        connections.close_all()


def run_build(build_id: int, also: Progress | None = None) -> BrochureBuild:
    """Build the brochure of the build ``build_id``, reporting progress on its row.

    The file is written under a new name before the row says "done", so the previous
    brochure stays the download until then, and stays it when the build fails. ``also``
    hears the progress too (the command's terminal).
    """
    build = BrochureBuild.objects.get(pk=build_id)
    if build.status != BuildStatus.QUEUED:
        return build
    build.status = BuildStatus.RUNNING
    build.started = timezone.now()
    build.save(update_fields=["status", "started"])

    def progress(done: int, total: int, label: str) -> None:
        BrochureBuild.objects.filter(pk=build.pk).update(step=label, done=done, total=total)
        if also is not None:
            also(done, total, label)

    try:
        rendered = render(build.language, progress)
    except Exception as error:
        logger.exception("The brochure build %s failed", build.pk)
        build.status = BuildStatus.FAILED
        build.finished = timezone.now()
        build.error = str(error) or type(error).__name__
        build.save(update_fields=["status", "finished", "error"])
        return build
    stamp = timezone.localtime(build.started).strftime("%Y%m%d-%H%M%S")
    name = f"brochure-{build.language}-{stamp}-{build.pk}.pdf"
    build.file.save(name, ContentFile(rendered.pdf), save=False)
    build.refresh_from_db(fields=["step", "done", "total"])
    build.status = BuildStatus.DONE
    build.finished = timezone.now()
    build.size = len(rendered.pdf)
    build.page_count = rendered.page_count
    build.save()
    _remove_older_files(build)
    return build


def build_now(language: str, also: Progress | None = None) -> BrochureBuild | None:
    """Build in this process (the command, the scheduled task); None when a build of
    ``language`` is already under way."""
    if running(language) is not None:
        return None
    return run_build(BrochureBuild.objects.create(language=language).pk, also)


def _remove_older_files(build: BrochureBuild) -> None:
    """Older brochures of the language are no longer offered: their files go, their
    rows stay as the record of who built what when."""
    older = BrochureBuild.objects.filter(language=build.language).exclude(pk=build.pk)
    for previous in older.exclude(file=""):
        previous.file.delete(save=False)
        BrochureBuild.objects.filter(pk=previous.pk).update(file="")
    pagecache.written("networks")  # the network list offers the latest brochures


def filename(build: BrochureBuild) -> str:
    with translation.override(build.language):
        title = _("networks-brochure")
    return f"{title}-{build.language}-{timezone.localtime(build.finished):%Y-%m-%d}.pdf"
