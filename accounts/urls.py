from django.urls import path

from . import user_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.token_create, name="token_create"),
    path("profile/token/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", user_views.user_list, name="user_list"),
    path("users/new/", user_views.user_create, name="user_create"),
    path("users/<int:pk>/", user_views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", user_views.user_password, name="user_password"),
    path("users/<int:pk>/active/", user_views.user_active, name="user_active"),
]
