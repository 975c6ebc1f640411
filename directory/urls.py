from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisationen/", views.organisation_list, name="organisation-list"),
    path("organisationen/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
]
