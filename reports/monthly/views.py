"""Monthly report pages. Every query starts from for_user; the rules live in
reports.monthly.services."""

from __future__ import annotations

from datetime import date

from django.conf import settings
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
from ..selfcheck.services import selfcheck_standing_for_report
from ..web import PAGE_SIZES, PDF, XLSX, download, export, page
from . import figures as fig
from . import filing, services
from .documents import read_file, report_context
from .documents import report_pdf as build_report_pdf
from .documents import report_xlsx as build_xlsx
from .filtersets import ReportFilterSet
from .periods import following_month, previous_month, reporting_month_of, reporting_period
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
        report.can_submit = filing.can_submit(request.user, report)
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
    user, today = request.user, timezone.localdate()
    context = report_context(report)
    is_city = report.region.level == RegionLevel.CITY
    context |= {
        "late": services.report_is_late(report, today, report.due_date),
        "can_edit": report.is_editable and filing.can_file(user, report),
        "can_submit": filing.can_submit(user, report),
        "can_return": report.state == ReportState.SUBMITTED and filing.can_return(user, report),
        "can_reopen": report.state == ReportState.SUBMITTED and filing.can_file(user, report),
        "is_city": is_city,
        "versions": report.versions.select_related("submitted_by").order_by("-number"),
        "entered_fields": [
            (key, label, (report.entered or {}).get(key)) for key, label in fig.ENTERED
        ],
    }
    context["selfcheck"] = selfcheck_standing_for_report(report.region, report.year, report.month)
    if is_city:
        context["filing"] = filing.filing_status(
            city=report.region, year=report.year, month=report.month, today=today
        )
        context["missing"] = [r["region"] for r in context["filing"] if not r["submitted"]]
    return render(request, "reports/monthly/report_detail.html", context)


def _act(request, pk: int, action, done: str):
    """Run a filing service on a report of the user's scope and come back to the report."""
    report = get_object_or_404(report_queryset(request.user), pk=pk)
    try:
        action(report)
    except ServiceError as exc:
        message_user(request, exc)
    else:
        messages.success(request, f"{report}{done}")
    return redirect(report.get_absolute_url())


def _posted(request) -> dict:
    fields = [*filing.TEXT_FIELDS, *fig.ENTERED_KEYS, "missing_reason"]
    return {name: request.POST[name] for name in fields if name in request.POST}


@login_required
@require_POST
def report_update(request, pk: int):
    data = _posted(request)
    return _act(
        request,
        pk,
        lambda r: filing.report_update(report=r, by=request.user, data=data),
        "已保存。",
    )


@login_required
@require_POST
def report_submit(request, pk: int):
    """The form's fields are saved first (as 保存 would), then the report is filed."""
    data = _posted(request)

    def save_and_submit(report):
        if data:
            filing.report_update(report=report, by=request.user, data=data)
        filing.report_submit(report=report, by=request.user)

    return _act(request, pk, save_and_submit, "已报送。")


@login_required
@require_POST
def report_return(request, pk: int):
    reason = request.POST.get("reason", "")
    return _act(
        request,
        pk,
        lambda r: filing.report_return(report=r, by=request.user, reason=reason),
        "已退回。",
    )


@login_required
@require_POST
def report_reopen(request, pk: int):
    return _act(
        request,
        pk,
        lambda r: filing.report_reopen(report=r, by=request.user),
        "已转为更正中，数据已按原统计时段重新统计，修改后请重新报送。",
    )


@login_required
@require_GET
def version_file(request, pk: int, number: int, kind: str):
    """One filed version's PDF or Excel, as rendered when it was filed."""
    report = get_object_or_404(report_queryset(request.user), pk=pk)
    version = get_object_or_404(report.versions, number=number)
    field, content_type = (version.pdf, PDF) if kind == "pdf" else (version.xlsx, XLSX)
    return download(read_file(field), f"{version}.{kind}", content_type)


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
    current = reporting_month_of(today)
    try:
        year = int(request.GET.get("year") or current[0])
        month = int(request.GET.get("month") or current[1])
        date(year, month, 1)
    except ValueError as exc:
        raise Http404 from exc
    rows = filing.filing_status(city=city, year=year, month=month, today=today)
    city_report = MonthlyReport.objects.filter(region=city, year=year, month=month).first()
    previous, following = previous_month(year, month), following_month(year, month)
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
            "period_start": reporting_period(year, month)[0],
            "period_end": reporting_period(year, month)[1],
            "build_day": settings.REPORTS_MONTHLY_BUILD_DAY,
        },
    )
