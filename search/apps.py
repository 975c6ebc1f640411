from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from classification import suggestions

        from . import checks, signals, wzsuggest  # noqa: F401  (checks, index updates)

        suggestions.register(wzsuggest.suggest)

        from . import registry
        from .organisations import ORGANISATIONS

        registry.register(ORGANISATIONS)

    def import_reference_data(self, progress: Any) -> list[tuple[str, object]]:
        """Called by ``manage.py import_reference_data`` (see core)."""
        from . import vocabulary

        return [("synonyms", vocabulary.import_synonyms(progress=progress))]
