from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("intern/kennzahlen/", views.index, name="index"),
    path("intern/kennzahlen/<slug:table>.csv", views.table_csv, name="csv"),
]
