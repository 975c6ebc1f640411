from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("nachrichten/", views.conversation_list, name="conversations"),
    path("nachrichten/<int:pk>/", views.conversation_mine, name="conversation-mine"),
    path("nachrichten/c/<str:token>/", views.conversation, name="conversation"),
]
