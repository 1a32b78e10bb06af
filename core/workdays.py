"""Working days on the Chinese calendar: statutory holidays and 调休 make-up days.

For each day, in order:
1. the admin-editable WorkCalendarDay table (the State Council's arrangement as entered);
2. the chinese_calendar package, for the years it ships;
3. otherwise the statutory holidays of 《全国年节及纪念日放假办法》, computed (lunar dates converted,
   清明 from the solar-term formula), on top of Monday to Friday, without 调休 make-up days.

A year that the package does not ship and whose statutory holidays are not all in the table is
*estimated*: its working-day results can be off by the days the State Council has not announced
(or that have not been entered yet), and whatever shows such a result says so
(`estimate_note`).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import holidays as _package_holidays
from lunardate import LunarDate

# The 2024 revision of the 放假办法 (in force from 2025) added 除夕 and the second day of 劳动节.
REVISION_2024_FROM = 2025
_PACKAGE_YEARS = range(min(_package_holidays).year, max(_package_holidays).year + 1)


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[date, str]:
    """The days off the 放假办法 itself grants in `year` (no 调休), with the festival's name."""
    days: dict[date, str] = {}

    def add(day: date, name: str) -> None:  # 中秋 may fall on 国庆 (2028-10-03)
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(date(year, 1, 1), "元旦")
    add(date(year, 5, 1), "劳动节")
    if year >= REVISION_2024_FROM:
        add(date(year, 5, 2), "劳动节")
    for day in (1, 2, 3):
        add(date(year, 10, day), "国庆节")
    try:
        spring = LunarDate(year, 1, 1).to_solar_date()
        dragon_boat = LunarDate(year, 5, 5).to_solar_date()
        mid_autumn = LunarDate(year, 8, 15).to_solar_date()
        qingming = _qingming(year)
    except (ValueError, NotImplementedError):  # outside the converters' range (1900–2099)
        return days
    first = -1 if year >= REVISION_2024_FROM else 0  # 除夕
    for offset in range(first, 3):
        add(spring + timedelta(days=offset), "春节")
    add(qingming, "清明节")
    add(dragon_boat, "端午节")
    add(mid_autumn, "中秋节")
    return dict(sorted(days.items()))


def _qingming(year: int) -> date:
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    return next(day for day, name in terms if name == "清明")


class _Calendar:
    """The table's rows, read once per year per calculation."""

    def __init__(self) -> None:
        self.rows: dict[date, bool] = {}
        self.loaded: set[int] = set()

    def load(self, *years: int) -> None:
        from core.models import WorkCalendarDay

        wanted = set(years) - self.loaded
        if not wanted:
            return
        rows = WorkCalendarDay.objects.filter(date__year__in=wanted).values_list(
            "date", "is_workday"
        )
        self.rows.update(rows)
        self.loaded |= wanted

    def is_workday(self, day: date) -> bool:
        self.load(day.year)
        if day in self.rows:
            return self.rows[day]
        if day.year in _PACKAGE_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def is_estimated(self, year: int) -> bool:
        """Neither shipped by the package nor entered: the entry is complete once every statutory
        holiday on a weekday is in the table as a day off (a range entered for 春节 alone leaves
        the year estimated)."""
        if year in _PACKAGE_YEARS:
            return False
        self.load(year)
        weekdays = [day for day in statutory_holidays(year) if day.weekday() < 5]
        return not all(self.rows.get(day) is False for day in weekdays)


def is_workday(day: date) -> bool:
    return _Calendar().is_workday(day)


def workdays_between(start: date, end: date) -> int:
    """Working days d with start < d <= end (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = _Calendar()
    calendar.load(*range(start.year, end.year + 1))
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_workday(day)
    return count


def add_workdays(start: date, count: int) -> date:
    """The day `count` working days after `start`."""
    calendar = _Calendar()
    day = start
    while count > 0:
        day += timedelta(days=1)
        count -= calendar.is_workday(day)
    return day


def window_opens(end: date, count: int) -> date:
    """The first day from which at most `count` working days remain until `end` (inclusive):
    the earliest d with workdays_between(d, end) <= count."""
    calendar = _Calendar()
    day, seen = end, 0
    while True:
        step = calendar.is_workday(day)
        if seen + step > count:
            return day
        seen += step
        day -= timedelta(days=1)


def is_estimated(year: int) -> bool:
    """True when neither the package nor the table has the year's arrangement."""
    return _Calendar().is_estimated(year)


def estimated_years(start: date, end: date) -> list[int]:
    calendar = _Calendar()
    years = range(min(start, end).year, max(start, end).year + 1)
    calendar.load(*years)
    return [year for year in years if calendar.is_estimated(year)]


def estimate_note(start: date, end: date) -> str:
    """What to say beside a working-day result between two days when it rests on an estimate
    (empty when it does not)."""
    years = estimated_years(start, end)
    if not years:
        return ""
    named = "、".join(str(year) for year in years)
    return f"{named} 年节假日安排尚未录入，工作日按法定节假日估算，未计调休"


# The State Council publishes next year's arrangement in autumn: from this day of the year
# before, a missing year is announced to admins.
ANNOUNCE_FROM = (10, 1)


def missing_arrangement(today: date) -> int | None:
    """The year admins should enter the arrangement of now, or None.

    This year when it is missing; next year from 1 October."""
    candidates = [today.year]
    if (today.month, today.day) >= ANNOUNCE_FROM:
        candidates.append(today.year + 1)
    calendar = _Calendar()
    calendar.load(*candidates)
    return next((year for year in candidates if calendar.is_estimated(year)), None)
