from django.urls import path

from . import views

app_name = "tipoffs"

urlpatterns = [
    # Public, without sign-in.
    path("", views.tipoff_create, name="tipoff_create"),
    path("status/", views.tipoff_status, name="tipoff_status"),
    # Staff.
    path("staff/", views.tipoff_list, name="tipoff_list"),
    path("staff/<int:pk>/", views.tipoff_detail, name="tipoff_detail"),
    path("staff/<int:pk>/steps/<slug:action>/", views.tipoff_step, name="tipoff_step"),
    path("staff/<int:pk>/identity/", views.tipoff_identity, name="tipoff_identity"),
    path("staff/<int:pk>/reward/", views.tipoff_reward, name="tipoff_reward"),
    path("staff/<int:pk>/reward/approve/", views.tipoff_reward_approve, name="reward_approve"),
    path("staff/photos/<int:pk>/", views.photo, name="photo"),
    path("staff/photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"),
]
