from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcingConfig(AppConfig):
    name = "sourcing"
    verbose_name = _("Local Sourcing")

    def ready(self) -> None:
        from search.registry import register

        from . import signals  # noqa: F401  (connects the receivers)
        from .search import PostingType

        register(PostingType())

        from accounts.privacy import register_retention
        from messaging.relay import delete_expired

        register_retention("relayed messages", delete_expired)
