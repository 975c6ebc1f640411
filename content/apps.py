from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Site content")

    def ready(self) -> None:
        from search.registry import register

        from . import signals  # noqa: F401  (connects the receivers)
        from .events import signals as event_signals  # noqa: F401
        from .events.panels import register_panels
        from .events.search import EventType
        from .search import PageType, SitePageType

        register(PageType())
        register(SitePageType())

        from .funding.apps import ready as funding_ready

        funding_ready()
        register(EventType())
        register_panels()
        from .events import privacy

        privacy.register()
