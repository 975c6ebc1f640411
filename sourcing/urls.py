from django.urls import path

from . import views
from .contact.urls import urlpatterns as contact_urls
from .postings.urls import urlpatterns as posting_urls

app_name = "sourcing"

urlpatterns = [
    path("bedarf/", views.need, name="need"),
    *posting_urls,
    *contact_urls,
]
