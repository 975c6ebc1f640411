from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("Geography")

    def import_reference_data(self, progress: Any) -> list[tuple[str, object]]:
        """Called by ``manage.py import_reference_data`` (see core)."""
        from . import services

        return list(services.import_all(progress=progress).items())
