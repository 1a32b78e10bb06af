"""The reporting period of the monthly report, the one period the report and the dashboard's
"本期" share: from the day after last month's build day to this month's build day
(settings.REPORTS_MONTHLY_BUILD_DAY, the 20th unless configured)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def following_month(year: int, month: int) -> tuple[int, int]:
    return (year, month + 1) if month < 12 else (year + 1, 1)


def reporting_period(year: int, month: int) -> tuple[date, date]:
    """The whole period of the report of `year`/`month`."""
    day = settings.REPORTS_MONTHLY_BUILD_DAY
    py, pm = previous_month(year, month)
    return date(py, pm, day) + timedelta(days=1), date(year, month, day)


def reporting_year_start(year: int) -> date:
    """Where 本年累计 starts: the first day of January's reporting period, so the year's
    cumulative figures are the sum of its monthly periods."""
    return reporting_period(year, 1)[0]


def reporting_month_of(day: date) -> tuple[int, int]:
    """The report whose period contains `day` (after the build day: next month's report)."""
    if day.day <= settings.REPORTS_MONTHLY_BUILD_DAY:
        return day.year, day.month
    return following_month(day.year, day.month)
