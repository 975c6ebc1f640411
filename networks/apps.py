from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Networks and clusters")

    def ready(self) -> None:
        from search.registry import register

        from . import signals  # noqa: F401  (connects the receivers)
        from .search import GrowthFieldType, NetworkType, StudyType

        register(NetworkType())
        register(GrowthFieldType())
        register(StudyType())
