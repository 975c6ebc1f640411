from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import audit, checks, pagecache  # noqa: F401  (checks: registers the checks)

        audit.connect()
        pagecache.watch()
