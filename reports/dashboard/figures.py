"""Figures of the leaders' dashboard (驾驶舱), from the hazards a user may see.

Every figure is a plain dict `{"value": n, "query": "...", "url": "..."}` whose query string,
given to the hazard list (hazards:hazard_list, same HazardFilterSet), selects exactly the hazards
counted. The conditions below and those querystrings are written side by side on purpose: when
one changes, the other must too, and tests/reports/test_dashboard.py checks every link.

Cost: one grouped query over the scope's 重大 hazards (an index-only scan of a small partial
index) from which the cards, the trend, the funnel, the ageing buckets and the sub-region and
sector rows are summed; one query each for 挂牌 hazards and 督促整改率; the sub-regions and the
sectors (names); the inspection coverage in one grouped query. reports.dashboard.services
caches the result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from core.choices import SIGNIFICANT_DIGITS
from core.models import Region, Sector
from core.scoping import effective_scope
from enterprises.choices import EnterpriseStatus
from enterprises.models import Enterprise
from hazards.choices import OPEN_STATES, HazardLevel, HazardState, SupervisionLevel
from hazards.models import Hazard, found_by_regulator_q, urged_q
from inspections.choices import InspectionStatus
from inspections.models import Inspection
from reports.monthly.figures import OLD_STOCK_BEFORE, child_level, rate

from .periods import add_months, month_end

TREND_MONTHS = 12
# (key, label, least days overdue, most days overdue or None)
AGEING = [
    ("1-7", "7天以内", 1, 7),
    ("8-30", "8–30天", 8, 30),
    ("31-90", "31–90天", 31, 90),
    ("91+", "90天以上", 91, None),
]
FUNNEL_STATES = [
    HazardState.REGISTERED,
    HazardState.RECTIFYING,
    HazardState.AWAITING_RECHECK,
    HazardState.RECHECKED,
    HazardState.CLOSED,
]
ACCIDENT_NOTE = "系统尚未接入事故调查数据，事故调查按期结案率暂无数据，不作统计。"
# 三个100% (孝义 seed, item 14), each shown beside its figure.
COVERAGE_DEFINITION = (
    "{first}至{last}至少完成一次执法检查的在营重点监管企业 ÷ 在营重点监管企业总数{annual}。"
)
RECTIFICATION_DEFINITION = (
    "原整改期限在本期内且已过的检查发现隐患中，已整改（待复查、已复查、已销号）"
    "或经批准延期且新期限未到的所占比例；尚在整改期限内的隐患和企业自查上报的隐患不计入。"
)
ACCIDENT_DEFINITION = "期限内结案的生产安全事故调查 ÷ 应结案的事故调查。"
MAJOR = {"level": HazardLevel.MAJOR.value}


# ---------------------------------------------------------------- figures


def _figure(value: int, **params) -> dict:
    query = urlencode({k: str(v) for k, v in params.items()})
    return {"value": value or 0, "query": query, "url": f"{reverse('hazards:hazard_list')}?{query}"}


class _Conditions:
    """The Q of each figure, and the list filters that select the same hazards."""

    def __init__(self, start: date, end: date, today: date):
        self.start, self.end, self.today = start, end, today
        self.major = Q(level=HazardLevel.MAJOR)
        self.found = Q(found_date__gte=start, found_date__lte=end)
        self.closed = Q(closed_date__isnull=False, closed_date__lte=end)
        self.found_params = {"found_after": start, "found_before": end}
        self.closed_params = {**self.found_params, "closed_before": end}
        # 检查发现隐患督促整改率: hazards found by the regulators whose original deadline fell
        # in the period and has passed; of those, the ones 督促整改到位 today.
        last_due = min(end, today - timedelta(days=1))
        self.due = found_by_regulator_q() & Q(deadline__gte=start, deadline__lte=last_due)
        self.urged = urged_q(today)
        self.due_params = {
            "by_regulator": "true",
            "original_deadline_after": start,
            "original_deadline_before": last_due,
        }


def _months(start: date, end: date, today: date) -> list[tuple[date, date]]:
    last = min(end, today).replace(day=1)
    firsts = [add_months(last, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    return [(first, month_end(first)) for first in firsts]


def _rows(condition: Q | None = None) -> Count:
    """COUNT of the rows meeting `condition`, on found_date (NOT NULL, so every row counts; the
    covering index holds it, where `id` would need a heap read and COUNT(*) takes no filter)."""
    return Count("found_date", filter=condition)


def _major_aggregates(c: _Conditions, months: list[tuple[date, date]]) -> dict:
    """The conditional counts of 重大 hazards that do not depend on the state: the query groups
    by state, and the figures that do (open, overdue, the funnel) add up the states they count.

    其他依据: a 重大 hazard cites either a catalog clause or another basis, never both and never
    neither (the constraints hazard_major_cites_basis and hazard_one_basis), so among 重大
    hazards `other_basis <> ''` is `clause_id IS NULL`, which the covering index holds."""
    counts = {
        "all": _rows(),
        "found": _rows(c.found),
        "closed": _rows(c.found & c.closed),
        "other_basis": _rows(c.found & Q(clause__isnull=True)),
        "overdue": _rows(Q(current_deadline__lt=c.today)),
        "old": _rows(Q(found_date__lt=OLD_STOCK_BEFORE)),
    }
    for i, (first, last) in enumerate(months):
        counts[f"tf_{i}"] = _rows(Q(found_date__gte=first, found_date__lte=last))
        counts[f"tc_{i}"] = _rows(Q(closed_date__gte=first, closed_date__lte=last))
    for key, _, least, most in AGEING:
        condition = Q(current_deadline__lte=c.today - timedelta(days=least))
        if most is not None:
            condition &= Q(current_deadline__gte=c.today - timedelta(days=most))
        counts[f"age_{key}"] = _rows(condition)
    return counts


def _major_query(
    hazards: QuerySet[Hazard], c: _Conditions, months: list[tuple[date, date]], digits: int
) -> QuerySet:
    return (
        hazards.filter(c.major)
        .annotate(key=Substr("region_id", 1, digits))
        .order_by()
        .values("key", "sector_id", "state")
        .annotate(**_major_aggregates(c, months))
    )


def _major_groups(
    hazards: QuerySet[Hazard], c: _Conditions, months: list[tuple[date, date]], digits: int
) -> list[dict]:
    """The scope's 重大 hazards counted per (sub-region code prefix, sector, state) in one
    index-only scan of hazard_major_dashboard_idx; the cards, the trend, the funnel, the ageing
    buckets and the sub-region and sector rows are all sums of these rows.

    The rows (about a thousand of forty counts at province scale) are read with the queryset's
    own SQL on a plain cursor: the counts are integers already, and Django's per-value
    converters cost more than the query's aggregation."""
    query = _major_query(hazards, c, months, digits)
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing (no region, no enterprise)
        return []
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _state_totals(rows: list[dict]) -> dict[str, Counter]:
    """The counts of the rows added up per state."""
    totals: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        totals[r["state"]].update(
            {k: v for k, v in r.items() if k not in ("key", "sector_id", "state")}
        )
    return totals


def _major_counts(rows: list[dict], months: list[tuple[date, date]]) -> dict:
    totals = _state_totals(rows)

    def total(name: str, states=None) -> int:
        return sum(t[name] for s, t in totals.items() if states is None or s in states)

    n = {
        "major_found": total("found"),
        "major_closed": total("closed"),
        "major_other_basis": total("other_basis"),
        "major_overdue": total("overdue", OPEN_STATES),
        "major_open": total("all", OPEN_STATES),
        "old_stock": total("old", OPEN_STATES),
    }
    for i in range(len(months)):
        n[f"tf_{i}"] = total(f"tf_{i}")
        n[f"tc_{i}"] = total(f"tc_{i}")
    for state in FUNNEL_STATES:
        n[f"st_{state.value}"] = total("found", {state})
    for key, *_ in AGEING:
        n[f"age_{key}"] = total(f"age_{key}", OPEN_STATES)
    return n


def _other_aggregates(c: _Conditions) -> list[tuple[Q, dict]]:
    """挂牌 hazards and the hazards whose original deadline fell in the period, one query each
    over their own small index."""
    supervised = {"supervised": Count("pk", filter=~Q(supervision_level=""))}
    for level in SupervisionLevel:
        supervised[f"sv_{level.value}"] = Count("pk", filter=Q(supervision_level=level))
    due = {"due": Count("pk"), "due_urged": Count("pk", filter=c.urged)}
    return [(~Q(supervision_level=""), supervised), (c.due, due)]


def _counts(hazards: QuerySet[Hazard], c: _Conditions, major_rows: list[dict], months) -> dict:
    n = _major_counts(major_rows, months)
    for where, aggregates in _other_aggregates(c):
        n.update(hazards.filter(where).aggregate(**aggregates))
    return {k: v or 0 for k, v in n.items()}


def _group_counts(rows: list[dict], field: str) -> dict:
    """found / closed / overdue of 重大 hazards per value of `field` (sub-region or sector)."""
    groups: dict = {}
    for r in rows:
        g = groups.setdefault(r[field], {"found": 0, "closed": 0, "overdue": 0})
        g["found"] += r["found"]
        g["closed"] += r["closed"]
        if r["state"] in OPEN_STATES:
            g["overdue"] += r["overdue"]
    return groups


def _group_row(key: str, label: str, counts: dict, c: _Conditions, **where) -> dict:
    scope = {**MAJOR, **where}
    return {
        "key": key,
        "label": label,
        "found": _figure(counts.get("found", 0), **scope, **c.found_params),
        "closed": _figure(counts.get("closed", 0), **scope, **c.closed_params),
        "overdue": _figure(counts.get("overdue", 0), **scope, overdue="true"),
        "rate": rate(counts.get("closed", 0), counts.get("found", 0)),
    }


def _children(region: Region | None) -> list[Region]:
    if region is None:
        return list(Region.objects.filter(parent__isnull=True).order_by("code"))
    return list(region.children.order_by("code"))


def _digits(region: Region | None) -> int:
    """Length of the code prefix that tells the region's children apart."""
    return SIGNIFICANT_DIGITS[child_level(region)] if region is not None else 2


def _by_region(
    major_rows: list[dict], region: Region | None, children: list[Region], c: _Conditions
) -> list[dict]:
    """Sub-regions (children of the user's region), and 本级 for hazards on the region itself."""
    rows = {k: v for k, v in _group_counts(major_rows, "key").items() if any(v.values())}
    result = [
        _group_row(ch.code, ch.name, rows.pop(ch.prefix, {}), c, region=ch.code) for ch in children
    ]
    own = rows.pop(region.code[: _digits(region)], None) if region is not None else None
    if own is not None:
        label = f"{region.name}（本级）"
        result.append(_group_row(region.code, label, own, c, region_exact=region.code))
    return result


def _by_sector(major_rows: list[dict], c: _Conditions) -> list[dict]:
    """Top-level sectors; a sub-sector (冶金 under 工贸) counts with its parent, as the list's
    sector filter includes sub-sectors."""
    sectors = list(Sector.objects.order_by("order", "code"))
    top = {s.pk: s.parent_id or s.pk for s in sectors}
    rows: dict = {}
    for sector_id, counts in _group_counts(major_rows, "sector_id").items():
        g = rows.setdefault(top[sector_id], {"found": 0, "closed": 0, "overdue": 0})
        for name, value in counts.items():
            g[name] += value
    rows = {k: v for k, v in rows.items() if any(v.values())}
    return [
        _group_row(str(s.pk), s.name, rows[s.pk], c, sector=s.pk) for s in sectors if s.pk in rows
    ]


def coverage_window(start: date, end: date) -> tuple[date, date]:
    """Coverage is annual by default: from 1 January of the period's last year to its end."""
    if settings.DASHBOARD_COVERAGE_ANNUAL:
        return date(end.year, 1, 1), end
    return start, end


def _coverage_counts(user, region: Region | None, start: date, end: date) -> dict[str, dict]:
    """重点监管 enterprises in operation and how many had a finished inspection between start
    and end, per child region's code prefix, in one grouped query (the same rows
    inspections.indicators.key_supervision_coverage counts one child at a time)."""
    key = Enterprise.objects.for_user(user).filter(
        key_supervision=True, status=EnterpriseStatus.OPERATING
    )
    if region is not None:
        key = key.filter(region__code__startswith=region.prefix)
    done = Inspection.objects.filter(
        status=InspectionStatus.DONE, date__gte=start, date__lte=end
    ).values("enterprise")
    return {
        row.pop("key"): row
        for row in key.annotate(key=Substr("region_id", 1, _digits(region)))
        .order_by()
        .values("key")
        .annotate(
            total=Count("pk", distinct=True),
            covered=Count("pk", filter=Q(pk__in=done), distinct=True),
        )
    }


def _coverage(
    user, region: Region | None, children: list[Region], start: date, end: date
) -> tuple[dict, dict]:
    """重点监管企业执法检查覆盖率 of the whole scope, and per sub-region (code → row)."""
    start, end = coverage_window(start, end)
    groups = _coverage_counts(user, region, start, end)
    if region is None:  # every province, each one row; enterprises outside them do not count
        groups = {ch.prefix: groups[ch.prefix] for ch in children if ch.prefix in groups}
    total = sum(g["total"] for g in groups.values())
    covered = sum(g["covered"] for g in groups.values())
    per_child: dict[str, dict] = {}
    for ch in children:
        row = groups.get(ch.prefix)
        if row and row["total"]:
            per_child[ch.code] = {"total": row["total"], "covered": row["covered"]}
    for row in per_child.values():
        row["rate"] = rate(row["covered"], row["total"])
    url = reverse("inspections:indicators") + "?" + urlencode({"start": start, "end": end})
    annual = "（按年度统计）" if settings.DASHBOARD_COVERAGE_ANNUAL else ""
    overall = {
        "total": total,
        "covered": covered,
        "rate": rate(covered, total),
        "url": url,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "definition": COVERAGE_DEFINITION.format(
            first=_chinese_date(start), last=_chinese_date(end), annual=annual
        ),
    }
    return overall, per_child


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def compute(user, start: date, end: date, today: date) -> dict:
    """The figures, uncached. Every query starts from Hazard.objects.for_user(user)."""
    hazards = Hazard.objects.for_user(user)
    scope = effective_scope(user)
    region = user.scope_region if scope is not None else None
    c = _Conditions(start, end, today)
    months = _months(start, end, today)
    major_rows = _major_groups(hazards, c, months, _digits(region))
    n = _counts(hazards, c, major_rows, months)
    children = _children(region)
    coverage, coverage_by_region = _coverage(user, region, children, start, end)
    by_region = _by_region(major_rows, region, children, c)
    for row in by_region:
        row["coverage"] = coverage_by_region.get(row["key"])
    return {
        "scope": {
            "region": region.code if region else None,
            "region_name": region.name if region else ("全部地区" if scope else "无管辖范围"),
            "all_sectors": scope is not None and scope.sector_ids is None,
        },
        "period": {"start": start.isoformat(), "end": end.isoformat(), "today": today.isoformat()},
        "computed_at": timezone.localtime().isoformat(timespec="seconds"),
        "cards": _cards(n, c),
        "supervision": [
            {
                "key": level.value,
                "label": level.label,
                **_figure(n[f"sv_{level.value}"], supervision_level=level.value),
            }
            for level in SupervisionLevel
        ],
        "indicators": _indicators(n, c, coverage),
        "by_region": by_region,
        "by_sector": _by_sector(major_rows, c),
        **_series(n, c, months),
    }


def _cards(n: dict, c: _Conditions) -> dict:
    found, closed = c.found_params, c.closed_params
    old_before = OLD_STOCK_BEFORE - timedelta(days=1)
    return {
        "major_found": _figure(n["major_found"], **MAJOR, **found),
        "major_closed": _figure(n["major_closed"], **MAJOR, **closed),
        "major_rate": rate(n["major_closed"], n["major_found"]),
        "major_overdue": _figure(n["major_overdue"], **MAJOR, overdue="true"),
        "major_open": _figure(n["major_open"], **MAJOR, is_open="true"),
        "old_stock": _figure(n["old_stock"], **MAJOR, found_before=old_before, is_open="true"),
        "supervised": _figure(n["supervised"], supervised="true"),
        # 重大 hazards of the period citing 其他依据: the catalog's gaps, made visible.
        "major_other_basis": _figure(n["major_other_basis"], **MAJOR, **found, basis="other"),
    }


def _indicators(n: dict, c: _Conditions, coverage: dict) -> dict:
    due, urged = n["due"], n["due_urged"]
    return {
        "coverage": coverage,
        "rectification": {
            "due": _figure(due, **c.due_params),
            "urged": _figure(urged, **c.due_params, urged="true"),
            "not_urged": _figure(due - urged, **c.due_params, urged="false"),
            "rate": rate(urged, due),
            "definition": RECTIFICATION_DEFINITION,
        },
        "accident": {
            "rate": None,
            "text": "暂无数据",
            "note": ACCIDENT_NOTE,
            "definition": ACCIDENT_DEFINITION,
        },
    }


def _series(n: dict, c: _Conditions, months: list[tuple[date, date]]) -> dict:
    """The charts' rows: the monthly trend, the state funnel and the overdue ageing buckets."""
    return {
        "trend": [
            {
                "month": f"{first:%Y-%m}",
                "label": f"{first.year}年{first.month}月",
                "found": _figure(n[f"tf_{i}"], **MAJOR, found_after=first, found_before=last),
                "closed": _figure(n[f"tc_{i}"], **MAJOR, closed_after=first, closed_before=last),
            }
            for i, (first, last) in enumerate(months)
        ],
        "funnel": [
            {
                "key": s.value,
                "label": s.label,
                **_figure(n[f"st_{s.value}"], **MAJOR, **c.found_params, state=s.value),
            }
            for s in FUNNEL_STATES
        ],
        "ageing": [
            {
                "key": key,
                "label": label,
                **_figure(n[f"age_{key}"], **MAJOR, **_ageing_params(least, most)),
            }
            for key, label, least, most in AGEING
        ],
    }


def _ageing_params(least: int, most: int | None) -> dict:
    params = {"overdue_days_min": least}
    if most is not None:
        params["overdue_days_max"] = most
    return params
