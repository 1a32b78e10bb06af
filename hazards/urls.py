from django.urls import path

from .views import detail, lists, minutes, registration, standards

app_name = "hazards"

urlpatterns = [
    path("", lists.hazard_list, name="hazard_list"),
    path("new/", registration.hazard_create, name="hazard_create"),
    path("new/enterprises/", registration.enterprise_options, name="enterprise_options"),
    path("new/clauses/", registration.clause_options, name="clause_options"),
    path("queue/", lists.hazard_queue, name="queue"),
    path("<int:pk>/", detail.hazard_detail, name="hazard_detail"),
    path("<int:pk>/edit/", detail.hazard_edit, name="hazard_edit"),
    path("<int:pk>/photos/", detail.photo_upload, name="photo_upload"),
    path("<int:pk>/steps/<slug:action>/", detail.hazard_action, name="hazard_action"),
    path("<int:pk>/minutes/", minutes.workers_report, name="workers_report"),
    path("<int:pk>/minutes/<int:minutes_pk>/", minutes.workers_minutes, name="workers_minutes"),
    path("photos/<int:pk>/", detail.photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", detail.photo_thumbnail, name="photo_thumbnail"),
    path("standards/", standards.standard_list, name="standard_list"),
    path("standards/import/", standards.standard_import, name="standard_import"),
    path("standards/<int:pk>/", standards.standard_detail, name="standard_detail"),
]
