from django.urls import path

from . import views

app_name = "selfcheck"

urlpatterns = [
    path("", views.summary_list, name="summary_list"),
    path("missing/", views.missing_list, name="missing_list"),
]
