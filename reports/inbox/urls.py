from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path(
        "documents/<int:pk>/acknowledge/",
        views.document_acknowledge,
        name="document_acknowledge",
    ),
]
