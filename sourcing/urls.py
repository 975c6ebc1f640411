from django.urls import path

from . import views

app_name = "sourcing"

urlpatterns = [
    path("bedarf/", views.need, name="need"),
]
