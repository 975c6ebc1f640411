"""Addresses of the news (included by ``content.urls``, names ``content:news-…``)."""

from django.urls import path

from . import feeds, views

urlpatterns = [
    path("aktuelles/", views.news_list, name="news-list"),
    path("aktuelles/feed/rss/", feeds.NewsFeed(), name="news-feed"),
    path("aktuelles/feed/atom/", feeds.NewsAtomFeed(), name="news-atom"),
    path(
        "aktuelles/kategorie/<slug:slug>/rss/",
        feeds.CategoryFeed(),
        name="news-feed-category",
    ),
    path(
        "aktuelles/kategorie/<slug:slug>/atom/",
        feeds.CategoryAtomFeed(),
        name="news-atom-category",
    ),
    path(
        "aktuelles/wachstumsfeld/<slug:slug>/rss/",
        feeds.GrowthFeed(),
        name="news-feed-growth",
    ),
    path(
        "aktuelles/wachstumsfeld/<slug:slug>/atom/",
        feeds.GrowthAtomFeed(),
        name="news-atom-growth",
    ),
    path("aktuelles/<slug:slug>/", views.news_detail, name="news-detail"),
    path("aktuelles/<slug:slug>/bild/", views.news_image, name="news-image"),
]
