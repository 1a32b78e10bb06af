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

from django.db.models import Count, Q
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


def enforcement_by_prefix(
    prefixes: list[str], *, start: date, end: date, year_start: date
) -> dict[str, tuple[dict, dict]]:
    """The derived enforcement figures of the period and of the year to its end, per region
    prefix, from one query of each kind over all of them (counted apart in Python)."""
    from inspections.choices import DocumentType
    from inspections.models import EnforcementDocument

    digits = len(prefixes[0])
    wanted = set(prefixes)
    first_day = min(start, year_start)
    # The stoppage is read in Python: a JSON key's `__in` is not portable to SQLite, and a
    # county issues few 处理措施决定书 a year.
    documents = EnforcementDocument.objects.filter(
        type=DocumentType.MEASURES,
        voided_at__isnull=True,
        issued_at__date__gte=first_day,
        issued_at__date__lte=end,
    )
    events = HazardEvent.objects.filter(action=Action.RECORD_URGING)
    if len(prefixes) == 1:
        documents = documents.filter(inspection__region__code__startswith=prefixes[0])
        events = events.filter(hazard__region__code__startswith=prefixes[0])
    stopped: dict[str, set] = {p: set() for p in prefixes}
    for code, enterprise, issued_at, data in documents.values_list(
        "inspection__region_id", "inspection__enterprise", "issued_at", "data"
    ):
        if code[:digits] in wanted and (data or {}).get("stoppage") in (
            Stoppage.PARTIAL,
            Stoppage.FULL,
        ):
            stopped[code[:digits]].add((enterprise, timezone.localtime(issued_at).date()))
    # Read in Python as well: comparing JSON keys is not portable to SQLite either, and the
    # events are few (the partial index finds them).
    first, last = first_day.isoformat(), end.isoformat()
    urged: dict[str, set] = {p: set() for p in prefixes}
    for code, enterprise, data in events.values_list(
        "hazard__region_id", "hazard__enterprise", "data"
    ):
        day = str((data or {}).get("urging_date") or "")
        if code[:digits] in wanted and first <= day <= last:
            urged[code[:digits]].add(((data or {}).get("urging_kind"), enterprise, day))
    result = {}
    for prefix in prefixes:
        pair = []
        for since in (start, year_start):
            figures = {"stoppage": len({e for e, on in stopped[prefix] if on >= since})}
            for key, kind in URGING_FIGURES.items():
                figures[key] = len(
                    {
                        (e, day)
                        for k, e, day in urged[prefix]
                        if k == kind and day >= since.isoformat()
                    }
                )
            pair.append(figures)
        result[prefix] = (pair[0], pair[1])
    return result


def enforcement_figures(
    region: Region, *, start: date, end: date, year_start: date
) -> tuple[dict, dict]:
    """One region's derived enforcement figures of the period and of the year."""
    return enforcement_by_prefix([region.prefix], start=start, end=end, year_start=year_start)[
        region.prefix
    ]


def units_inspected(
    figures_of: dict[Region, dict], *, start: date, end: date, year_start: date
) -> set[Region]:
    """Replace 检查单位数 of each region's figures (its total, its sub-region and sector rows,
    本月 and 本年累计) with the enterprises visited (completed inspections). Returns the regions
    that log inspections; a region without any inspection record keeps the hazard-based count
    (a county that does not log its visits in the system yet). The regions are of one level;
    a few grouped queries serve all of them."""
    from inspections.choices import InspectionStatus
    from inspections.models import Inspection

    from .figures import YEAR, child_level

    regions = list(figures_of)
    if not regions:
        return set()
    digits = len(regions[0].prefix)
    by_prefix = {r.prefix: r for r in regions}
    key = Substr("region__code", 1, digits)
    visits = Inspection.objects.alias(key=key)
    if len(regions) == 1:
        visits = visits.filter(region__code__startswith=regions[0].prefix)
    else:
        visits = visits.filter(key__in=list(by_prefix))
    logged = set(visits.order_by().values_list(key, flat=True).distinct())
    if not logged:
        return set()
    done = visits.filter(
        key__in=list(logged),
        status=InspectionStatus.DONE,
        date__gte=min(start, year_start),
        date__lte=end,
    )
    counts = {
        "month": Count("enterprise", distinct=True, filter=Q(date__gte=start)),
        "year": Count("enterprise", distinct=True, filter=Q(date__gte=year_start)),
    }

    def grouped(*fields) -> dict[tuple, dict]:
        rows = done.order_by().values(*fields).annotate(**counts)
        return {tuple(str(r[f]) for f in fields): r for r in rows}

    child_digits = SIGNIFICANT_DIGITS[child_level(regions[0])]
    done = done.annotate(region_key=key, child_key=Substr("region__code", 1, child_digits))
    totals = grouped("region_key")
    children = grouped("child_key")
    sectors = grouped("region_key", "enterprise__sector")
    for prefix in logged:
        figures = figures_of[by_prefix[prefix]]
        row = totals.get((prefix,), {"month": 0, "year": 0})
        figures["total"]["units_inspected"] = row["month"]
        figures["year_total"]["units_inspected"] = row["year"]
        for group, found, make_key in (
            ("by_region", children, lambda r: (r["key"],)),
            ("by_sector", sectors, lambda r, p=prefix: (p, r["key"])),
        ):
            for r in figures[group]:
                counted = found.get(make_key(r), {"month": 0, "year": 0})
                r["units_inspected"] = counted["month"]
                if YEAR in r:
                    r[YEAR]["units_inspected"] = counted["year"]
    return {by_prefix[p] for p in logged}
