from django.urls import path

from . import views

app_name = "monthly"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views.report_update, name="report_update"),
    path("<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
    path("<int:pk>/reopen/", views.report_reopen, name="report_reopen"),
    path(
        "<int:pk>/versions/<int:number>/report.pdf",
        views.version_file,
        {"kind": "pdf"},
        name="version_pdf",
    ),
    path(
        "<int:pk>/versions/<int:number>/report.xlsx",
        views.version_file,
        {"kind": "xlsx"},
        name="version_xlsx",
    ),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("filing/<str:code>/", views.filing_status, name="filing_status"),
]
