"""Demo notices and monthly reports for `make run`, made by the real jobs and monthly.

The notice job is run for each of the past 35 days, each run seeing the hazards as they stood
that morning (so the ladder shows reminders and overdue notices at different steps, each made on
the day it was due, and none about a hazard not yet found or already rectified then); last
month's county report is filed by the demo reviewer while the other county's stays late, and
this month's is a draft.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from core.models import Region

from .choices import ReportState
from .models import MonthlyReport, Notice, Notification
from .monthly import filing
from .monthly import services as monthly
from .notices import services as notices

DAYS_BACK = 35

# What the demo county wrote on last month's report before filing it.
DEMO_FILING = {
    "cases_filed": 3,
    "fines": "12.5",
    "closed_down": 0,
    "judiciary": 0,
    "work_done": "开展重大事故隐患专项排查整治，重点检查危险化学品、燃气和工贸企业。",
    "problems": "部分企业自查自改主动性不足，个别隐患整改资金未落实。",
    "next_steps": "对逾期未整改的隐患逐一约谈督办，月底前完成复查销号。",
    "filled_by": "李明",
    "reviewed_by": "王强",
    "phone": "0477-7621234",
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_notices(today: date) -> int:
    created = 0
    for back in range(DAYS_BACK, -1, -1):
        day = today - timedelta(days=back)
        marker = timezone.now()
        # Each past run sees the hazards as they stood that morning (from their recorded steps).
        result = notices.notices_run(on=day, as_of=_at(day, 7, 30) if back else None)
        created += result.created
        if back:
            # Each day's notices and messages carry that morning's time, as the job would have.
            Notice.objects.filter(created_at__gte=marker).update(created_at=_at(day, 7, 30))
            fresh = Notification.objects.filter(created_at__gte=marker)
            fresh.update(created_at=_at(day, 7, 30), read_at=_at(day, 9) if back > 3 else None)
    return created


def seed_monthly(today: date) -> int:
    reviewer = User.objects.get(username="reviewer")
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    last_as_of = date(year, month, settings.REPORTS_MONTHLY_BUILD_DAY)
    built = 0
    for county in monthly.counties_with_enterprises():
        if monthly.report_build_county(region=county, year=year, month=month, on=last_as_of):
            built += 1
        city = county.parent
        if city is not None:
            monthly.report_build_city(region=city, year=year, month=month, on=last_as_of)
    front = MonthlyReport.objects.filter(region_id="150623", year=year, month=month).first()
    if front and front.state == ReportState.DRAFT:
        filing.report_update(report=front, by=reviewer, data=DEMO_FILING)
        filing.report_submit(report=front, by=reviewer)
        filed_at = _at(last_as_of + timedelta(days=5), 16, 20)
        MonthlyReport.objects.filter(pk=front.pk).update(
            submitted_at=filed_at, first_submitted_at=filed_at
        )
        front.versions.update(submitted_at=filed_at)
    monthly.remind_late_filers(on=today)
    built += len(monthly.monthly_reports_build(on=today, force=True))
    return built


def seed_reports() -> int:
    """Idempotent: the jobs make each notice and report once, so a second run adds nothing."""
    if not Region.objects.filter(code="150623").exists():
        return 0
    today = timezone.localdate()
    return seed_notices(today) + seed_monthly(today)
