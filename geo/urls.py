from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("karte/orte.json", views.places, name="places"),
]
