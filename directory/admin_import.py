"""Import and export of organisation lists in the back office.

``OrganisationImportExportAdminMixin`` gives an organisation ModelAdmin an
"Import" page (upload → column mapping → dry-run report → confirm) and list
actions that export the selected organisations as CSV, XLSX or JSON. The page
and the actions only parse input and call ``directory.importing`` and
``directory.exporting``; the same functions serve the management commands.

Between the steps the uploaded file is kept under ``DATA_DIR/uploads`` with a
random name that only the uploader's session knows; it is deleted after the
import, on cancel, and when it is older than ``UPLOAD_MAX_AGE``.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import FORMATS, export_response
from core.tabular import Table, TabularError, read_table

from .exporting import EXPORT_COLUMNS, organisation_rows
from .importing import (
    OUTCOME_LABELS,
    EntryLevel,
    ImportResult,
    Outcome,
    import_organisations,
    mapping_choices,
    suggest_mapping,
)
from .models import Organisation

UPLOAD_DIR_NAME = "uploads"
UPLOAD_MAX_AGE = 24 * 3600
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
SESSION_KEY = "organisation_imports"
# The mapping of the last check per upload, so that a link can show its report again.
CHECKED_KEY = "organisation_import_checks"
# ?findings=errors shows the errors alone.
FINDINGS_FILTERS = {"errors": EntryLevel.ERROR}
# Rows of findings shown on the page; the downloadable report has all of them.
REPORT_ROWS_SHOWN = 500
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def upload_dir() -> Path:
    directory = Path(settings.DATA_DIR) / UPLOAD_DIR_NAME
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def remove_stale_uploads(max_age: int = UPLOAD_MAX_AGE) -> int:
    """Delete uploads left behind by imports nobody finished; returns how many."""
    removed = 0
    limit = time.time() - max_age
    for candidate in upload_dir().glob("import-*"):
        if candidate.is_file() and candidate.stat().st_mtime < limit:
            candidate.unlink(missing_ok=True)
            removed += 1
    return removed


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List (CSV or XLSX)"),
        help_text=gettext_lazy(
            "CSV in any common encoding with ; , tab or | between columns, or an Excel "
            "workbook (.xlsx, first sheet). The first row must hold the column names."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; import it with the command line.")
                % {"size": UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file: which field it fills, or none."""

    allow_duplicates = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "The possible duplicates are distinct organisations; import them anyway"
        ),
    )

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        samples: dict[str, list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.samples = samples or {}
        suggestion = suggest_mapping(headers)
        choices = mapping_choices()
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=suggestion.get(header, ""),
            )
        self.order_fields([f"column_{i}" for i in range(len(headers))])

    def column_fields(self) -> list[tuple[forms.BoundField, list[str]]]:
        """(choice, first values of the column) per column, for the mapping table."""
        return [
            (self[f"column_{index}"], self.samples.get(header, []))
            for index, header in enumerate(self.headers)
        ]

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or ""
            for index, header in enumerate(self.headers)
        }


class OrganisationImportExportAdminMixin:
    """Adds the import page and the export actions to an organisation ModelAdmin."""

    import_template = "admin/directory/organisation/import.html"
    export_actions = ("export_selected_csv", "export_selected_xlsx", "export_selected_json")

    # --- URLs and permissions -----------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta  # type: ignore[attr-defined]
        info = opts.app_label, opts.model_name
        view = self.admin_site.admin_view(self.import_view)  # type: ignore[attr-defined]
        report = self.admin_site.admin_view(self.import_report_view)  # type: ignore[attr-defined]
        return [
            path("import/", view, name="{}_{}_import".format(*info)),
            path(
                "import/<str:token>/report.csv",
                report,
                name="{}_{}_import_report".format(*info),
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Importing creates and updates organisations: both permissions are needed."""
        opts = self.model._meta  # type: ignore[attr-defined]
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and user.has_perms(
                [
                    f"{opts.app_label}.{get_permission_codename(action, opts)}"
                    for action in ("add", "change")
                ]
            )
        )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        if "_popup" in request.GET or not self.has_view_permission(request):  # type: ignore[attr-defined]
            return actions
        for name in self.export_actions:
            function = getattr(type(self), name)
            actions.setdefault(name, (function, name, function.short_description))
        return actions

    # --- Export actions ---------------------------------------------------------

    def _export(self, request: HttpRequest, queryset: QuerySet[Organisation], fmt: str) -> Any:
        if not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        assert fmt in FORMATS
        filename = f"organisations-{timezone.localdate().isoformat()}"
        return export_response(
            organisation_rows(queryset, request.user),
            EXPORT_COLUMNS,
            fmt,
            filename,
            stream=fmt == "csv",
        )

    @admin.action(description=gettext_lazy("Export selected as CSV"))
    def export_selected_csv(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> Any:
        return self._export(request, queryset, "csv")

    @admin.action(description=gettext_lazy("Export selected as XLSX"))
    def export_selected_xlsx(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> Any:
        return self._export(request, queryset, "xlsx")

    @admin.action(description=gettext_lazy("Export selected as JSON"))
    def export_selected_json(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> Any:
        return self._export(request, queryset, "json")

    # --- Import -----------------------------------------------------------------

    def _uploads(self, request: HttpRequest) -> dict[str, str]:
        uploads: dict[str, str] = request.session.get(SESSION_KEY, {})
        return uploads

    def _upload_path(self, request: HttpRequest, token: str) -> tuple[Path, str]:
        """The stored file of ``token`` and its original name, if this session uploaded it."""
        uploads = self._uploads(request)
        if not _TOKEN_RE.match(token or "") or token not in uploads:
            raise Http404(_("This upload is unknown or expired; upload the file again."))
        stored = upload_dir() / f"import-{token}"
        if not stored.is_file():
            raise Http404(_("This upload is unknown or expired; upload the file again."))
        return stored, uploads[token]

    def _forget(self, request: HttpRequest, token: str) -> None:
        uploads = self._uploads(request)
        uploads.pop(token, None)
        request.session[SESSION_KEY] = uploads
        checked = request.session.get(CHECKED_KEY, {})
        if checked.pop(token, None) is not None:
            request.session[CHECKED_KEY] = checked
        if _TOKEN_RE.match(token or ""):
            (upload_dir() / f"import-{token}").unlink(missing_ok=True)
            (upload_dir() / f"import-{token}.report.csv").unlink(missing_ok=True)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        request.current_app = self.admin_site.name  # type: ignore[attr-defined]
        step = request.POST.get("step", "") if request.method == "POST" else ""
        if step == "upload":
            return self._import_upload(request)
        if step in ("check", "confirm", "cancel"):
            token = request.POST.get("token", "")
            stored, name = self._upload_path(request, token)
            if step == "cancel":
                self._forget(request, token)
                messages.info(request, _("The import was cancelled; nothing was written."))
                return HttpResponseRedirect(request.path)
            return self._import_run(
                request, token, stored, name, request.POST, commit=step == "confirm"
            )
        token = request.GET.get("token", "")
        if token:
            # The report of the last check again, e.g. with the errors alone (a plain link).
            stored, name = self._upload_path(request, token)
            checked = request.session.get(CHECKED_KEY, {}).get(token)
            if checked is None:
                raise Http404(_("Run the check first."))
            return self._import_run(request, token, stored, name, checked, commit=False)
        return self._render(request, "upload", {"form": UploadForm()})

    def _render(self, request: HttpRequest, step: str, context: dict[str, Any]) -> HttpResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        return TemplateResponse(
            request,
            self.import_template,
            {
                **self.admin_site.each_context(request),  # type: ignore[attr-defined]
                "opts": opts,
                "title": _("Import organisations"),
                "step": step,
                "changelist_url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_changelist",
                    current_app=self.admin_site.name,  # type: ignore[attr-defined]
                ),
                **context,
            },
        )

    def _import_upload(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, "upload", {"form": form})
        upload = form.cleaned_data["file"]
        data = b"".join(upload.chunks())
        try:
            table = read_table(data, upload.name)
        except TabularError as error:
            form.add_error("file", str(error))
            return self._render(request, "upload", {"form": form})
        remove_stale_uploads()
        token = secrets.token_urlsafe(24)
        (upload_dir() / f"import-{token}").write_bytes(data)
        uploads = self._uploads(request)
        uploads[token] = Path(upload.name).name
        request.session[SESSION_KEY] = uploads
        return self._render(
            request,
            "mapping",
            {
                "token": token,
                "file_name": uploads[token],
                "file_description": table.describe(),
                "row_count": len(table),
                "mapping_form": MappingForm(headers=table.headers, samples=_samples(table)),
            },
        )

    def _import_run(
        self,
        request: HttpRequest,
        token: str,
        stored: Path,
        name: str,
        data: Any,
        commit: bool,
    ) -> HttpResponse:
        table = read_table(stored.read_bytes(), name)
        form = MappingForm(data, headers=table.headers, samples=_samples(table))
        if not form.is_valid():
            return self._render(
                request,
                "mapping",
                {"token": token, "file_name": name, "mapping_form": form},
            )
        result = import_organisations(
            stored,
            mapping=form.mapping(),
            dry_run=not commit,
            user=request.user,
            source_detail=name,
            allow_duplicates=form.cleaned_data["allow_duplicates"],
        )
        if commit and result.written:
            self._forget(request, token)
            messages.success(
                request,
                _("Imported %(file)s: %(summary)s") % {"file": name, "summary": result.summary()},
            )
            return HttpResponseRedirect(self._changelist_url())
        (upload_dir() / f"import-{token}.report.csv").write_bytes(result.report_csv())
        checked = request.session.get(CHECKED_KEY, {})
        checked[token] = {
            key: value
            for key, value in form.data.items()
            if key.startswith("column_") or key == "allow_duplicates"
        }
        request.session[CHECKED_KEY] = checked
        if commit:
            messages.error(request, result.refusal())
        findings = request.GET.get("findings", "")
        entries = result.sorted_entries(FINDINGS_FILTERS.get(findings))
        return self._render(
            request,
            "report",
            {
                "token": token,
                "file_name": name,
                "mapping_form": form,
                "result": result,
                "findings": findings if findings in FINDINGS_FILTERS else "",
                "findings_url": f"{request.path}?{urlencode({'token': token})}",
                "entries": entries[:REPORT_ROWS_SHOWN],
                "entries_hidden": max(len(entries) - REPORT_ROWS_SHOWN, 0),
                "outcome_rows": _outcome_rows(result),
                "report_url": reverse(
                    f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}"  # type: ignore[attr-defined]
                    "_import_report",
                    kwargs={"token": token},
                    current_app=self.admin_site.name,  # type: ignore[attr-defined]
                ),
            },
        )

    def _changelist_url(self) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_changelist",
            current_app=self.admin_site.name,  # type: ignore[attr-defined]
        )

    def import_report_view(self, request: HttpRequest, token: str) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        _stored, name = self._upload_path(request, token)
        report = upload_dir() / f"import-{token}.report.csv"
        if not report.is_file():
            raise Http404(_("Run the check first."))
        response = HttpResponse(report.read_bytes(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{Path(name).stem}-report.csv"'
        return response


def _samples(table: Table) -> dict[str, list[str]]:
    """Up to three non-empty values per column, to recognise what a column holds."""
    samples: dict[str, list[str]] = {header: [] for header in table.headers}
    for row in table.rows[:20]:
        for header, value in row.values.items():
            if value and len(samples[header]) < 3:
                samples[header].append(value)
    return samples


def _outcome_rows(result: ImportResult) -> list[dict[str, Any]]:
    """Counts per outcome for the summary table, in a fixed order."""
    counts = result.counts
    return [
        {"outcome": outcome, "label": OUTCOME_LABELS[outcome], "count": counts[outcome]}
        for outcome in Outcome.ALL
    ]
