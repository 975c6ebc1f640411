from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = _("Expert inquiries")

    def ready(self) -> None:
        from accounts.privacy import register_personal_data, register_retention

        from .privacy import erase_inquiries, export_inquiries
        from .services import apply_inquiry_retention

        register_retention("inquiries", apply_inquiry_retention)
        register_personal_data("inquiries", export_inquiries, erase_inquiries)
