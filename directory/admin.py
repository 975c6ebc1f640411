"""Back office for the organisation database.

Every model keeps its history (django-simple-history), so the admin pages show who
changed what and when; the organisation's history page also lists the changes to
its sites, contacts and other parts, because editors change those inline. Editors
never delete an organisation: they hide or archive it with the list actions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from accounts.roles import CLASSIFICATION_FIELDS
from classification.models import CertificationStandard
from classification.services import vocabulary_slug
from geo.choices import GeocodePrecision
from geo.geocoding import apply_geocode
from geo.models import District

from .admin_import import OrganisationImportExportAdminMixin
from .choices import NETWORK_KINDS, PublicationStatus, Source
from .models import (
    Certification,
    ChangeRequest,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
    Tag,
)

# The import page that OrganisationImportExportAdminMixin adds.
IMPORT_URL_NAME = "admin:directory_organisation_import"

# Loaded by every back-office page of this app (accessibility fixes; see the files).
BACK_OFFICE_CSS = "accounts/admin.css"
BACK_OFFICE_JS = "accounts/admin.js"
HISTORY_LIST_TEMPLATE = "admin/directory/history_list.html"

# An organisation counts as freshly verified for this long (the "last verified" filter).

# The change history page lists at most this many changes to an organisation's parts.
RELATED_HISTORY_LIMIT = 200


def unique_slug(name: str, exclude_pk: int | None = None) -> str:
    """A web-address part made from the name (as imports make it), numbered when taken."""
    max_length = Organisation._meta.get_field("slug").max_length or 255
    base = vocabulary_slug(name)[: max_length - 15].strip("-") or "organisation"
    others = Organisation.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


class OrganisationAdminForm(forms.ModelForm):
    """Staff may leave the slug empty; it is then made from the name.

    (No prepopulated slug field: simple-history's version view cannot render one for
    people who see the form read-only.)
    """

    class Meta:
        model = Organisation
        fields = ("name", "slug")  # the admin passes the fields of its fieldsets

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Part of the profile's web address. Left empty, it is made from the name."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "slug" in self.fields and not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = unique_slug(cleaned["name"], exclude_pk=self.instance.pk)
        return cleaned


# --- Curation (the list actions call these; so can commands and tests) ---------------


def set_publication_status(
    organisations: Iterable[Organisation], status: str, user: Any, reason: str = ""
) -> int:
    """Set the status one by one so each change gets its own history row with the user.

    A bulk ``update()`` would be faster but leaves no history, and bulk history rows
    would lose the many-to-many values. Returns how many organisations changed.
    """
    changed = 0
    with transaction.atomic():
        for organisation in organisations:
            if organisation.status == status:
                continue
            organisation.status = status
            organisation._history_user = user  # type: ignore[attr-defined]
            organisation._change_reason = reason  # type: ignore[attr-defined]
            organisation.save(update_fields=["status", "modified"])
            changed += 1
    return changed


def mark_verified(
    organisations: Iterable[Organisation],
    user: Any,
    on: datetime.date | None = None,
    reason: str = "",
) -> int:
    """Record that staff checked the profiles (freshness), with history like any change."""
    day = on or timezone.localdate()
    changed = 0
    with transaction.atomic():
        for organisation in organisations:
            if organisation.last_verified == day:
                continue
            organisation.last_verified = day
            organisation.reverification_sent = None
            fields = ["last_verified", "reverification_sent", "modified"]
            if organisation.hidden_unconfirmed:
                # Hidden only for want of a confirmation: confirmed, it shows again.
                organisation.hidden_unconfirmed = False
                organisation.status = PublicationStatus.PUBLISHED
                fields += ["hidden_unconfirmed", "status"]
            organisation._history_user = user  # type: ignore[attr-defined]
            organisation._change_reason = reason  # type: ignore[attr-defined]
            organisation.save(update_fields=fields)
            changed += 1
    return changed


SITE_ADDRESS_FIELDS = {"street", "postal_code", "place", "country"}


def geocode_site(site: Site, changed: set[str]) -> None:
    """Locate a site saved in the back office, as an import would.

    Coordinates typed in by hand count as exact (precision "manual") and are kept;
    a municipality or district chosen by hand is kept as well.
    """
    if {"latitude", "longitude"} & changed and None not in (site.latitude, site.longitude):
        site.geocode_precision = GeocodePrecision.MANUAL
    relocated = bool((SITE_ADDRESS_FIELDS | {"latitude", "longitude"}) & changed)
    if not (site._state.adding or relocated or site.latitude is None or site.district_id is None):
        return
    chosen = {name: getattr(site, name) for name in ("municipality", "district") if name in changed}
    apply_geocode(site)
    for name, value in chosen.items():
        setattr(site, name, value)


# --- History of an organisation's parts ----------------------------------------------


@dataclass(frozen=True)
class RelatedChange:
    date: datetime.datetime
    user: Any
    kind: str
    object: str
    history_type: str
    changes: list[dict[str, Any]]


PART_MODELS: tuple[type[models.Model], ...] = (
    Site,
    ContactPerson,
    Offering,
    Certification,
    ExternalIdentifier,
    Membership,
)


def organisation_parts_history(
    organisation_id: int, user: Any, limit: int = RELATED_HISTORY_LIMIT
) -> list[RelatedChange]:
    """Changes to the sites, contacts, offerings … of one organisation, newest first.

    The organisation's own history rows do not contain its parts, yet editors change
    them on the same form; this puts both on one page. Only models the user may view.
    """
    result: list[RelatedChange] = []
    type_labels = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    for model in PART_MODELS:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        records = list(
            model.history.filter(organisation_id=organisation_id)  # type: ignore[attr-defined]
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:limit]
        )
        previous_by_pk: dict[Any, Any] = {}
        for record in reversed(records):
            changes: list[dict[str, Any]] = []
            previous = previous_by_pk.get(record.id)
            if previous is None and record.history_type == "~":
                previous = record.prev_record
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous, foreign_keys_are_objs=True)
                changes = HistoricalRecordContextHelper(model, record).context_for_delta_changes(
                    delta
                )
            previous_by_pk[record.id] = record
            result.append(
                RelatedChange(
                    date=record.history_date,
                    user=record.history_user,
                    kind=str(opts.verbose_name),
                    object=str(record.instance),
                    history_type=str(type_labels.get(record.history_type, "")),
                    changes=changes,
                )
            )
    result.sort(key=lambda change: change.date, reverse=True)
    return result[:limit]


# --- Filters ---------------------------------------------------------------------


class SiteDistrictFilter(admin.SimpleListFilter):
    """Districts that have sites, by name only (boundaries are large; never load them)."""

    title = _("district")
    parameter_name = "district"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        used = Site.objects.filter(district=OuterRef("pk"))
        return list(
            District.objects.filter(Exists(used)).order_by("name").values_list("pk", "name")
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(district=self.value())
        return queryset


class DistrictFilter(SiteDistrictFilter):
    """Organisations with a site in the district, each listed once however many it has."""

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        district = self.value()
        if district:
            sites = Site.objects.filter(organisation=OuterRef("pk"), district_id=district)
            return queryset.filter(Exists(sites))
        return queryset


class CertificationStandardFilter(admin.SimpleListFilter):
    title = _("certification")
    parameter_name = "certification"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        used = Certification.objects.filter(standard=OuterRef("pk"))
        return list(
            CertificationStandard.objects.filter(Exists(used))
            .order_by("name")
            .values_list("pk", "name")
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(certifications__standard=self.value())
        return queryset


class GeneratedFilter(admin.SimpleListFilter):
    """Demo data is mixed into real lists on test installations; staff must tell them apart."""

    title = _("is generated")
    parameter_name = "generated"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(source=Source.GENERATED)
        if self.value() == "no":
            return queryset.exclude(source=Source.GENERATED)
        return queryset


class LastVerifiedFilter(admin.SimpleListFilter):
    """Freshness: which profiles are due for re-verification."""

    title = _("last verified")
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("recent", _("Confirmed recently")),
            ("due", _("Confirmation overdue")),
            ("never", _("Never")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        cutoff = timezone.localdate() - datetime.timedelta(days=settings.PROFILE_VERIFICATION_DAYS)
        if self.value() == "recent":
            return queryset.filter(last_verified__gte=cutoff)
        if self.value() == "due":
            return queryset.filter(last_verified__lt=cutoff)
        if self.value() == "never":
            return queryset.filter(last_verified__isnull=True)
        return queryset


class NetworkFilter(admin.SimpleListFilter):
    title = _("network")
    parameter_name = "network"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return list(
            Organisation.objects.filter(kind__in=NETWORK_KINDS)
            .filter(Exists(Membership.objects.filter(network=OuterRef("pk"))))
            .order_by("name")
            .values_list("pk", "name")
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(network=self.value())
        return queryset


class TagInUseFilter(admin.SimpleListFilter):
    title = _("in use")
    parameter_name = "in_use"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        used = Organisation.tags.through.objects.filter(tag=OuterRef("pk"))
        if self.value() == "yes":
            return queryset.filter(Exists(used))
        if self.value() == "no":
            return queryset.exclude(Exists(used))
        return queryset


# --- Inlines on the organisation form ------------------------------------------------


class SiteInline(admin.StackedInline):
    model = Site
    extra = 0
    fields = (
        ("kind", "is_primary"),
        "name",
        "street",
        ("postal_code", "place", "country"),
        ("latitude", "longitude", "geocode_precision"),
        ("municipality", "district"),
    )
    readonly_fields = ("geocode_precision",)
    autocomplete_fields = ("municipality", "district")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Site]:
        return (
            super()
            .get_queryset(request)
            .select_related("municipality", "district")
            .defer("district__geometry")
        )


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0
    fields = ("title", "first_name", "last_name", "role", "email", "phone", "visibility", "order")


class OfferingInline(admin.TabularInline):
    model = Offering
    extra = 0
    fields = ("kind", "name", "description")
    formfield_overrides = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 2})}}


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ("standard", "valid_until")
    autocomplete_fields = ("standard",)


class ExternalIdentifierInline(admin.TabularInline):
    model = ExternalIdentifier
    extra = 0
    fields = ("scheme", "value")


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    fields = ("network", "role", "since")
    autocomplete_fields = ("network",)
    verbose_name = _("membership in a network")
    verbose_name_plural = _("memberships in networks")


# --- Organisation --------------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(OrganisationImportExportAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "kind",
        "primary_wz_code",
        "main_place",
        "main_district",
        "status",
        "source",
        "last_verified",
        "confirmation_due",
        "modified",
    )
    list_filter = (
        "kind",
        "status",
        "source",
        GeneratedFilter,
        LastVerifiedFilter,
        "employee_size_class",
        "growth_fields",
        DistrictFilter,
        CertificationStandardFilter,
    )
    search_fields = (
        "name",
        "slug",
        "website",
        "identifiers__value",
        "^sites__postal_code",
        "sites__place",
        "^primary_wz__code",
    )
    search_help_text = _(
        "Name, web address, identifier, postal code, place or WZ code (e.g. 26.51)."
    )
    list_select_related = ("primary_wz",)
    list_per_page = 50
    # Counting every organisation again on each filtered page is slow with millions of rows.
    show_full_result_count = False
    autocomplete_fields = ("primary_wz", "secondary_wz", "technologies", "growth_fields", "tags")
    form = OrganisationAdminForm
    readonly_fields = ("created", "modified")
    fieldsets = (
        (
            None,
            {"fields": ("kind", "name", "slug", "legal_form", "status")},
        ),
        (
            _("Description"),
            {
                "fields": (
                    "short_description",
                    "description",
                    "short_description_en",
                    "description_en",
                )
            },
        ),
        (
            _("Contact"),
            {"fields": ("website", "email", "phone")},
        ),
        (
            _("Classification"),
            {
                "fields": (
                    "primary_wz",
                    "secondary_wz",
                    "technologies",
                    "growth_fields",
                    "tags",
                    "employee_size_class",
                    "founding_year",
                )
            },
        ),
        (
            _("Origin and freshness"),
            {"fields": ("source", "source_detail", "last_verified", "created", "modified")},
        ),
    )
    inlines = (
        SiteInline,
        ContactPersonInline,
        OfferingInline,
        CertificationInline,
        ExternalIdentifierInline,
        MembershipInline,
    )
    actions = ("publish", "hide", "archive", "mark_verified_today")
    object_history_template = "admin/directory/organisation/object_history.html"
    object_history_list_template = HISTORY_LIST_TEMPLATE
    change_list_template = "admin/directory/organisation/change_list.html"

    class Media:
        css = {"all": (BACK_OFFICE_CSS,)}
        js = (BACK_OFFICE_JS,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        main_sites = (
            Site.objects.filter(is_primary=True)
            .select_related("district")
            .only("pk", "organisation_id", "place", "postal_code", "district__name")
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("sites", queryset=main_sites, to_attr="main_sites"))
        )

    @staticmethod
    def _main_site(organisation: Organisation) -> Site | None:
        sites = getattr(organisation, "main_sites", None)
        if sites is None:
            return organisation.sites.filter(is_primary=True).first()
        return sites[0] if sites else None

    @admin.display(description=_("confirmation overdue"), boolean=True)
    def confirmation_due(self, obj: Organisation) -> bool:
        from .freshness import is_due

        return is_due(obj)

    @admin.display(description=_("WZ 2008"), ordering="primary_wz__code")
    def primary_wz_code(self, organisation: Organisation) -> str | None:
        return organisation.primary_wz.code if organisation.primary_wz else None

    @admin.display(description=_("place"))
    def main_place(self, organisation: Organisation) -> str | None:
        site = self._main_site(organisation)
        return f"{site.postal_code} {site.place}" if site else None

    @admin.display(description=_("district"))
    def main_district(self, organisation: Organisation) -> str | None:
        site = self._main_site(organisation)
        return site.district.name if site and site.district else None

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"import_url": self.import_url(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def import_url(self, request: HttpRequest) -> str | None:
        """The import page for people allowed to import, for the button on the list."""
        if not self.has_import_permission(request):
            return None
        return reverse(IMPORT_URL_NAME, current_app=self.admin_site.name)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Site:
            deleted = set(formset.deleted_forms) if formset.can_delete else set()
            for site_form in formset.forms:
                if site_form not in deleted and site_form.has_changed():
                    geocode_site(site_form.instance, set(site_form.changed_data))
        super().save_formset(request, form, formset, change)

    # Experts may change the classification only: "classify" without "change".

    def has_full_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_full_change_permission(request, obj) or request.user.has_perm(
            "directory.classify_organisation"
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self.has_full_change_permission(request, obj) or not self.has_change_permission(
            request, obj
        ):
            return readonly
        editable = set(CLASSIFICATION_FIELDS)
        return readonly + tuple(
            field.name
            for field in [*self.model._meta.fields, *self.model._meta.many_to_many]
            if field.editable and field.name not in editable and field.name not in readonly
        )

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        # A revert restores every field, which is more than an expert may change.
        return super().revert_disabled(request, obj) or not self.has_full_change_permission(
            request, obj
        )

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and not self.has_full_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            "parts_history": organisation_parts_history(int(object_id), request.user)
            if object_id.isdigit()
            else [],
            "parts_history_limit": RELATED_HISTORY_LIMIT,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context=context)

    # List actions (need the full change permission). Each saves row by row, so the
    # history names the user.

    def has_curate_permission(self, request: HttpRequest) -> bool:
        return self.has_full_change_permission(request)

    def _status_action(
        self, request: HttpRequest, queryset: QuerySet[Organisation], status: str
    ) -> None:
        label = PublicationStatus(status).label
        reason = gettext("Status set to “%(status)s” in the organisation list") % {"status": label}
        changed = set_publication_status(queryset, status, request.user, reason=reason)
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation set to “%(status)s”.",
                "%(count)d organisations set to “%(status)s”.",
                changed,
            )
            % {"count": changed, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish selected organisations"), permissions=["curate"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        self._status_action(request, queryset, PublicationStatus.PUBLISHED)

    @admin.action(description=_("Hide selected organisations"), permissions=["curate"])
    def hide(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        self._status_action(request, queryset, PublicationStatus.HIDDEN)

    @admin.action(description=_("Archive selected organisations"), permissions=["curate"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        self._status_action(request, queryset, PublicationStatus.ARCHIVED)

    @admin.action(description=_("Mark selected as verified today"), permissions=["curate"])
    def mark_verified_today(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        reason = gettext("Marked as verified in the organisation list")
        changed = mark_verified(queryset, request.user, reason=reason)
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation marked as verified today.",
                "%(count)d organisations marked as verified today.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )


# --- The parts, each with its own list for work across organisations -----------------


class OrganisationPartAdmin(SimpleHistoryAdmin):
    autocomplete_fields: tuple[str, ...] = ("organisation",)
    list_select_related: Any = ("organisation",)
    list_per_page = 50
    show_full_result_count = False
    object_history_list_template = HISTORY_LIST_TEMPLATE

    class Media:
        css = {"all": (BACK_OFFICE_CSS,)}
        js = (BACK_OFFICE_JS,)

    @admin.display(description=_("organisation"), ordering="organisation__name")
    def organisation_name(self, obj: Any) -> str:
        return obj.organisation.name


@admin.register(Site)
class SiteAdmin(OrganisationPartAdmin):
    list_display = (
        "__str__",
        "organisation_name",
        "kind",
        "is_primary",
        "district",
        "geocode_precision",
    )
    list_filter = ("kind", "is_primary", "geocode_precision", SiteDistrictFilter, "country")
    search_fields = ("^postal_code", "place", "street", "name", "organisation__name")
    autocomplete_fields = ("organisation", "municipality", "district")
    list_select_related = ("organisation", "district")
    readonly_fields = ("geocode_precision",)

    def save_model(self, request: HttpRequest, obj: Site, form: Any, change: bool) -> None:
        geocode_site(obj, set(form.changed_data))
        super().save_model(request, obj, form, change)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Site]:
        return super().get_queryset(request).defer("district__geometry")


@admin.register(ContactPerson)
class ContactPersonAdmin(OrganisationPartAdmin):
    list_display = ("__str__", "organisation_name", "role", "email", "visibility")
    list_filter = ("visibility",)
    search_fields = ("last_name", "first_name", "email", "role", "organisation__name")
    actions = ["erase"]

    @admin.action(
        description=_("Erase on request (GDPR): remove with every earlier version"),
        permissions=["delete"],
    )
    def erase(self, request: HttpRequest, queryset: QuerySet[ContactPerson]) -> None:
        from accounts.privacy import erase_contact

        count = 0
        for contact in queryset:
            erase_contact(contact)
            count += 1
        self.message_user(
            request, _("%(n)d contact person(s) erased, history included.") % {"n": count}
        )


@admin.register(Offering)
class OfferingAdmin(OrganisationPartAdmin):
    list_display = ("name", "kind", "organisation_name")
    list_filter = ("kind",)
    search_fields = ("name", "description", "organisation__name")


@admin.register(Certification)
class CertificationAdmin(OrganisationPartAdmin):
    list_display = ("standard", "organisation_name", "valid_until")
    list_filter = ("standard", "valid_until")
    search_fields = ("standard__name", "organisation__name")
    autocomplete_fields = ("organisation", "standard")
    list_select_related = ("organisation", "standard")


@admin.register(ExternalIdentifier)
class ExternalIdentifierAdmin(OrganisationPartAdmin):
    list_display = ("value", "scheme", "organisation_name")
    list_filter = ("scheme",)
    search_fields = ("=value", "organisation__name")


@admin.register(Membership)
class MembershipAdmin(OrganisationPartAdmin):
    list_display = ("organisation_name", "network", "role", "since")
    list_filter = ("role", NetworkFilter)
    search_fields = ("organisation__name", "network__name")
    autocomplete_fields = ("organisation", "network")
    list_select_related = ("organisation", "network")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags have no simple-history table; the admin's own log records who changed them."""

    list_display = ("name", "slug", "organisation_count")

    class Media:
        css = {"all": (BACK_OFFICE_CSS,)}
        js = (BACK_OFFICE_JS,)

    list_filter = (TagInUseFilter,)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(_organisation_count=Count("organisations"))

    @admin.display(description=_("organisations"), ordering="_organisation_count")
    def organisation_count(self, tag: Any) -> int:
        return tag._organisation_count


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    """The staff's queue: organisation editors' changes that need review, and visitors'
    corrections. Accepting an edit applies it with the requester as its author."""

    list_display = ("organisation", "kind", "summary", "author_label", "created", "status")
    list_filter = ("status", "kind")
    search_fields = ("organisation__name", "message", "author__email", "author_email")
    readonly_fields = (
        "organisation",
        "kind",
        "changes",
        "current",
        "message",
        "author",
        "author_email",
        "status",
        "created",
        "decided_at",
        "decided_by",
    )
    fields = (*readonly_fields, "decision_note")
    actions = ["accept", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("what"))
    def summary(self, obj: ChangeRequest) -> str:
        if obj.kind == ChangeRequest.Kind.CORRECTION:
            return obj.message[:80]
        return ", ".join(f"{k}: {v}" for k, v in obj.changes.items())[:120]

    @admin.display(description=_("from"))
    def author_label(self, obj: ChangeRequest) -> str:
        return str(obj.author or obj.author_email or _("anonymous visitor"))

    @admin.action(description=_("Accept (edits are applied)"), permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[ChangeRequest]) -> None:
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[ChangeRequest]) -> None:
        self._decide(request, queryset, accept=False)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[ChangeRequest], accept: bool
    ) -> None:
        from . import actions

        done = 0
        for change in queryset:
            try:
                actions.decide_change(request.user, change, accept, change.decision_note)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{change}: {error}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(n)d request(s) decided.") % {"n": done}, messages.SUCCESS)
