from django.urls import path

from . import editing, views

app_name = "networks"

urlpatterns = [
    path("netzwerke/", views.network_list, name="list"),
    path("netzwerke/broschuere/<str:language>.pdf", views.brochure_download, name="brochure"),
    path("netzwerke/<slug:slug>/", views.network_detail, name="detail"),
    path("netzwerke/<slug:slug>/bearbeiten/", views.network_edit, name="edit"),
    path(
        "netzwerke/<slug:slug>/siegel/<int:pk>/zertifikat/",
        views.label_certificate,
        name="label-certificate",
    ),
    path("netzwerke/<slug:slug>/<slug:part>/neu/", editing.record_edit, name="record-add"),
    path(
        "netzwerke/<slug:slug>/<slug:part>/<int:pk>/bearbeiten/",
        editing.record_edit,
        name="record-edit",
    ),
    path(
        "netzwerke/<slug:slug>/<slug:part>/<int:pk>/loeschen/",
        editing.record_delete,
        name="record-delete",
    ),
]
