from django.urls import path

from . import audit_views, jobs_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("jobs/", jobs_views.job_list, name="job_list"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("jobs/<int:pk>/", jobs_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/result/", jobs_views.job_result, name="job_result"),
    path("jobs/<int:pk>/retry/", jobs_views.job_retry_view, name="job_retry"),
]
