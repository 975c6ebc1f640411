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

        from accounts.privacy import register_personal_data, register_retention
        from messaging.relay import delete_expired

        from . import privacy

        register_retention("relayed messages", delete_expired)
        register_personal_data(
            "relayed_contact", privacy.export_conversations, privacy.erase_conversations
        )
        register_personal_data("sourcing", privacy.export_sourcing, privacy.erase_sourcing)
