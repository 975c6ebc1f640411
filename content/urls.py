from django.urls import path

from . import views
from .events.urls import urlpatterns as event_urls
from .funding.urls import urlpatterns as funding_urls
from .news.urls import urlpatterns as news_urlpatterns

app_name = "content"

urlpatterns = [
    path("clustermanagement/", views.overview, name="overview"),
    path("clustermanagement/team/", views.team, name="team"),
    path("clustermanagement/foerderer/", views.supporters, name="supporters"),
    path("clustermanagement/<slug:slug>/", views.page_detail, name="page"),
    path("impressum/", views.imprint, name="imprint"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    *funding_urls,
    *event_urls,
    *news_urlpatterns,
]
