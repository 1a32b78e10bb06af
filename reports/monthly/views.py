"""Monthly report pages. Every query starts from for_user; the rules live in
reports.monthly.services."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.choices import RegionLevel
from core.errors import ServiceError, message_user
from core.filtering import filter_results

from ..choices import ReportState
from ..models import MonthlyReport
from ..web import PAGE_SIZES, PDF, XLSX, export, page
from . import services
from .documents import report_context
from .documents import report_pdf as build_report_pdf
from .documents import report_xlsx as build_xlsx
from .filtersets import ReportFilterSet
from .selectors import cities_of, filing_city, report_queryset


@login_required
@require_GET
def report_list(request):
    queryset = report_queryset(request.user)
    filterset = ReportFilterSet(request.GET or None, queryset=queryset, request=request)
    reports, filter_errors = filter_results(filterset, queryset)
    today = timezone.localdate()
    listed = page(request, reports)
    for report in listed:
        report.late = services.report_is_late(report, today, report.due_date)
        report.can_submit = services.can_submit(request.user, report)
    return render(
        request,
        "reports/monthly/report_list.html",
        {
            "filter_errors": filter_errors,
            "page": listed,
            "page_sizes": PAGE_SIZES,
            "states": ReportState.choices,
            "cities": cities_of(request.user),
        },
    )


@login_required
@require_GET
def report_detail(request, pk: int):
    report = get_object_or_404(report_queryset(request.user), pk=pk)
    context = report_context(report)
    context["late"] = services.report_is_late(report, timezone.localdate(), report.due_date)
    context["can_submit"] = services.can_submit(request.user, report)
    context["is_city"] = report.region.level == RegionLevel.CITY
    if context["is_city"]:
        context["filing"] = services.filing_status(
            city=report.region, year=report.year, month=report.month, today=timezone.localdate()
        )
    return render(request, "reports/monthly/report_detail.html", context)


@login_required
@require_POST
def report_submit(request, pk: int):
    report = get_object_or_404(report_queryset(request.user), pk=pk)
    try:
        services.report_submit(report=report, by=request.user)
    except ServiceError as exc:
        message_user(request, exc)
    else:
        messages.success(request, f"{report}已报送。")
    return redirect(report.get_absolute_url())


@login_required
@require_GET
def report_xlsx(request, pk: int):
    report = get_object_or_404(report_queryset(request.user), pk=pk)
    return export(request, "monthly report", lambda: build_xlsx(report), f"{report}.xlsx", XLSX)


@login_required
@require_GET
def report_pdf(request, pk: int):
    report = get_object_or_404(report_queryset(request.user), pk=pk)
    return export(request, "monthly report", lambda: build_report_pdf(report), f"{report}.pdf", PDF)


@login_required
@require_GET
def filing_status(request, code: str):
    """Which counties of a city have filed this month's report, and who is late."""
    city = filing_city(request.user, code)
    if city is None:
        raise Http404
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or today.month)
        date(year, month, 1)
    except ValueError as exc:
        raise Http404 from exc
    rows = services.filing_status(city=city, year=year, month=month, today=today)
    city_report = MonthlyReport.objects.filter(region=city, year=year, month=month).first()
    previous = (year, month - 1) if month > 1 else (year - 1, 12)
    following = (year, month + 1) if month < 12 else (year + 1, 1)
    return render(
        request,
        "reports/monthly/filing_status.html",
        {
            "city": city,
            "year": year,
            "month": month,
            "rows": rows,
            "due_date": services.report_due_date(year, month),
            "filed": sum(r["submitted"] for r in rows),
            "late_count": sum(r["late"] for r in rows),
            "city_report": city_report,
            "previous": previous,
            "following": following,
        },
    )
