"""The REST API under /api/v1/."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from accounts.api.views import MeView, TokenView
from core.api import jobs as job_api
from core.api.docs import DocsView, SchemaView
from core.api.views import DepartmentViewSet, RegionViewSet, SectorViewSet, not_found
from enterprises.api.views import EnterpriseViewSet
from hazards.api.views import ClauseViewSet, HazardViewSet, JudgmentStandardViewSet
from inspections.api.views import DrawViewSet, InspectionViewSet, PlanViewSet
from reports.dashboard.api import dashboard as dashboard_api
from reports.ledger import api as ledger_api
from reports.monthly.api import MonthlyReportViewSet
from reports.notices.api import NoticeViewSet
from tipoffs.api.views import TipoffViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("sectors", SectorViewSet, basename="sector")
router.register("departments", DepartmentViewSet, basename="department")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("hazards", HazardViewSet, basename="hazard")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("plans", PlanViewSet, basename="plan")
router.register("draws", DrawViewSet, basename="draw")
router.register("standards", JudgmentStandardViewSet, basename="standard")
router.register("clauses", ClauseViewSet, basename="clause")
router.register("notices", NoticeViewSet, basename="notice")
router.register("reports", MonthlyReportViewSet, basename="report")
router.register("tipoffs", TipoffViewSet, basename="tipoff")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth_token"),
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("hazards/ledger.xlsx", ledger_api.hazard_ledger, name="hazard_ledger"),
    path("ledger-imports/", ledger_api.ledger_import_create, name="ledger_import_list"),
    path("ledger-imports/<int:pk>/", ledger_api.ledger_import_detail, name="ledger_import_detail"),
    path(
        "ledger-imports/<int:pk>/mapping/",
        ledger_api.ledger_import_mapping,
        name="ledger_import_mapping",
    ),
    path(
        "ledger-imports/<int:pk>/commit/",
        ledger_api.ledger_import_commit,
        name="ledger_import_commit",
    ),
    path("jobs/<int:pk>/", job_api.job_detail, name="job_detail"),
    path("jobs/<int:pk>/result/", job_api.job_result, name="job_result"),
    path(
        "notices/<int:pk>/notice.pdf",
        NoticeViewSet.as_view({"get": "pdf"}),
        name="notice_pdf",
    ),
    path(
        "reports/<int:pk>/report.xlsx",
        MonthlyReportViewSet.as_view({"get": "xlsx"}),
        name="report_xlsx",
    ),
    path(
        "reports/<int:pk>/report.pdf",
        MonthlyReportViewSet.as_view({"get": "pdf"}),
        name="report_pdf",
    ),
    path("dashboard/", dashboard_api, name="dashboard"),
    path("", include(router.urls)),
    # Keep last: any other path under /api/v1/ answers a JSON 404.
    re_path(r"^.*$", not_found, name="not_found"),
]
