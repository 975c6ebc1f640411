from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("netzwerke/", views.network_list, name="list"),
    # Before the network pages: a network with the slug "graph" would be hidden here.
    path("netzwerke/graph/", views.partner_graph, name="graph"),
    path("netzwerke/graph.json", views.partner_graph_json, name="graph-json"),
    path("netzwerke/graph.csv", views.partner_graph_csv, name="graph-csv"),
    path("netzwerke/<slug:slug>/", views.network_detail, name="detail"),
    path("netzwerke/<slug:slug>/bearbeiten/", views.network_edit, name="edit"),
]
