"""Enforcement figures of the monthly report that the system derives from its own records.

- 检查企业数: enterprises with a completed inspection in the period (each counted once); a
  region that logs no inspections at all keeps the hazard-based count and a note says so.
- 责令停产整顿: enterprises ordered to stop (局部 or 全部停产停业) by a 现场处理措施决定书 issued
  in the period and not voided.
- 约谈 / 通报 / 曝光: recorded 督促措施 dated in the period; one measure against one enterprise on
  one day counts once, however many of its hazards it was recorded on.

立案查处, 罚款, 关闭取缔 and 移送司法机关 are not recorded by the system: the county enters them
on the report (figures.ENTERED).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from core.choices import SIGNIFICANT_DIGITS
from core.models import Region
from hazards.choices import Action, Stoppage, UrgingKind
from hazards.models import HazardEvent

URGING_FIGURES = {
    "interviews": UrgingKind.INTERVIEW,
    "bulletins": UrgingKind.BULLETIN,
    "exposures": UrgingKind.EXPOSURE,
}


def enforcement_figures(
    region: Region, *, start: date, end: date, year_start: date
) -> tuple[dict, dict]:
    """The derived enforcement figures of the period and of the year to its end, from one
    query of each kind over the year (counted apart in Python)."""
    from inspections.choices import DocumentType
    from inspections.models import EnforcementDocument

    # The stoppage is read in Python: a JSON key's `__in` is not portable to SQLite, and a
    # county issues few 处理措施决定书 a year.
    stopped = {
        (enterprise, issued_at)
        for enterprise, issued_at, data in EnforcementDocument.objects.filter(
            inspection__region__code__startswith=region.prefix,
            type=DocumentType.MEASURES,
            voided_at__isnull=True,
            issued_at__date__gte=min(start, year_start),
            issued_at__date__lte=end,
        ).values_list("inspection__enterprise", "issued_at", "data")
        if (data or {}).get("stoppage") in (Stoppage.PARTIAL, Stoppage.FULL)
    }
    # Read in Python as well: comparing JSON keys is not portable to SQLite either, and the
    # events are few (the partial index finds them).
    first_day, last_day = min(start, year_start).isoformat(), end.isoformat()
    urged = set()
    for enterprise, data in HazardEvent.objects.filter(
        hazard__region__code__startswith=region.prefix, action=Action.RECORD_URGING
    ).values_list("hazard__enterprise", "data"):
        day = str((data or {}).get("urging_date") or "")
        if first_day <= day <= last_day:
            urged.add(((data or {}).get("urging_kind"), enterprise, day))
    result = []
    for first in (start, year_start):
        figures = {
            "stoppage": len({e for e, at in stopped if timezone.localtime(at).date() >= first})
        }
        for key, kind in URGING_FIGURES.items():
            figures[key] = len(
                {(e, day) for k, e, day in urged if k == kind and day >= first.isoformat()}
            )
        result.append(figures)
    return result[0], result[1]


def units_inspected(
    figures: dict, region: Region, *, start: date, end: date, year_start: date
) -> bool:
    """Replace 检查单位数 with enterprises visited (completed inspections) in the period and in
    the year. Returns False, leaving the hazard-based count, when the region has no inspection
    records at all (a county that does not log its visits in the system yet)."""
    from inspections.choices import InspectionStatus
    from inspections.models import Inspection

    visits = Inspection.objects.filter(region__code__startswith=region.prefix)
    if not visits.exists():
        return False
    done = visits.filter(status=InspectionStatus.DONE, date__lte=end)
    month = done.filter(date__gte=start)
    figures["total"]["units_inspected"] = month.values("enterprise").distinct().count()
    figures["year_total"]["units_inspected"] = (
        done.filter(date__gte=year_start).values("enterprise").distinct().count()
    )
    from .figures import child_level

    digits = SIGNIFICANT_DIGITS[child_level(region)]
    per_region = dict(
        month.annotate(key=Substr("region__code", 1, digits))
        .values("key")
        .annotate(n=Count("enterprise", distinct=True))
        .values_list("key", "n")
    )
    per_sector = dict(
        month.values("enterprise__sector")
        .annotate(n=Count("enterprise", distinct=True))
        .values_list("enterprise__sector", "n")
    )
    for row in figures["by_region"]:
        row["units_inspected"] = per_region.get(row["key"], 0)
    for row in figures["by_sector"]:
        row["units_inspected"] = per_sector.get(int(row["key"]), 0)
    return True
