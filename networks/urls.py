from django.urls import path

from . import editing, field_views, views
from .dashboard import views as dashboard_views

app_name = "networks"

urlpatterns = [
    path("wachstumsfelder/", field_views.field_list, name="growth-fields"),
    path("wachstumsfelder/studien/<slug:slug>/", field_views.study_detail, name="study"),
    path("wachstumsfelder/studien/<slug:slug>/pdf/", field_views.study_file, name="study-file"),
    path("wachstumsfelder/<slug:slug>/", field_views.field_detail, name="growth-field"),
    path("netzwerke/", views.network_list, name="list"),
    # Before the network pages: a network with the slug "graph" would be hidden here.
    path("netzwerke/graph/", views.partner_graph, name="graph"),
    path("netzwerke/graph.json", views.partner_graph_json, name="graph-json"),
    path("netzwerke/graph.csv", views.partner_graph_csv, name="graph-csv"),
    path("netzwerke/broschuere/<str:language>.pdf", views.brochure_download, name="brochure"),
    path("netzwerke/<slug:slug>/", views.network_detail, name="detail"),
    path("netzwerke/<slug:slug>/bearbeiten/", views.network_edit, name="edit"),
    path("netzwerke/<slug:slug>/verlauf/", editing.network_history, name="history"),
    path("netzwerke/<slug:slug>/kennzahlen/", dashboard_views.dashboard, name="dashboard"),
    path(
        "netzwerke/<slug:slug>/kennzahlen/<slug:table>.csv",
        dashboard_views.dashboard_csv,
        name="dashboard-csv",
    ),
    path("intern/kennzahlen/netzwerke/", dashboard_views.overview, name="overview"),
    path(
        "intern/kennzahlen/netzwerke/<slug:table>.csv",
        dashboard_views.overview_csv,
        name="overview-csv",
    ),
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
