"""Notice, notification and monthly report pages. Every query starts from for_user; the rules
live in reports.services."""

from __future__ import annotations

import time
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.choices import RegionLevel
from core.errors import ServiceError, message_user
from core.models import Region
from hazards.choices import HazardLevel

from . import services
from .choices import NoticeStep, ReportState
from .models import MonthlyReport, Notice, Notification

PAGE_SIZES = (20, 50, 100)


def _page(request, queryset):
    try:
        size = int(request.GET.get("page_size") or PAGE_SIZES[0])
    except ValueError:
        size = PAGE_SIZES[0]
    size = size if size in PAGE_SIZES else PAGE_SIZES[0]
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Notices ------------------------------------------------------------------------------------


def notice_queryset(user):
    return Notice.objects.for_user(user).select_related(
        "hazard__enterprise", "hazard__region", "hazard__sector"
    )


def filter_notices(queryset, params):
    """The filters shared by the notice page and the API list."""
    if q := (params.get("q") or "").strip():
        queryset = queryset.filter(
            Q(number__icontains=q)
            | Q(hazard__number__icontains=q)
            | Q(hazard__enterprise__name__icontains=q)
        )
    if step := params.get("step"):
        queryset = (
            queryset.filter(step__startswith="remind_")
            if step == "remind"
            else queryset.filter(step=step)
        )
    if (level := params.get("level")) in HazardLevel.values:
        queryset = queryset.filter(hazard__level=level)
    if (hazard := params.get("hazard")) and hazard.isascii() and hazard.isdigit():
        queryset = queryset.filter(hazard_id=int(hazard))
    if after := _date(params.get("after")):
        queryset = queryset.filter(due_date__gte=after)
    if before := _date(params.get("before")):
        queryset = queryset.filter(due_date__lte=before)
    if params.get("open") == "true":
        queryset = queryset.filter(hazard__in=_open_hazards())
    return queryset


def _open_hazards():
    from hazards.models import Hazard

    return Hazard.objects.open().values("pk")


STEP_FILTERS = [("remind", "到期提醒")] + [
    (s.value, s.label) for s in NoticeStep if not s.value.startswith("remind_")
]


@login_required
@require_GET
def notice_list(request):
    notices = filter_notices(notice_queryset(request.user), request.GET)
    return render(
        request,
        "reports/notice_list.html",
        {
            "page": _page(request, notices),
            "page_sizes": PAGE_SIZES,
            "steps": STEP_FILTERS,
            "levels": HazardLevel.choices,
        },
    )


@login_required
@require_GET
def notice_detail(request, pk: int):
    notice = get_object_or_404(notice_queryset(request.user), pk=pk)
    Notification.objects.filter(user=request.user, notice=notice, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return render(
        request,
        "reports/notice_detail.html",
        {
            "notice": notice,
            "hazard": notice.hazard,
            "step_label": services.step_label(notice.step),
            "deliveries": notice.deliveries.all(),
            "siblings": notice.hazard.notices.exclude(pk=notice.pk).order_by("due_date", "pk"),
        },
    )


@login_required
@require_GET
def notice_pdf(request, pk: int):
    notice = get_object_or_404(notice_queryset(request.user), pk=pk)
    return download(
        services.notice_pdf(notice),
        f"{services.step_label(notice.step)}-{notice.hazard.number}.pdf",
        PDF,
    )


# Notifications ------------------------------------------------------------------------------


@login_required
@require_GET
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)
    if request.GET.get("unread") == "true":
        notifications = notifications.filter(read_at__isnull=True)
    return render(
        request,
        "reports/notification_list.html",
        {"page": _page(request, notifications), "page_sizes": PAGE_SIZES},
    )


@login_required
@require_GET
def bell_count(request):
    """The unread badge of the navbar bell, loaded by htmx after the page."""
    return render(request, "reports/includes/bell_count.html")


@login_required
@require_POST
def notification_read(request, pk: int | None = None):
    """Mark one notification (or all) read; opening one goes on to its link."""
    if pk is not None:
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        services.notification_mark_read(user=request.user, pk=pk)
        target = request.POST.get("next") or notification.get_absolute_url()
    else:
        services.notification_mark_read(user=request.user)
        messages.success(request, "已全部标记为已读。")
        target = request.POST.get("next") or "reports:notification_list"
    if target.startswith("/") and not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        target = "reports:notification_list"
    return redirect(target)


# Monthly reports ----------------------------------------------------------------------------


def report_queryset(user):
    return MonthlyReport.objects.for_user(user).select_related(
        "region", "region__parent", "submitted_by"
    )


@login_required
@require_GET
def report_list(request):
    reports = report_queryset(request.user)
    if (year := request.GET.get("year", "")).isascii() and year.isdigit():
        reports = reports.filter(year=int(year))
    if (state := request.GET.get("state")) in ReportState.values:
        reports = reports.filter(state=state)
    today = timezone.localdate()
    page = _page(request, reports)
    for report in page:
        report.late = services.report_is_late(report, today, report.due_date)
        report.can_submit = services.can_submit(request.user, report)
    return render(
        request,
        "reports/report_list.html",
        {
            "page": page,
            "page_sizes": PAGE_SIZES,
            "states": ReportState.choices,
            "cities": _cities(request.user),
        },
    )


def _cities(user) -> list[Region]:
    """The cities whose filing status this user may look at."""
    region = user.region
    if region is None:
        return list(
            Region.objects.filter(level=RegionLevel.CITY, children__isnull=False).distinct()
        )
    if region.level in (RegionLevel.CITY,):
        return [region]
    if region.level == RegionLevel.PROVINCE:
        return list(region.children.filter(level=RegionLevel.CITY))
    return []


@login_required
@require_GET
def report_detail(request, pk: int):
    report = get_object_or_404(report_queryset(request.user), pk=pk)
    context = services.report_context(report)
    context["late"] = services.report_is_late(report, timezone.localdate(), report.due_date)
    context["can_submit"] = services.can_submit(request.user, report)
    context["is_city"] = report.region.level == RegionLevel.CITY
    if context["is_city"]:
        context["filing"] = services.filing_status(
            city=report.region, year=report.year, month=report.month, today=timezone.localdate()
        )
    return render(request, "reports/report_detail.html", context)


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
    return download(services.report_xlsx(report), f"{report}.xlsx", XLSX)


@login_required
@require_GET
def report_pdf(request, pk: int):
    report = get_object_or_404(report_queryset(request.user), pk=pk)
    started = time.monotonic()
    data = services.report_pdf(report)
    response = download(data, f"{report}.pdf", PDF)
    response["Server-Timing"] = f"pdf;dur={(time.monotonic() - started) * 1000:.0f}"
    return response


@login_required
@require_GET
def filing_status(request, code: str):
    """Which counties of a city have filed this month's report, and who is late."""
    city = get_object_or_404(
        Region.objects.for_user(request.user).filter(level=RegionLevel.CITY), pk=code
    )
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
        "reports/filing_status.html",
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
