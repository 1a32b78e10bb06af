"""The leaders' dashboard (驾驶舱) page; the figures come from reports.dashboard.services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from core.errors import ServiceError, log_refusal

from .periods import PERIODS, resolve_period
from .services import dashboard_data


@login_required
def dashboard(request):
    today = timezone.localdate()
    error = None
    try:
        period = resolve_period(request.GET, today)
    except ServiceError as exc:
        log_refusal(request, exc)
        error = exc.message
        period = resolve_period({}, today)
    data = dashboard_data(request.user, period, today)
    return render(
        request,
        "reports/dashboard/dashboard.html",
        {
            "data": data,
            "period": period,
            "periods": PERIODS.items(),
            "period_error": error,
            "charts": {
                key: data[key] for key in ("by_region", "by_sector", "trend", "funnel", "ageing")
            },
        },
    )
