"""Monthly progress reports: each county's frozen snapshot, the city roll-up of the counties'
filed reports, filing upward, and reminders to late filers."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from core.choices import RegionLevel
from core.errors import Kind, ServiceError
from core.logs import timed
from core.models import Region
from enterprises.models import Enterprise

from ..choices import ReportState
from ..models import MonthlyReport, Notification
from . import figures as fig

log = logging.getLogger(__name__)

SUBMIT_ROLES = (Role.REVIEWER, Role.ADMIN)
CITY_SUBMIT_ROLES = (Role.REVIEWER, Role.ADMIN, Role.LEADER)


def counties_with_enterprises() -> list[Region]:
    codes = {c[:6] for c in Enterprise.objects.values_list("region_id", flat=True).distinct()}
    return list(Region.objects.filter(level=RegionLevel.COUNTY, code__in=codes).order_by("code"))


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def report_period(region: Region, year: int, month: int, as_of: date) -> tuple[date, date]:
    """From the day after last month's snapshot (or the day after last month's build day)."""
    py, pm = _previous_month(year, month)
    previous = MonthlyReport.objects.filter(region=region, year=py, month=pm).first()
    start = (
        previous.as_of + timedelta(days=1)
        if previous
        else date(py, pm, settings.REPORTS_MONTHLY_BUILD_DAY) + timedelta(days=1)
    )
    if start > as_of:
        start = date(year, month, 1)
    return start, as_of


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
    for county in counties:
        report = report_build_county(region=county, year=on.year, month=on.month, on=on)
        if report is not None:
            built.append(report)
    for city_id in sorted({c.parent_id for c in counties if c.parent_id}):
        city = Region.objects.get(pk=city_id)
        if city.level == RegionLevel.CITY:
            report_build_city(region=city, year=on.year, month=on.month, on=on)
    return built


def report_build_county(*, region: Region, year: int, month: int, on: date) -> MonthlyReport | None:
    """Freeze one county's figures as of `on`; None when the month already has its snapshot."""
    if MonthlyReport.objects.filter(region=region, year=year, month=month).exists():
        return None
    start, end = report_period(region, year, month, on)
    figures = fig.region_figures(region, start=start, end=end)
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
            _notify_filers(report, "已生成，请审核后报送")
    except IntegrityError:
        return None
    return report


def report_build_city(*, region: Region, year: int, month: int, on: date) -> MonthlyReport:
    """(Re)build a city's draft from its counties' SUBMITTED snapshots; a submitted one stays."""
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
        report = MonthlyReport.objects.select_for_update().get(
            region=region, year=year, month=month
        )
        if report.state == ReportState.SUBMITTED:
            return report
        counties = MonthlyReport.objects.filter(
            region__parent=region, year=year, month=month, state=ReportState.SUBMITTED
        ).select_related("region")
        parts = [(r.region, r.figures) for r in counties.order_by("region_id")]
        starts = [date.fromisoformat(f["period"]["start"]) for _, f in parts] or [report.as_of]
        ends = [date.fromisoformat(f["period"]["end"]) for _, f in parts] or [report.as_of]
        report.figures = fig.rollup(parts, start=min(starts), end=max(ends))
        report.built_at = timezone.now()
        report.save(update_fields=["figures", "built_at", "updated_at"])
        return report


def can_submit(user: User, report: MonthlyReport) -> bool:
    if report.state != ReportState.DRAFT or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = CITY_SUBMIT_ROLES if report.region.level == RegionLevel.CITY else SUBMIT_ROLES
    return user.region_id == report.region_id and user.role in roles


def report_submit(*, report: MonthlyReport | int, by: User) -> MonthlyReport:
    """File a report upward. A county's filing rebuilds its city's draft roll-up."""
    pk = report.pk if isinstance(report, MonthlyReport) else report
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update().select_related("region").get(pk=pk)
        if locked.state == ReportState.SUBMITTED:
            raise ServiceError("该报告已报送，不能重复报送。", kind=Kind.STATE)
        if not can_submit(by, locked):
            raise ServiceError("只有本级审核人员或管理员可以报送本级报告。", kind=Kind.ROLE)
        locked.state = ReportState.SUBMITTED
        locked.submitted_by = by
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["state", "submitted_by", "submitted_at", "updated_at"])
        parent = locked.region.parent
        if (
            locked.region.level == RegionLevel.COUNTY
            and parent
            and parent.level == RegionLevel.CITY
        ):
            report_build_city(region=parent, year=locked.year, month=locked.month, on=locked.as_of)
    return locked


def report_is_late(report: MonthlyReport | None, today: date, due: date) -> bool:
    if report is None or report.state == ReportState.DRAFT:
        return today > due
    return timezone.localtime(report.submitted_at).date() > due


def filing_status(*, city: Region, year: int, month: int, today: date) -> list[dict]:
    """Each county of the city that files: its report (if built), state and whether late."""
    due = report_due_date(year, month)
    reports = {
        r.region_id: r
        for r in MonthlyReport.objects.filter(
            region__parent=city, year=year, month=month
        ).select_related("submitted_by")
    }
    rows = []
    for county in counties_with_enterprises():
        if county.parent_id != city.pk:
            continue
        report = reports.get(county.pk)
        rows.append(
            {
                "region": county,
                "report": report,
                "due_date": due,
                "submitted": bool(report and report.state == ReportState.SUBMITTED),
                "late": report_is_late(report, today, due),
            }
        )
    return rows


def remind_late_filers(*, on: date) -> int:
    """Tell the filers of every draft past its due date, once per report and user."""
    with timed(log, "late filer reminders", on=on) as figures:
        count = 0
        late = MonthlyReport.objects.filter(state=ReportState.DRAFT, due_date__lt=on)
        for report_id in late.values_list("pk", flat=True):
            with transaction.atomic():
                report = (
                    MonthlyReport.objects.select_for_update()
                    .select_related("region")
                    .get(pk=report_id)
                )
                if report.state == ReportState.DRAFT:
                    count += _notify_filers(report, "已逾期未报送，请尽快审核报送", late=True)
        figures["told"] = count
    return count


def _notify_filers(report: MonthlyReport, what: str, *, late: bool = False) -> int:
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
