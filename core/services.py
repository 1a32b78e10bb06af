"""Reference data: regions, sectors, the work calendar. Loading twice changes nothing."""

import json
from pathlib import Path

from django.db import transaction

from .data.sectors import SECTORS
from .errors import ServiceError
from .models import Region, Sector

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def regions_load(*, path: Path | None = None) -> int:
    """Create or update regions from a JSON list of {code, name, level, parent, abbreviation}."""
    items = json.loads((path or DATA_DIR / "regions.json").read_text(encoding="utf-8"))
    by_code = {item["code"]: item for item in items}
    done: set[str] = set()

    def load(code: str) -> None:
        if code in done:
            return
        item = by_code[code]
        if item["parent"]:
            load(item["parent"])
        Region.objects.update_or_create(
            code=code,
            defaults={"name": item["name"], "level": item["level"], "parent_id": item["parent"]},
        )
        if item.get("abbreviation"):  # a default: an abbreviation an admin has set is kept
            Region.objects.filter(code=code, abbreviation="").update(
                abbreviation=item["abbreviation"]
            )
        done.add(code)

    for code in by_code:
        load(code)
    return len(done)


@transaction.atomic
def sectors_load() -> int:
    """Create or update the sector list of the domain brief."""
    for order, (code, name, parent, kind) in enumerate(SECTORS, start=1):
        Sector.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": Sector.objects.get(code=parent) if parent else None,
                "supervisor_kind": kind,
                "order": order,
            },
        )
    return len(SECTORS)


@transaction.atomic
def work_calendar_seed(*, years: list[int]) -> int:
    """Copy the package's holidays and 调休 days of the given years into the editable table."""
    from datetime import date, timedelta

    import chinese_calendar

    from .models import WorkCalendarDay

    created = 0
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            try:
                workday = chinese_calendar.is_workday(day)
            except NotImplementedError:
                break
            if workday != (day.weekday() < 5):
                _, made = WorkCalendarDay.objects.get_or_create(
                    date=day,
                    defaults={
                        "is_workday": workday,
                        "note": "调休上班" if workday else _holiday_name(day),
                    },
                )
                created += made
            day += timedelta(days=1)
    return created


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _holiday_name(day) -> str:
    import chinese_calendar

    name = chinese_calendar.get_holiday_detail(day)[1]
    return _HOLIDAY_NAMES.get(name, "节假日")


# A holiday in the State Council's arrangement lasts at most 8 or 9 days; a longer range is a typo.
CALENDAR_RANGE_MAX_DAYS = 31
CALENDAR_NAME_MAX = 32


@transaction.atomic
def work_calendar_add_range(*, start, end, kind: str, name: str) -> int:
    """Enter one line of the State Council's arrangement, e.g. 春节 2028-01-25 至 2028-02-01 放假,
    or 2028-01-22 调休上班: every day of the range becomes (or replaces) a table row."""
    from datetime import timedelta

    from .choices import CalendarDayKind
    from .models import WorkCalendarDay

    if kind not in CalendarDayKind.values:
        raise ServiceError("请选择放假或调休上班。", field="kind")
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写节日名称，例如：春节。", field="name")
    if len(name) > CALENDAR_NAME_MAX:
        raise ServiceError(f"节日名称不能超过 {CALENDAR_NAME_MAX} 个字。", field="name")
    if end < start:
        raise ServiceError("结束日期不能早于开始日期。", field="end")
    if (end - start).days >= CALENDAR_RANGE_MAX_DAYS:
        raise ServiceError(f"一次最多录入 {CALENDAR_RANGE_MAX_DAYS} 天。", field="end")
    workday = kind == CalendarDayKind.WORKDAY
    note = f"{name}调休上班" if workday else name
    day, count = start, 0
    while day <= end:
        WorkCalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": workday, "note": note}
        )
        day += timedelta(days=1)
        count += 1
    return count


def work_calendar_seed_default() -> int:
    """Seed this year's and next year's holidays and 调休 days (those the package knows)."""
    from django.utils import timezone

    year = timezone.localdate().year
    return work_calendar_seed(years=[year, year + 1])


def next_document_number(*, issuer: str, kind: str, year: int) -> tuple[int, str]:
    """Take the next 文号 of an issuer's kind of document, e.g. 鄂前应急责改〔2026〕15号.

    Call inside the transaction that stores the document: the sequence row stays locked until
    it commits, so concurrent documents get consecutive numbers and a rollback leaves no gap.
    """
    from .models import DocumentSequence

    rows = DocumentSequence.objects.select_for_update()
    sequence = rows.filter(issuer=issuer, kind=kind, year=year).first()
    if sequence is None:  # the first document of its kind this year
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(issuer=issuer, kind=kind, year=year)], ignore_conflicts=True
        )
        sequence = rows.get(issuer=issuer, kind=kind, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last, f"{issuer}{kind}〔{year}〕{sequence.last}号"


# The departments every county-level region has, in this order (a setting may narrow it).
COUNTY_DEPARTMENTS = (
    "emergency",
    "safety_office",
    "housing",
    "transport",
    "market",
    "fire",
    "industry",
    "energy",
    "water",
    "education",
    "health",
    "culture",
    "agriculture",
)


def county_departments_create(region: Region) -> int:
    """Give a county its standard departments (名称 = 旗县名 + 部门类别), from
    settings.COUNTY_DEPARTMENT_KINDS; departments it already has are left alone."""
    from django.conf import settings

    from .choices import DepartmentKind, RegionLevel
    from .models import Department

    if region.level != RegionLevel.COUNTY:
        return 0
    created = 0
    for kind in getattr(settings, "COUNTY_DEPARTMENT_KINDS", COUNTY_DEPARTMENTS):
        _, new = Department.objects.get_or_create(
            region=region,
            kind=kind,
            defaults={"name": f"{region.name}{DepartmentKind(kind).label}"},
        )
        created += new
    return created
