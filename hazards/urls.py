from django.urls import path

from . import views

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="hazard_list"),
    path("new/", views.hazard_create, name="hazard_create"),
    path("new/enterprises/", views.enterprise_options, name="enterprise_options"),
    path("new/clauses/", views.clause_options, name="clause_options"),
    path("queue/", views.hazard_queue, name="queue"),
    path("<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("<int:pk>/edit/", views.hazard_edit, name="hazard_edit"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/steps/<slug:action>/", views.hazard_action, name="hazard_action"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"),
    path("standards/", views.standard_list, name="standard_list"),
    path("standards/<int:pk>/", views.standard_detail, name="standard_detail"),
]
