from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from accounts.privacy import register_personal_data, register_retention
        from messaging.signals import suppressed

        from . import services

        suppressed.connect(services.on_suppressed, dispatch_uid="newsletter.on_suppressed")
        register_retention("unconfirmed newsletter subscriptions", services.delete_unconfirmed)
        register_personal_data(
            "newsletter", services.export_subscriptions, services.erase_subscriptions
        )
