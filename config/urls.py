from django.contrib import admin
from django.urls import include, path

from core.views import healthz

admin.site.site_header = "清零 · 系统管理"
admin.site.site_title = "清零"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/requests/", include("portal.request_urls")),
    path("enterprises/", include("enterprises.urls")),
    path("hazards/", include("hazards.urls")),
    path("inspections/", include("inspections.urls")),
    path("reports/", include("reports.notices.urls")),
    path("reports/", include("reports.monthly.urls")),
    path("ledger/", include("reports.ledger.urls")),
    path("inbox/", include("reports.inbox.urls")),
    path("selfcheck/", include("reports.selfcheck.urls")),
    path("dashboard/", include("reports.dashboard.urls")),
    path("qiye/", include("portal.urls")),
    path("tipoffs/", include("tipoffs.urls")),
    path("api/v1/", include(("config.api", "api"), namespace="api")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
