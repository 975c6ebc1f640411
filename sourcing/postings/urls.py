from django.urls import URLPattern, path

from . import digest_views, views

urlpatterns: list[URLPattern] = [
    path("gesuche/", views.posting_list, name="posting-list"),
    path("gesuche/karte.geojson", views.posting_geojson, name="posting-geojson"),
    path("gesuche/neu/", views.posting_create, name="posting-create"),
    path("gesuche/meine/", views.posting_mine, name="posting-mine"),
    path("gesuche/pruefen/", views.posting_review, name="posting-review"),
    path("gesuche/<int:pk>/", views.posting_detail, name="posting-detail"),
    path("gesuche/<int:pk>/bearbeiten/", views.posting_edit, name="posting-edit"),
    path("gesuche/<int:pk>/schliessen/", views.posting_close, name="posting-close"),
    path("gesuche/<int:pk>/verlaengern/", views.posting_extend, name="posting-extend"),
    # Digest opt-in (sourcing.postings.digest_views)
    path(
        "gesuche/benachrichtigungen/<slug:slug>/",
        digest_views.digest_settings,
        name="digest-settings",
    ),
]
