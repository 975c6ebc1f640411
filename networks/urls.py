from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("netzwerke/", views.network_list, name="list"),
    path("netzwerke/<slug:slug>/", views.network_detail, name="detail"),
    path("netzwerke/<slug:slug>/bearbeiten/", views.network_edit, name="edit"),
]
