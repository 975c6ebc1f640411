from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from core.audit import delete_expired

        from . import notifications
        from .privacy import register_retention
        from .signals import setup_groups_after_migrate

        notifications.connect()
        register_retention("audit log entries", delete_expired)

        post_migrate.connect(
            setup_groups_after_migrate, sender=self, dispatch_uid="accounts.setup_groups"
        )
