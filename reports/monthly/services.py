"""Monthly progress reports: each county's frozen snapshot, the city roll-up of the counties'
filed reports, filing upward, and reminders to late filers."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from core.choices import RegionLevel
from core.logs import timed
from core.models import Region
from enterprises.models import Enterprise

from ..choices import ReportState
from ..models import MonthlyReport, Notification
from . import figures as fig
from .periods import reporting_period, reporting_year_start
from .snapshot import latest_filed_figures

log = logging.getLogger(__name__)

SUBMIT_ROLES = (Role.REVIEWER, Role.ADMIN)
CITY_SUBMIT_ROLES = (Role.REVIEWER, Role.ADMIN, Role.LEADER)


def counties_with_enterprises() -> list[Region]:
    codes = {c[:6] for c in Enterprise.objects.values_list("region_id", flat=True).distinct()}
    return list(Region.objects.filter(level=RegionLevel.COUNTY, code__in=codes).order_by("code"))


def report_period(year: int, month: int, on: date) -> tuple[date, date]:
    """The report's period (periods.reporting_period), cut at `on` when built early."""
    start, end = reporting_period(year, month)
    end = min(end, on)
    if start > end:
        start = date(year, month, 1)
    return start, end


def report_due_date(year: int, month: int) -> date:
    return date(year, month, settings.REPORTS_MONTHLY_DUE_DAY)


def monthly_reports_build(*, on: date, force: bool = False) -> list[MonthlyReport]:
    """Build this month's county snapshots (once; an existing one stays frozen) and the city
    roll-ups. Before the configured day nothing happens unless forced (the operator's command)."""
    if on.day < settings.REPORTS_MONTHLY_BUILD_DAY and not force:
        return []
    with timed(log, "monthly report build", on=on) as figures:
        built = _build_month(on)
        figures["built"] = len(built)
    return built


def _build_month(on: date) -> list[MonthlyReport]:
    built = []
    counties = counties_with_enterprises()
    done = set(
        MonthlyReport.objects.filter(region__in=counties, year=on.year, month=on.month).values_list(
            "region_id", flat=True
        )
    )
    todo = [c for c in counties if c.code not in done]
    # Every county's figures at once (a few grouped queries), then one report each.
    start, end = report_period(on.year, on.month, on)
    figures = fig.counties_figures(
        todo, start=start, end=end, year_start=reporting_year_start(on.year)
    )
    for county in todo:
        report = report_build_county(
            region=county, year=on.year, month=on.month, on=on, figures=figures[county.code]
        )
        if report is not None:
            built.append(report)
    for city_id in sorted({c.parent_id for c in counties if c.parent_id}):
        city = Region.objects.get(pk=city_id)
        if city.level == RegionLevel.CITY:
            report_build_city(region=city, year=on.year, month=on.month, on=on)
    return built


def report_build_county(
    *, region: Region, year: int, month: int, on: date, figures: dict | None = None
) -> MonthlyReport | None:
    """Freeze one county's figures as of `on` (given when computed with other counties'); None
    when the month already has its snapshot."""
    if MonthlyReport.objects.filter(region=region, year=year, month=month).exists():
        return None
    start, end = report_period(year, month, on)
    if figures is None:
        figures = fig.region_figures(
            region, start=start, end=end, year_start=reporting_year_start(year)
        )
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                region=region,
                year=year,
                month=month,
                as_of=end,
                due_date=report_due_date(year, month),
                figures=figures,
                built_at=timezone.now(),
            )
            notify_filers(report, "已生成，请审核后报送")
    except IntegrityError:
        return None
    return report


def report_build_city(*, region: Region, year: int, month: int, on: date) -> MonthlyReport:
    """(Re)build a city's roll-up of its counties' latest filings while the city may still edit
    it; a filed city report stays as filed (filing.py marks it 待更新 instead)."""
    with transaction.atomic():
        MonthlyReport.objects.bulk_create(
            [
                MonthlyReport(
                    region=region,
                    year=year,
                    month=month,
                    as_of=on,
                    due_date=report_due_date(year, month),
                    figures={},
                    built_at=timezone.now(),
                )
            ],
            ignore_conflicts=True,
        )
        report = (
            MonthlyReport.objects.select_for_update()
            .select_related("region")
            .get(region=region, year=year, month=month)
        )
        if not report.is_editable:
            return report
        report.figures = city_rollup(report)
        report.built_at = timezone.now()
        report.save(update_fields=["figures", "built_at", "updated_at"])
        return report


def filed_counties(city_report: MonthlyReport) -> list[MonthlyReport]:
    """The county reports the city rolls up: filed at least once and not returned."""
    return list(
        MonthlyReport.objects.filter(
            region__parent=city_report.region_id,
            year=city_report.year,
            month=city_report.month,
            state__in=(ReportState.SUBMITTED, ReportState.CORRECTING),
        )
        .select_related("region")
        .order_by("region_id")
    )


def city_rollup(report: MonthlyReport) -> dict:
    """The city's figures from the latest filed version of each county's report."""
    counties = filed_counties(report)
    latest = latest_filed_figures(counties)
    parts = [(r.region, latest[r.pk]) for r in counties if r.pk in latest]
    start, end = reporting_period(report.year, report.month)
    ends = [date.fromisoformat(f["period"]["end"]) for _, f in parts]
    end = max(ends) if ends else min(end, report.as_of)
    return fig.rollup(parts, start=start, end=end, year_start=reporting_year_start(report.year))


def report_is_late(report: MonthlyReport | None, today: date, due: date) -> bool:
    """Late: not filed by the due date (a first filing after it stays late; a correction or a
    return after an on-time filing does not make it late)."""
    first = (report.first_submitted_at or report.submitted_at) if report else None
    if first is None:
        return today > due
    return timezone.localtime(first).date() > due


def remind_late_filers(*, on: date) -> int:
    """Tell the filers of every draft past its due date, once per report and user."""
    with timed(log, "late filer reminders", on=on) as figures:
        count = 0
        late = MonthlyReport.objects.filter(
            state=ReportState.DRAFT, first_submitted_at__isnull=True, due_date__lt=on
        )
        for report_id in late.values_list("pk", flat=True):
            with transaction.atomic():
                report = (
                    MonthlyReport.objects.select_for_update()
                    .select_related("region")
                    .get(pk=report_id)
                )
                if report.state == ReportState.DRAFT:
                    count += notify_filers(report, "已逾期未报送，请尽快审核报送", late=True)
        figures["told"] = count
    return count


def notify_filers(report: MonthlyReport, what: str, *, late: bool = False) -> int:
    """Notify the report's filers once: a notification with the same title and link is not
    repeated (the caller holds the report's row lock or has just created it)."""
    title = f"{report.region.name}{report.year}年{report.month}月进展报告{what}"
    if late:
        title += f"（截止日期{report.due_date:%m月%d日}）"
    url = report.get_absolute_url()
    roles = CITY_SUBMIT_ROLES if report.region.level == RegionLevel.CITY else SUBMIT_ROLES
    users = User.objects.filter(region=report.region, role__in=roles, is_active=True)
    told = set(Notification.objects.filter(url=url, title=title).values_list("user_id", flat=True))
    new = [
        Notification(user=u, title=title[:128], url=url, body=title)
        for u in users
        if u.pk not in told
    ]
    Notification.objects.bulk_create(new)
    return len(new)
