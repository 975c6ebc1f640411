from django.urls import path

from . import views

# Included by content/urls.py (namespace "content").
urlpatterns = [
    path("foerderprogramme/", views.programme_list, name="funding-list"),
    path("foerderprogramme/finder/", views.finder_view, name="funding-finder"),
    path("foerderprogramme/gemerkt/", views.followed, name="funding-followed"),
    path(
        "foerderprogramme/nicht-mehr-folgen/<str:token>/",
        views.unfollow_by_link,
        name="funding-unfollow-link",
    ),
    path("foerderprogramme/<slug:slug>/", views.programme_detail, name="funding-detail"),
    path("foerderprogramme/<slug:slug>/folgen/", views.follow, name="funding-follow"),
    path("foerderprogramme/<slug:slug>/nicht-folgen/", views.unfollow, name="funding-unfollow"),
]
