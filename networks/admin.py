"""Back office for network profiles.

The network's own data (name, sites, contact persons, members, growth fields) is
edited in the organisation's admin, where it already lives: a network's organisation
page there carries its profile as one more inline, and the profile's own page links to
it instead of repeating those forms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from classification.admin import GrowthFieldAdmin
from classification.models import GrowthField
from directory.admin import OrganisationAdmin
from directory.models import Organisation

from . import brochure, studies
from .choices import BrochureLanguage, BuildStatus
from .forms import (
    NetworkProjectForm,
    PartnerClusterForm,
    QualityLabelAdminForm,
    StudyAdminForm,
    WorkingGroupForm,
)
from .models import (
    BrochureBuild,
    GrowthFieldPage,
    NetworkProfile,
    NetworkProject,
    PartnerCluster,
    QualityLabel,
    RoadmapItem,
    Study,
    WorkingGroup,
)


@admin.register(NetworkProfile)
class NetworkProfileAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "kind", "status", "carrier")
    list_filter = ("organisation__kind", "organisation__status", "source")
    list_select_related = ("organisation", "carrier")
    search_fields = ("organisation__name", "carrier__name", "mission", "focus_topics")
    raw_id_fields = ("organisation", "carrier")
    readonly_fields = ("source", "organisation_parts")
    fields = (
        "organisation",
        "carrier",
        "mission",
        "goals",
        "focus_topics",
        "services",
        "source",
        "organisation_parts",
    )

    @admin.display(description=_("kind"), ordering="organisation__kind")
    def kind(self, profile: NetworkProfile) -> str:
        return profile.organisation.get_kind_display()

    @admin.display(description=_("publication status"), ordering="organisation__status")
    def status(self, profile: NetworkProfile) -> str:
        return profile.organisation.get_status_display()

    @admin.display(description=_("contact persons, members, growth fields"))
    def organisation_parts(self, profile: NetworkProfile) -> str:
        if profile.organisation_id is None:
            return "–"
        organisation = profile.organisation
        url = reverse("admin:directory_organisation_change", args=[organisation.pk])
        contacts = format_html_join(", ", "{}", ((str(c),) for c in organisation.contacts.all()))
        return format_html(
            '{} <a href="{}">{}</a><br>{}: {}<br>{}: {}',
            _("Edited with the organisation:"),
            url,
            organisation,
            _("contact persons"),
            contacts or "–",
            _("members"),
            organisation.members.count(),
        )


class NetworkProfileInline(admin.StackedInline):
    """The profile on a network's organisation page, beside its contacts, sites and members."""

    model = NetworkProfile
    fk_name = "organisation"
    fields = ("carrier", "mission", "goals", "focus_topics", "services", "source")
    readonly_fields = ("source",)
    raw_id_fields = ("carrier",)
    extra = 1
    max_num = 1


class WorkingGroupInline(admin.StackedInline):
    model = WorkingGroup
    fk_name = "network"
    fields = WorkingGroupForm.Meta.fields  # what the managers' form edits, no more
    raw_id_fields = ("contact", "members")
    extra = 0


class NetworkProjectInline(admin.StackedInline):
    model = NetworkProject
    fk_name = "network"
    fields = NetworkProjectForm.Meta.fields
    raw_id_fields = ("partners",)
    filter_horizontal = ("growth_fields",)
    extra = 0


class PartnerClusterInline(admin.StackedInline):
    model = PartnerCluster
    fk_name = "network"
    fields = PartnerClusterForm.Meta.fields
    raw_id_fields = ("partner",)
    extra = 0


class QualityLabelInline(admin.StackedInline):
    model = QualityLabel
    form = QualityLabelAdminForm
    fk_name = "network"
    fields = ("scheme", "name", "level", "issuer", "awarded", "valid_until", "certificate")
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "network", "next_meeting")
    list_select_related = ("network",)
    search_fields = ("name", "topic", "network__name")
    raw_id_fields = ("network", "contact", "members")


@admin.register(NetworkProject)
class NetworkProjectAdmin(SimpleHistoryAdmin):
    list_display = ("title", "network", "status", "start_year", "end_year")
    list_filter = ("status",)
    list_select_related = ("network",)
    search_fields = ("title", "summary", "network__name")
    raw_id_fields = ("network", "partners")
    filter_horizontal = ("growth_fields",)


@admin.register(PartnerCluster)
class PartnerClusterAdmin(SimpleHistoryAdmin):
    list_display = ("network", "__str__", "cooperation", "in_region", "since")
    list_filter = ("cooperation", "in_region")
    list_select_related = ("network", "partner")
    search_fields = ("network__name", "partner__name", "partner_name")
    raw_id_fields = ("network", "partner")


@admin.register(QualityLabel)
class QualityLabelAdmin(SimpleHistoryAdmin):
    form = QualityLabelAdminForm
    list_display = ("network", "title", "awarded", "valid_until")
    list_filter = ("scheme", "level")
    list_select_related = ("network",)
    search_fields = ("network__name", "name", "issuer")
    raw_id_fields = ("network",)
    date_hierarchy = "valid_until"
    fields = (
        "network",
        "scheme",
        "name",
        "level",
        "issuer",
        "awarded",
        "valid_until",
        "certificate",
    )


NETWORK_INLINES = [
    NetworkProfileInline,
    QualityLabelInline,
    WorkingGroupInline,
    NetworkProjectInline,
    PartnerClusterInline,
]


admin.site.unregister(Organisation)


@admin.register(Organisation)
class OrganisationWithNetworkProfileAdmin(OrganisationAdmin):
    """The directory's organisation admin; a network's page also edits its profile."""

    def get_inlines(self, request: HttpRequest, obj: Organisation | None) -> Any:
        inlines = list(super().get_inlines(request, obj))
        if obj is not None and obj.is_network:
            inlines.extend(NETWORK_INLINES)
        return inlines


class RoadmapItemInline(admin.TabularInline):
    model = RoadmapItem
    fk_name = "growth_field"
    fields = ("title", "owner", "network", "due", "status", "done_on")
    raw_id_fields = ("network",)
    extra = 1


class GrowthFieldPageInline(admin.StackedInline):
    model = GrowthFieldPage
    fk_name = "growth_field"
    fields = ("kind", "summary", "body", "published", "order", "source")
    readonly_fields = ("source",)
    extra = 1
    max_num = 1


admin.site.unregister(GrowthField)


@admin.register(GrowthField)
class GrowthFieldWithPageAdmin(GrowthFieldAdmin):
    """The classification's growth field, with its public page and its roadmap: a new
    field or sector is added here and gets its page at /wachstumsfelder/<slug>/."""

    inlines = [GrowthFieldPageInline, RoadmapItemInline]


@admin.register(GrowthFieldPage)
class GrowthFieldPageAdmin(SimpleHistoryAdmin):
    """The pages at a glance; each is edited with its field (name, page and roadmap)."""

    list_display = ("growth_field", "kind", "published", "order", "source")
    list_filter = ("kind", "published", "source")
    list_editable = ("published", "order")
    search_fields = ("growth_field__name", "summary", "body")
    fields = ("growth_field", "kind", "summary", "body", "published", "order", "source")
    readonly_fields = ("source",)


@admin.register(RoadmapItem)
class RoadmapItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "growth_field", "owner", "network", "due", "status")
    list_filter = ("status", "growth_field")
    list_select_related = ("growth_field", "network")
    search_fields = ("title", "owner", "network__name")
    raw_id_fields = ("network",)
    date_hierarchy = "due"


@admin.register(Study)
class StudyAdmin(SimpleHistoryAdmin):
    form = StudyAdminForm
    list_display = ("title", "year", "publisher", "text_status", "pages", "published")
    list_filter = ("text_status", "published", "growth_fields")
    search_fields = ("title", "publisher", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("growth_fields",)
    readonly_fields = ("filename", "size", "pages", "text_status", "text_error")
    fields = (
        "title",
        "slug",
        "publisher",
        "year",
        "summary",
        "growth_fields",
        "file",
        "published",
        "filename",
        "size",
        "pages",
        "text_status",
        "text_error",
    )

    def save_model(self, request: HttpRequest, obj: Study, form: Any, change: bool) -> None:
        new_file = "file" in form.changed_data and obj.file
        if new_file:
            studies.accept_upload(obj, form.cleaned_data["file"], getattr(form, "pages", None))
        super().save_model(request, obj, form, change)
        if new_file:
            studies.schedule_read(obj)


@admin.register(BrochureBuild)
class BrochureBuildAdmin(admin.ModelAdmin):
    """The brochure's builds: start one per language (the add permission), follow its
    progress, download any finished one; nothing here is edited by hand."""

    change_list_template = "admin/networks/brochurebuild/change_list.html"
    list_display = (
        "language",
        "status",
        "progress",
        "requested",
        "finished",
        "page_count",
        "file_size",
        "download",
    )
    list_filter = ("language", "status")
    fields = (
        "language",
        "status",
        "progress",
        "requested_by",
        "requested",
        "started",
        "finished",
        "page_count",
        "file_size",
        "download",
        "error",
    )
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("build/", view(require_POST(self.build_view)), name="networks_brochure_build"),
            path("<int:pk>/file/", view(self.file_view), name="networks_brochurebuild_file"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:networks_brochurebuild_changelist"))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        under_way = BrochureBuild.objects.filter(
            status__in=[BuildStatus.QUEUED, BuildStatus.RUNNING]
        ).exists()
        context = {
            **(extra_context or {}),
            "languages": BrochureLanguage.choices,
            "may_build": self.has_add_permission(request),
            "refresh": under_way,
            "latest": [
                (build, reverse("networks:brochure", args=[build.language]))
                for build in brochure.latest_builds()
            ],
        }
        return super().changelist_view(request, extra_context=context)

    def build_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        wanted = request.POST.getlist("language")
        languages = [code for code in BrochureLanguage.values if code in wanted]
        if not languages:
            messages.error(request, gettext("Choose a language to build the brochure in."))
        for language in languages:
            label = BrochureLanguage(language).label
            build, new = brochure.request_build(language, request.user)
            build.refresh_from_db()
            if not new:
                messages.warning(
                    request,
                    gettext("A build of the %(language)s brochure is already under way.")
                    % {"language": label},
                )
            elif build.status == BuildStatus.DONE:
                messages.success(
                    request,
                    gettext("The %(language)s brochure is built: %(pages)d pages.")
                    % {"language": label, "pages": build.page_count},
                )
            elif build.status == BuildStatus.FAILED:
                messages.error(
                    request,
                    gettext("The %(language)s brochure could not be built: %(error)s")
                    % {"language": label, "error": build.error},
                )
            else:
                messages.info(
                    request,
                    gettext(
                        "The %(language)s brochure is being built; this page shows its progress."
                    )
                    % {"language": label},
                )
        return HttpResponseRedirect(reverse("admin:networks_brochurebuild_changelist"))

    def file_view(self, request: HttpRequest, pk: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        build = BrochureBuild.objects.filter(pk=pk, status=BuildStatus.DONE).first()
        if build is None or not build.file:
            raise Http404(gettext("This build has no file (any more)."))
        try:
            handle = build.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(gettext("This build has no file (any more).")) from error
        return FileResponse(
            handle, filename=brochure.filename(build), content_type="application/pdf"
        )

    @admin.display(description=_("progress"))
    def progress(self, build: BrochureBuild) -> str:
        if build.status == BuildStatus.DONE:
            return "100 %"
        if build.status != BuildStatus.RUNNING:
            return "–"
        return format_html(
            '<progress max="100" value="{}">{} %</progress> {} %<br>{} ({} / {})',
            build.percent,
            build.percent,
            build.percent,
            build.step,
            build.done,
            build.total,
        )

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, build: BrochureBuild) -> str:
        return filesizeformat(build.size) if build.size else "–"

    @admin.display(description=_("file"))
    def download(self, build: BrochureBuild) -> str:
        if build.status != BuildStatus.DONE or not build.file:
            return "–"
        url = reverse("admin:networks_brochurebuild_file", args=[build.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download PDF"))
