from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassificationConfig(AppConfig):
    name = "classification"
    verbose_name = _("Classification")

    def import_reference_data(self, progress: Any) -> list[tuple[str, object]]:
        """Called by ``manage.py import_reference_data`` (see core)."""
        from . import nace, services

        return [
            ("WZ 2008", services.import_wz2008(progress=progress)),
            ("WZ 2025", services.import_wz2025(progress=progress)),
            ("WZ 2008 (English)", nace.import_wz_english_titles(progress=progress)),
            ("vocabularies", services.load_vocabularies(progress=progress)),
        ]
