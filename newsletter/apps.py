from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import ConsentRecord
        from accounts.privacy import register_personal_data, register_retention
        from messaging.signals import suppressed

        from . import services

        suppressed.connect(services.on_suppressed, dispatch_uid="newsletter.on_suppressed")
        post_save.connect(
            services.on_consent_saved, sender=ConsentRecord, dispatch_uid="newsletter.consent"
        )
        register_retention("unconfirmed newsletter subscriptions", services.delete_unconfirmed)
        register_personal_data(
            "newsletter", services.export_subscriptions, services.erase_subscriptions
        )
