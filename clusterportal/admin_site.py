"""The back office: Django's admin site, with every bulk action recorded in the audit
log and the operations status page (``/admin/status/``)."""

from __future__ import annotations

import types
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, path

from core.audit import AuditedActionsMixin


class PortalAdminSite(admin.AdminSite):
    index_template = "clusterportal/admin_index.html"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Registers ``admin_class`` with ``AuditedActionsMixin`` mixed in, so that no
        model admin's bulk action (Django's "delete selected" included) goes unrecorded."""
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditedActionsMixin):
            base = types.new_class(
                base.__name__,
                (AuditedActionsMixin, base),
                exec_body=lambda ns: ns.update(
                    {"__module__": base.__module__, "__doc__": base.__doc__}
                ),
            )
        super().register(model_or_iterable, base, **options)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        from .status import views

        own = [
            path("status/", self.admin_view(views.status), name="status"),
        ]
        return own + super().get_urls()
