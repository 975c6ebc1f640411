from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("organisationen/", views.organisation_list, name="organisation-list"),
    path("organisationen/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path(
        "organisationen/<slug:slug>/bearbeiten/", views.organisation_edit, name="organisation-edit"
    ),
    path("organisationen/<slug:slug>/korrektur/", views.suggest_correction, name="correction"),
    path(
        "organisationen/<slug:slug>/bestaetigen/",
        views.confirm_profile_signed_in,
        name="confirm-profile-signed-in",
    ),
    path(
        "organisationen/<slug:slug>/bestaetigen/<str:token>/",
        views.confirm_profile,
        name="confirm-profile",
    ),
    path("organisationen/<slug:slug>/kontakte/neu/", views.contact_edit, name="contact-add"),
    path("organisationen/<slug:slug>/kontakte/<int:pk>/", views.contact_edit, name="contact-edit"),
    path(
        "organisationen/<slug:slug>/kontakte/<int:pk>/loeschen/",
        views.contact_delete,
        name="contact-delete",
    ),
    path("organisationen/<slug:slug>/standorte/neu/", views.site_edit, name="site-add"),
    path("organisationen/<slug:slug>/standorte/<int:pk>/", views.site_edit, name="site-edit"),
    path(
        "organisationen/<slug:slug>/standorte/<int:pk>/loeschen/",
        views.site_delete,
        name="site-delete",
    ),
    path("organisationen/<slug:slug>/mitglieder/", views.member_add, name="member-add"),
    path(
        "organisationen/<slug:slug>/mitglieder/<int:pk>/loeschen/",
        views.member_remove,
        name="member-remove",
    ),
]
