from django.urls import path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("anfrage/", views.inquiry_form, name="form"),
    path("anfrage/status/<str:token>/", views.status, name="status"),
    path(
        "anfrage/status/<str:token>/rueckmeldung/<str:answer>/",
        views.feedback,
        name="feedback",
    ),
    path("intern/anfragen/", views.inbox, name="inbox"),
    path("intern/anfragen/<str:reference>/", views.case, name="case"),
    path(
        "intern/anfragen/<str:reference>/anhang/<int:pk>/",
        views.attachment,
        name="attachment",
    ),
]
