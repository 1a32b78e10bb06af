"""The dashboard's period: this month, quarter or year, last year, or two dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import ServiceError

from ..choices import PeriodKey
from ..monthly.periods import reporting_month_of, reporting_period

# The periods offered by name (a custom period is two dates).
PERIODS = {key.value: key.label for key in PeriodKey if key != PeriodKey.CUSTOM}
DEFAULT_PERIOD = PeriodKey.MONTH


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date


def month_end(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _parse(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(f"{name}格式应为 YYYY-MM-DD。", field="period") from None


def _custom(start: str | None, end: str | None) -> Period:
    if not (start and end):
        raise ServiceError("自定义时段需要同时填写开始日期和结束日期。", field="period")
    first, last = _parse(start, "开始日期"), _parse(end, "结束日期")
    if first > last:
        raise ServiceError("开始日期不能晚于结束日期。", field="period")
    if first.year < 2000 or last.year > 2100:
        raise ServiceError("日期超出可统计的范围。", field="period")
    return Period(PeriodKey.CUSTOM, f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}", first, last)


def resolve_period(params, today: date) -> Period:
    """The period of `?period=report|month|quarter|year|last_year` or `?start=&end=` (custom).
    "report" (本期) is the monthly report's period that contains today."""
    start, end = params.get("start"), params.get("end")
    if start or end:
        return _custom(start, end)
    raw = params.get("period") or DEFAULT_PERIOD
    if raw not in PERIODS:
        raise ServiceError(
            "时段应为 report、month、quarter、year、last_year 之一，或填写开始和结束日期。",
            field="period",
        )
    key = PeriodKey(raw)
    if key == PeriodKey.REPORT:
        year, month = reporting_month_of(today)
        first, last = reporting_period(year, month)
        return Period(key, f"本期（{year}年{month}月报统计期）", first, last)
    if key == PeriodKey.MONTH:
        first = today.replace(day=1)
        return Period(key, f"{today.year}年{today.month}月", first, month_end(first))
    if key == PeriodKey.QUARTER:
        quarter = (today.month - 1) // 3
        first = date(today.year, quarter * 3 + 1, 1)
        last = month_end(add_months(first, 2))
        return Period(key, f"{today.year}年第{quarter + 1}季度", first, last)
    year = today.year if key == PeriodKey.YEAR else today.year - 1
    return Period(key, f"{year}年", date(year, 1, 1), date(year, 12, 31))
