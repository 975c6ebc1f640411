from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("suche/", views.search_page, name="search"),
    path("suche/vorschlaege/", views.suggestions, name="suggest"),
    path("suche/karte/", views.map_clusters, name="map"),
    path("suche/kreise.geojson", views.boundaries, name="boundaries"),
    path("suche/export.csv", views.export_csv, name="export-csv"),
    path("suche/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("suche/export.geojson", views.export_geojson, name="export-geojson"),
]
