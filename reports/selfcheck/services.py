"""The enterprise's monthly self-inspection summary (企业隐患自查月报): filing it, who has not
filed, and how many have, for the monthly progress report.

A month's summary is due by settings.REPORTS_SELFCHECK_DUE_DAY of the next month, signed by the
enterprise's 主要负责人. "本月未发现重大事故隐患" is declared explicitly and must agree with the
hazards the enterprise itself reported that month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import Kind, ServiceError
from core.models import Region
from enterprises.choices import EnterpriseStatus
from enterprises.models import Enterprise
from hazards.choices import HazardLevel, HazardSource
from hazards.models import Hazard

from ..models import SelfCheckSummary

PRINCIPAL_MAX = 32


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def due_date(year: int, month: int) -> date:
    """The day a month's summary is due: the configured day of the following month."""
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, settings.REPORTS_SELFCHECK_DUE_DAY)


def default_period(today: date | None = None) -> tuple[int, int]:
    """The month being filed now: the previous one."""
    today = today or timezone.localdate()
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


@dataclass(frozen=True)
class SelfReported:
    """What the enterprise itself reported (source 企业自查上报) in a month, from its hazards."""

    total: int
    major: int
    major_numbers: list[str]


def self_reported(enterprise: Enterprise, year: int, month: int) -> SelfReported:
    start, end = month_bounds(year, month)
    hazards = Hazard.objects.filter(
        enterprise=enterprise,
        source=HazardSource.SELF_REPORT,
        found_date__gte=start,
        found_date__lte=end,
    )
    numbers = list(
        hazards.filter(level=HazardLevel.MAJOR).order_by("number").values_list("number", flat=True)
    )
    return SelfReported(hazards.count(), len(numbers), numbers)


def _check(
    enterprise: Enterprise,
    year: int,
    month: int,
    *,
    principal: str,
    found_count: int,
    rectified_count: int,
    major_count: int,
    no_major_declared: bool,
) -> None:
    """Every problem of a summary at once, as field errors."""
    errors: dict[str, str] = {}
    if not 1 <= month <= 12:
        errors["month"] = "月份应在 1 至 12 之间。"
    elif (year, month) > default_period():
        errors["month"] = "只能报送已结束月份的自查月报。"
    if not principal:
        errors["principal"] = "请填写主要负责人姓名（签字）。"
    elif len(principal) > PRINCIPAL_MAX:
        errors["principal"] = f"主要负责人姓名不能超过 {PRINCIPAL_MAX} 个字。"
    if rectified_count > found_count:
        errors["rectified_count"] = "已整改隐患数不能多于自查发现隐患数。"
    if major_count > found_count:
        errors["major_count"] = "重大事故隐患数不能多于自查发现隐患数。"
    if no_major_declared and major_count:
        errors["no_major_declared"] = "已填写重大事故隐患数，不能同时声明“本月未发现重大事故隐患”。"
    if not no_major_declared and not major_count:
        errors["no_major_declared"] = (
            "本月未发现重大事故隐患的，请勾选“本月未发现重大事故隐患”声明；发现的，请填写其数量。"
        )
    if "month" not in errors:
        reported = self_reported(enterprise, year, month)
        if no_major_declared and reported.major:
            errors["no_major_declared"] = (
                f"本企业{year}年{month}月已自查上报重大事故隐患 {reported.major} 项"
                f"（{'、'.join(reported.major_numbers)}），不能声明“本月未发现重大事故隐患”。"
            )
        elif major_count < reported.major:
            errors["major_count"] = (
                f"本月已自查上报重大事故隐患 {reported.major} 项，数量不能少于此数。"
            )
        if found_count < reported.total:
            errors["found_count"] = (
                f"本月已在系统中自查上报隐患 {reported.total} 项，自查发现隐患数不能少于此数。"
            )
    if errors:
        raise ServiceError(next(iter(errors.values())), fields=errors)


def selfcheck_file(
    *,
    by,
    enterprise: Enterprise | int,
    year: int,
    month: int,
    principal: str,
    found_count: int,
    rectified_count: int,
    major_count: int = 0,
    no_major_declared: bool = False,
    note: str = "",
) -> SelfCheckSummary:
    """File (or correct) an enterprise's summary for a month. Only the enterprise's own account
    files it; an enterprise the user does not hold is not found."""
    pk = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    found = Enterprise.objects.for_user(by).filter(pk=pk).first()
    if found is None:
        raise ServiceError("没有找到该企业。", kind=Kind.SCOPE)
    if not getattr(by, "is_enterprise_account", False):
        raise ServiceError("自查月报由企业账号报送。", kind=Kind.ROLE)
    principal = (principal or "").strip()
    _check(
        found,
        year,
        month,
        principal=principal,
        found_count=found_count,
        rectified_count=rectified_count,
        major_count=major_count,
        no_major_declared=no_major_declared,
    )
    with transaction.atomic():
        summary, _ = SelfCheckSummary.objects.select_for_update().update_or_create(
            enterprise=found,
            year=year,
            month=month,
            defaults={
                "principal": principal,
                "found_count": found_count,
                "rectified_count": rectified_count,
                "major_count": major_count,
                "no_major_declared": no_major_declared,
                "note": (note or "").strip(),
                "filed_by": by,
                "filed_at": timezone.now(),
                "due_date": due_date(year, month),
            },
        )
    return summary


def selfcheck_summaries(user) -> QuerySet[SelfCheckSummary]:
    return SelfCheckSummary.objects.for_user(user).select_related("enterprise__region", "filed_by")


def selfcheck_missing(user, year: int, month: int) -> QuerySet[Enterprise]:
    """The operating enterprises the user supervises (their town, county or city) that have not
    filed the month's summary; an enterprise account has none to supervise."""
    if getattr(user, "is_enterprise_account", False):
        return Enterprise.objects.none()
    return (
        Enterprise.objects.for_user(user)
        .filter(status=EnterpriseStatus.OPERATING)
        .exclude(selfcheck_summaries__year=year, selfcheck_summaries__month=month)
        .select_related("region", "sector")
        .order_by("region__code", "name")
    )


@dataclass(frozen=True)
class Standing:
    """How many of a region's operating enterprises filed a month's summary."""

    year: int
    month: int
    filed: int
    operating: int

    @property
    def missing(self) -> int:
        return max(self.operating - self.filed, 0)


def selfcheck_standing_for_report(region: Region, year: int, month: int) -> Standing:
    """The self-inspection summaries a monthly progress report of (year, month) can count: the
    previous month's, due by the configured day of the report's month (the report's own month
    is not due until after the report is)."""
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    operating = Enterprise.objects.filter(
        region__code__startswith=region.prefix, status=EnterpriseStatus.OPERATING
    ).count()
    return Standing(year, month, selfcheck_filed_count(region, year, month), operating)


def selfcheck_filed_count(region: Region, year: int, month: int) -> int:
    """Enterprises of the region that filed the month's summary (已报自查月报企业数)."""
    return SelfCheckSummary.objects.filter(
        enterprise__region__code__startswith=region.prefix, year=year, month=month
    ).count()
