"""Addresses of the events (included by ``content.urls``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("veranstaltungen/", views.event_list, name="events"),
    path("veranstaltungen/kalender/", views.calendar_today, name="event-calendar-today"),
    path(
        "veranstaltungen/kalender/<int:year>/<int:month>/",
        views.calendar_month,
        name="event-calendar",
    ),
    path("veranstaltungen/kalender.ics", views.feed_all, name="event-feed"),
    path(
        "veranstaltungen/wachstumsfeld/<slug:slug>.ics",
        views.feed_field,
        name="event-feed-field",
    ),
    path("veranstaltungen/netzwerk/<slug:slug>.ics", views.feed_network, name="event-feed-network"),
    path("veranstaltungen/neu/", views.event_new, name="event-new"),
    path("veranstaltungen/meine/", views.my_events, name="event-mine"),
    path(
        "veranstaltungen/abmelden/<str:token>/",
        views.cancel_registration,
        name="event-cancel-registration",
    ),
    path("veranstaltungen/<slug:slug>.ics", views.event_ics, name="event-ics"),
    path("veranstaltungen/<slug:slug>/", views.event_detail, name="event"),
    path("veranstaltungen/<slug:slug>/bearbeiten/", views.event_edit, name="event-edit"),
    path("veranstaltungen/<slug:slug>/teilnehmende/", views.attendees, name="event-attendees"),
    path(
        "veranstaltungen/<slug:slug>/teilnehmende.<str:fmt>",
        views.attendees_export,
        name="event-attendees-export",
    ),
    path(
        "veranstaltungen/<slug:slug>/dokumente/neu/",
        views.document_add,
        name="event-document-add",
    ),
    path(
        "veranstaltungen/<slug:slug>/dokumente/<int:pk>/",
        views.event_document,
        name="event-document",
    ),
]
