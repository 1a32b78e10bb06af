"""Working days on the Chinese calendar: statutory holidays and 调休 make-up days.

The admin-editable WorkCalendarDay table wins; otherwise the chinese_calendar package decides;
for years it does not know yet, Monday to Friday are working days.
"""

from __future__ import annotations

from datetime import date, timedelta

from chinese_calendar import is_workday as _package_is_workday


def is_workday(day: date, overrides: dict[date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = _overrides(day, day)
    if day in overrides:
        return overrides[day]
    try:
        return _package_is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def workdays_between(start: date, end: date) -> int:
    """Working days d with start < d <= end (0 when end <= start)."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(day, overrides)
    return count


def add_workdays(start: date, count: int) -> date:
    overrides = _overrides(start, start + timedelta(days=count * 2 + 30))
    day = start
    while count > 0:
        day += timedelta(days=1)
        count -= is_workday(day, overrides)
    return day


def _overrides(start: date, end: date) -> dict[date, bool]:
    from core.models import WorkCalendarDay

    return dict(
        WorkCalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    )
