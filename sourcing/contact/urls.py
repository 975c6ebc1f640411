from django.urls import path

from . import views

urlpatterns = [
    path(
        "kontakt/organisation/<slug:slug>/",
        views.contact_organisation,
        name="contact-organisation",
    ),
    path("kontakt/gesuch/<int:pk>/", views.contact_posting, name="contact-posting"),
    path("kontakt/auswahl/", views.contact_selected, name="contact-selected"),
    path("kontakt/bestaetigen/<str:token>/", views.confirm, name="contact-confirm"),
    path("kontakt/einstellungen/<slug:slug>/", views.contact_settings, name="contact-settings"),
]
