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
        self._ready_news()

    def _ready_news(self) -> None:
        from core.panels import Panel
        from core.panels import register as register_panel
        from search.registry import register

        from .news import signals  # noqa: F401  (connects the receivers)
        from .news.panels import field_news, network_news
        from .news.search import NewsType

        register(NewsType())
        register_panel(
            Panel("networks.growth_field", "content/news/_panel.html", field_news, order=10)
        )
        register_panel(
            Panel("networks.profile", "content/news/_panel.html", network_news, order=10)
        )
