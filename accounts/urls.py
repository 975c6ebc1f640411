from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("konto/", views.account, name="account"),
    path("konto/einwilligungen/", views.consents, name="consents"),
    path("konto/meine-daten.json", views.data_download, name="data-download"),
    path("konto/loeschen/", views.delete_account, name="delete"),
    path("datenschutz/", views.privacy_policy, name="privacy"),
    path("konto/registrieren/", views.register, name="register"),
    path("konto/registrieren/gesendet/", views.register_sent, name="register-sent"),
    path("konto/registrieren/erneut/", views.resend, name="resend"),
    path("konto/bestaetigen/<str:uidb64>/<str:token>/", views.verify, name="verify"),
    path("konto/anmelden/", views.login, name="login"),
    path("organisationen/<slug:slug>/uebernehmen/", views.claim, name="claim"),
    path("konto/anspruch/<int:pk>/", views.claim_code, name="claim-code"),
    path("konto/anmelden/code/", views.second_factor, name="second-factor"),
    path("konto/abmelden/", views.logout, name="logout"),
    path("konto/wiederherstellungscodes/", views.recovery_codes, name="recovery-codes"),
    path("konto/passwort/", views.password_change, name="password-change"),
    path("konto/passwort/geaendert/", views.password_change_done, name="password-change-done"),
    path("konto/passwort-vergessen/", views.password_reset, name="password-reset"),
    path(
        "konto/passwort-vergessen/gesendet/", views.password_reset_done, name="password-reset-done"
    ),
    path(
        "konto/passwort-neu/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "konto/passwort-neu/fertig/",
        views.password_reset_complete,
        name="password-reset-complete",
    ),
]
