from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("request/", views.account_request, name="account_request"),
    path("selfcheck/<int:pk>/", views.selfcheck, name="selfcheck"),
    path("hazards/new/", views.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/progress/", views.hazard_progress, name="hazard_progress"),
    path("hazards/<int:pk>/photos/", views.hazard_photos, name="hazard_photos"),
    path("hazards/<int:pk>/steps/<slug:action>/", views.hazard_step, name="hazard_step"),
]
