"""Figures of the monthly progress report, computed from a Hazard queryset and two dates.

Every function here reads only what it is given (a queryset already scoped to a region, and the
period) and returns plain dicts of numbers, so the monthly snapshot, the dashboard and the API
all show the same figures. Counts "at the end of the period" are derived from dates
(found_date, closed_date), so a report built on its as-of date equals the live queries of that day.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr

from core.choices import SIGNIFICANT_DIGITS, RegionLevel
from core.models import Region, Sector
from hazards.choices import HazardLevel, SupervisionLevel
from hazards.models import Hazard, Supervision, found_by_regulator_q

# 2023 and earlier major hazards are the "old stock" the three-year campaign must clear.
OLD_STOCK_BEFORE = date(2024, 1, 1)

# (key, label) of every figure, in the column order of the national monthly form.
COLUMNS: list[tuple[str, str]] = [
    ("units_inspected", "检查单位数"),
    ("general_found", "一般隐患 发现"),
    ("general_self", "一般隐患 其中企业自查发现"),
    ("general_dept", "一般隐患 其中部门检查发现"),
    ("general_rectified", "一般隐患 已整改"),
    ("general_rate", "一般隐患 整改率（%）"),
    ("general_overdue", "一般隐患 逾期未改"),
    ("major_found", "重大隐患 发现"),
    ("major_self", "重大隐患 其中企业自查发现"),
    ("major_dept", "重大隐患 其中部门检查发现"),
    ("major_closed", "重大隐患 已整改销号"),
    ("major_rate", "重大隐患 整改率（%）"),
    ("major_overdue", "重大隐患 逾期未改"),
    ("major_in_plan", "重大隐患 列入治理计划"),
    ("major_five_complete", "重大隐患 五落实"),
    ("supervised", "挂牌督办"),
    ("supervised_province", "其中省级挂牌"),
    ("funds", "整改资金（万元）"),
    ("overdue_open", "逾期未整改合计"),
    ("stock_opening", "动态清零 期初存量"),
    ("stock_new", "动态清零 本期新增"),
    ("stock_closed", "动态清零 本期销号"),
    ("stock_carried", "动态清零 结转下期"),
    ("stock_old", "动态清零 2023年及以前未销号"),
]
# Enforcement figures the system derives from its records (see enforcement.py) …
DERIVED_ENFORCEMENT: list[tuple[str, str]] = [
    ("stoppage", "责令停产整顿"),
    ("interviews", "约谈"),
    ("bulletins", "通报"),
    ("exposures", "曝光"),
]
# … and those it does not record, which the county enters on the report before filing it.
ENTERED: list[tuple[str, str]] = [
    ("cases_filed", "立案查处"),
    ("fines", "罚款金额（万元）"),
    ("closed_down", "关闭取缔"),
    ("judiciary", "移送司法机关"),
]
DECIMAL_KEYS = frozenset({"funds", "fines"})
HAZARD_COUNT_KEYS = [k for k, _ in COLUMNS if not k.endswith("_rate") and k not in DECIMAL_KEYS]
COUNT_KEYS = HAZARD_COUNT_KEYS + [k for k, _ in DERIVED_ENFORCEMENT]
ENTERED_KEYS = [k for k, _ in ENTERED]
RATE_SOURCES = {
    "general_rate": ("general_rectified", "general_found"),
    "major_rate": ("major_closed", "major_found"),
}
LABELS = dict(COLUMNS + DERIVED_ENFORCEMENT + ENTERED)

# The summary form: every figure, 本月 beside 本年累计, in groups as the provincial form has them.
SUMMARY_GROUPS: list[tuple[str, list[str]]] = [
    (
        "执法检查",
        [
            "units_inspected",
            "cases_filed",
            "fines",
            "stoppage",
            "closed_down",
            "interviews",
            "bulletins",
            "exposures",
            "judiciary",
        ],
    ),
    (
        "一般隐患",
        [
            "general_found",
            "general_self",
            "general_dept",
            "general_rectified",
            "general_rate",
            "general_overdue",
        ],
    ),
    (
        "重大事故隐患",
        [
            "major_found",
            "major_self",
            "major_dept",
            "major_closed",
            "major_rate",
            "major_overdue",
            "major_in_plan",
            "major_five_complete",
            "supervised",
            "supervised_province",
            "funds",
        ],
    ),
    ("逾期", ["overdue_open"]),
    (
        "动态清零（重大事故隐患）",
        ["stock_opening", "stock_new", "stock_closed", "stock_carried", "stock_old"],
    ),
]
# The breakdown tables' columns, as the paper form heads them in two rows: (group label, [(key, sub label)]).
FORM_GROUPS = [
    ("检查单位数", [("units_inspected", "")]),
    (
        "一般隐患",
        [
            ("general_found", "发现"),
            ("general_self", "其中企业自查"),
            ("general_dept", "其中部门检查"),
            ("general_rectified", "已整改"),
            ("general_rate", "整改率(%)"),
            ("general_overdue", "逾期未改"),
        ],
    ),
    (
        "重大事故隐患",
        [
            ("major_found", "发现"),
            ("major_self", "其中企业自查"),
            ("major_dept", "其中部门检查"),
            ("major_closed", "已整改销号"),
            ("major_rate", "整改率(%)"),
            ("major_overdue", "逾期未改"),
            ("major_in_plan", "列入治理计划"),
            ("major_five_complete", "五落实"),
        ],
    ),
    ("挂牌督办", [("supervised", "合计"), ("supervised_province", "其中省级")]),
    ("整改资金(万元)", [("funds", "")]),
    (
        "动态清零",
        [
            ("stock_opening", "期初存量"),
            ("stock_new", "本期新增"),
            ("stock_closed", "本期销号"),
            ("stock_carried", "结转下期"),
            ("stock_old", "2023年及以前未销号"),
        ],
    ),
]


NOTE_NO_INSPECTIONS = "本系统尚无执法检查记录，“检查单位数”按本期发现隐患的企业数（去重）统计。"


def rate(done: int, total: int) -> float | None:
    """A percentage with one decimal, or None when nothing was found (shown as "—")."""
    if not total:
        return None
    return round(done * 100 / total, 1)


def _conditions(start: date, end: date) -> dict[str, Q]:
    major, general = Q(level=HazardLevel.MAJOR), Q(level=HazardLevel.GENERAL)
    found = Q(found_date__gte=start, found_date__lte=end)
    closed_by_end = Q(closed_date__isnull=False, closed_date__lte=end)
    open_at_end = Q(found_date__lte=end) & (Q(closed_date__isnull=True) | Q(closed_date__gt=end))
    overdue_at_end = open_at_end & Q(current_deadline__lt=end)
    five = (
        ~Q(measures="")
        & ~Q(responsible_person="")
        & Q(funds__isnull=False, plan_deadline__isnull=False)
        & ~Q(emergency_plan="")
    )
    regulator = found_by_regulator_q()
    return {
        "units_inspected": found,
        "general_found": general & found,
        "general_self": general & found & ~regulator,
        "general_dept": general & found & regulator,
        "general_rectified": general & found & closed_by_end,
        "general_overdue": general & overdue_at_end,
        "major_found": major & found,
        "major_self": major & found & ~regulator,
        "major_dept": major & found & regulator,
        "major_closed": major & found & closed_by_end,
        "major_overdue": major & overdue_at_end,
        "major_in_plan": major & found & Q(plan_deadline__isnull=False),
        "major_five_complete": major & found & five,
        "supervised": Q(is_supervised=True),
        "supervised_province": Q(is_supervised_province=True),
        "overdue_open": overdue_at_end,
        "stock_opening": major
        & Q(found_date__lt=start)
        & (Q(closed_date__isnull=True) | Q(closed_date__gte=start)),
        "stock_new": major & found,
        "stock_closed": major & Q(closed_date__gte=start, closed_date__lte=end),
        "stock_carried": major & open_at_end,
        "stock_old": major & open_at_end & Q(found_date__lt=OLD_STOCK_BEFORE),
        "funds": found,
    }


def _annotated(hazards: QuerySet[Hazard], end: date) -> QuerySet[Hazard]:
    """Mark hazards with a 挂牌督办 listing in force at the end of the period."""
    listed = Supervision.objects.filter(hazard=OuterRef("pk"), listed_at__date__lte=end).filter(
        Q(removed_at__isnull=True) | Q(removed_at__date__gt=end)
    )
    return hazards.alias(
        is_supervised=Exists(listed),
        is_supervised_province=Exists(listed.filter(level=SupervisionLevel.PROVINCE)),
    )


def _aggregates(start: date, end: date, prefix: str = "", keys=None) -> dict:
    conditions = _conditions(start, end)
    aggregates = {}
    for key, condition in conditions.items():
        if keys is not None and key not in keys:
            continue
        if key == "funds":
            aggregates[prefix + key] = Sum("funds", filter=condition)
        elif key == "units_inspected":
            aggregates[prefix + key] = Count("enterprise", distinct=True, filter=condition)
        else:
            aggregates[prefix + key] = Count("pk", filter=condition)
    return aggregates


def finish(row: dict) -> dict:
    """Add the rates and make funds a plain number (万元, two decimals)."""
    funds = row.get("funds") or 0
    row["funds"] = float(round(Decimal(str(funds)), 2))
    for key, (done, total) in RATE_SOURCES.items():
        row[key] = rate(row.get(done, 0), row.get(total, 0))
    return row


# Figures that describe the end of the period (not a flow within it): the year's are the
# period's.
POINT_KEYS = (
    "general_overdue",
    "major_overdue",
    "supervised",
    "supervised_province",
    "overdue_open",
    "stock_carried",
    "stock_old",
)
# Every breakdown row (by region, by sector) carries its 本年累计 figures under this key.
YEAR = "year"
_M, _Y = "m__", "y__"  # aggregate names of the period's and the year's figures


def _both(start: date, end: date, year_start: date) -> dict:
    """The period's aggregates and the year's flows (prefixed), for one query."""
    flows = [k for k in _conditions(start, end) if k not in POINT_KEYS]
    return _aggregates(start, end, _M) | _aggregates(year_start, end, _Y, flows)


def _split(row: dict) -> tuple[dict, dict]:
    """(period, year) figures of one aggregated row; the year's end-of-period figures are the
    period's."""
    month = finish({k[len(_M) :]: v or 0 for k, v in row.items() if k.startswith(_M)})
    year = {k[len(_Y) :]: v or 0 for k, v in row.items() if k.startswith(_Y)}
    return month, finish(year | {k: month[k] for k in POINT_KEYS})


def totals(hazards: QuerySet[Hazard], *, start: date, end: date) -> dict:
    """One row of figures for every hazard of the queryset."""
    row = _annotated(hazards, end).aggregate(**_aggregates(start, end))
    return finish({k: v or 0 for k, v in row.items()})


def totals_with_year(
    hazards: QuerySet[Hazard], *, start: date, end: date, year_start: date
) -> tuple[dict, dict]:
    """The period's row and the year's row (from `year_start` to the same end), in one query."""
    return _split(_annotated(hazards, end).aggregate(**_both(start, end, year_start)))


def grouped_many(
    hazards: QuerySet[Hazard], *, start: date, end: date, year_start: date, keys: list
) -> dict[tuple, tuple[dict, dict]]:
    """(period, year) figures keyed by the tuple of `keys` (field names or expressions)."""
    names = {f"k{i}": F(k) if isinstance(k, str) else k for i, k in enumerate(keys)}
    rows = (
        _annotated(hazards, end)
        .annotate(**names)
        .order_by()
        .values(*names)
        .annotate(**_both(start, end, year_start))
    )
    return {tuple(str(r.pop(n)) for n in names): _split(r) for r in rows}


def grouped(
    hazards: QuerySet[Hazard], *, start: date, end: date, year_start: date, key
) -> dict[str, dict]:
    """Rows of figures keyed by `key` (a field name or expression), each with its year's."""
    rows = grouped_many(hazards, start=start, end=end, year_start=year_start, keys=[key])
    return {k[0]: month | {YEAR: year} for k, (month, year) in rows.items()}


def _empty() -> dict:
    zero = finish({k: 0 for k in HAZARD_COUNT_KEYS} | {"funds": 0})
    return zero | {YEAR: dict(zero)}


def _counts_anything(row: dict) -> bool:
    return any(row.get(k) or row[YEAR].get(k) for k in HAZARD_COUNT_KEYS)


def sector_rows(rows: dict[str, dict], sectors: list[Sector]) -> list[dict]:
    """Rows per sector that has any figure (in the period or the year), in `sectors` order."""
    return [
        {"key": str(s.pk), "label": s.name, **rows[str(s.pk)]}
        for s in sectors
        if str(s.pk) in rows and _counts_anything(rows[str(s.pk)])
    ]


def subregion_rows(region: Region, rows: dict[str, dict], children: list[Region]) -> list[dict]:
    """Rows per sub-region in code order, zero rows included; hazards registered on the region
    itself (not a sub-region) form a row "本级"."""
    rows = dict(rows)
    result = [
        {"key": child.code, "label": child.name, **rows.pop(child.code, _empty())}
        for child in children
    ]
    for code, row in sorted(rows.items()):
        label = f"{region.name}（本级）" if code == region.code else code
        result.append({"key": code, "label": label, **row})
    return result


def _by_town_and_sector(hazards: QuerySet[Hazard], *, start: date, end: date, year_start: date):
    """(town code, sector id, summable aggregates) of every town and sector with hazards."""
    town = Substr("region__code", 1, SIGNIFICANT_DIGITS[RegionLevel.TOWN])
    sums = {k: v for k, v in _both(start, end, year_start).items() if "units_inspected" not in k}
    rows = (
        _annotated(hazards, end)
        .annotate(town_key=town, sector_key=F("sector_id"))
        .order_by()
        .values("town_key", "sector_key")
        .annotate(**sums)
    )
    for row in rows:
        yield row.pop("town_key"), str(row.pop("sector_key")), row


def _sectors() -> list[Sector]:
    return list(Sector.objects.order_by("order", "code"))


def by_sector(hazards: QuerySet[Hazard], *, start: date, end: date, year_start: date) -> list[dict]:
    """Rows per sector that has any figure, in the sector order of the domain brief."""
    rows = grouped(hazards, start=start, end=end, year_start=year_start, key="sector_id")
    return sector_rows(rows, _sectors())


def child_level(region: Region) -> str:
    return {
        RegionLevel.PROVINCE: RegionLevel.CITY,
        RegionLevel.CITY: RegionLevel.COUNTY,
    }.get(region.level, RegionLevel.TOWN)


def by_subregion(
    hazards: QuerySet[Hazard], region: Region, *, start: date, end: date, year_start: date
) -> list[dict]:
    """Rows per sub-region (towns of a county, counties of a city), zero rows included."""
    digits = SIGNIFICANT_DIGITS[child_level(region)]
    key = Substr("region__code", 1, digits)
    rows = grouped(hazards, start=start, end=end, year_start=year_start, key=key)
    return subregion_rows(region, rows, list(region.children.order_by("code")))


def _assemble(start: date, end: date, year_start: date, parts: dict) -> dict:
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "year_period": {"start": year_start.isoformat(), "end": end.isoformat()},
        "total": parts["total"] | parts["enforcement"][0],
        "year_total": parts["year_total"] | parts["enforcement"][1],
        "by_region": parts["by_region"],
        "by_sector": parts["by_sector"],
        "notes": [],
    }


@contextmanager
def _without_jit():
    """PostgreSQL's JIT would spend seconds compiling these wide conditional aggregates (its
    cost estimate counts the 挂牌督办 sub-queries once per row) to save milliseconds: off for
    the transaction that counts."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def region_figures(region: Region, *, start: date, end: date, year_start: date) -> dict:
    """The whole figure set of one region and period, as stored in a monthly snapshot: the
    period's figures, the same figures from `year_start` (本年累计), and the breakdowns, each
    row with its year's figures. One region's queries; counties_figures does many at once."""
    with _without_jit():
        return _region_figures(region, start=start, end=end, year_start=year_start)


def _region_figures(region: Region, *, start: date, end: date, year_start: date) -> dict:
    from .enforcement import enforcement_by_prefix, units_inspected

    span = {"start": start, "end": end, "year_start": year_start}
    hazards = Hazard.objects.filter(region__code__startswith=region.prefix)
    total, year_total = totals_with_year(hazards, **span)
    figures = _assemble(
        start,
        end,
        year_start,
        {
            "total": total,
            "year_total": year_total,
            "enforcement": enforcement_by_prefix([region.prefix], **span)[region.prefix],
            "by_region": by_subregion(hazards, region, **span),
            "by_sector": by_sector(hazards, **span),
        },
    )
    if not units_inspected({region: figures}, **span):
        figures["notes"].append(NOTE_NO_INSPECTIONS)
    return figures


def counties_figures(
    counties: list[Region], *, start: date, end: date, year_start: date
) -> dict[str, dict]:
    """region_figures of many counties at once, keyed by county code: the hazards are counted
    in three grouped queries (by county, by town, by county and sector) and the enforcement
    and inspection records in a few more, whatever the number of counties."""
    if not counties:
        return {}
    with _without_jit():
        return _counties_figures(counties, start=start, end=end, year_start=year_start)


def _counties_figures(
    counties: list[Region], *, start: date, end: date, year_start: date
) -> dict[str, dict]:
    from .enforcement import enforcement_by_prefix, units_inspected

    span = {"start": start, "end": end, "year_start": year_start}
    digits = SIGNIFICANT_DIGITS[RegionLevel.COUNTY]
    prefixes = [c.prefix for c in counties]
    county_key = Substr("region__code", 1, digits)
    hazards = Hazard.objects.alias(county_key=county_key).filter(county_key__in=prefixes)
    # Sums per county, per town and per county and sector, added up from one scan grouped by
    # town and sector (hashed: no distinct count in it) …
    raw: dict[tuple, dict] = {}
    for town, sector, row in _by_town_and_sector(hazards, **span):
        for level in (("county", town[:digits]), ("town", town), ("sector", town[:digits], sector)):
            into = raw.setdefault(level, {})
            for key, value in row.items():
                into[key] = (into.get(key) or 0) + (value or 0)
    # … and the enterprises with hazards found (检查单位数 without visits), counted apart.
    for name, first in ((_M, start), (_Y, year_start)):
        found = (
            hazards.filter(found_date__gte=first, found_date__lte=end)
            .annotate(town_key=Substr("region__code", 1, SIGNIFICANT_DIGITS[RegionLevel.TOWN]))
            .order_by()
            .values_list("town_key", "sector_id", "enterprise_id")
            .distinct()
        )
        enterprises: dict[tuple, set] = {}
        for town, sector, enterprise in found:
            for level in (
                ("county", town[:digits]),
                ("town", town),
                ("sector", town[:digits], str(sector)),
            ):
                enterprises.setdefault(level, set()).add(enterprise)
        for level, row in raw.items():
            row[name + "units_inspected"] = len(enterprises.get(level, ()))
    split = {level: _split(row) for level, row in raw.items()}
    towns: dict[str, dict[str, dict]] = {}
    sectors: dict[str, dict[str, dict]] = {}
    totals_ = {}
    for (kind, *key), (month, year) in split.items():
        if kind == "county":
            totals_[key[0]] = (month, year)
        elif kind == "town":
            towns.setdefault(key[0][:digits], {})[key[0]] = month | {YEAR: year}
        else:
            sectors.setdefault(key[0], {})[key[1]] = month | {YEAR: year}
    enforcement = enforcement_by_prefix(prefixes, **span)
    children: dict[str, list[Region]] = {}
    for child in Region.objects.filter(parent__in=counties).order_by("code"):
        children.setdefault(child.parent_id, []).append(child)
    all_sectors = _sectors()
    result = {}
    for county in counties:
        p = county.prefix
        if p in totals_:
            total, year_total = totals_[p]
        else:
            total = _empty()
            year_total = total.pop(YEAR)
        result[county.code] = _assemble(
            start,
            end,
            year_start,
            {
                "total": total,
                "year_total": year_total,
                "enforcement": enforcement[p],
                "by_region": subregion_rows(
                    county, towns.get(p, {}), children.get(county.code, [])
                ),
                "by_sector": sector_rows(sectors.get(p, {}), all_sectors),
            },
        )
    logged = units_inspected({c: result[c.code] for c in counties}, **span)
    for county in counties:
        if county not in logged:
            result[county.code]["notes"].append(NOTE_NO_INSPECTIONS)
    return result


def sum_rows(rows: list[dict]) -> dict:
    """Add rows of counts and amounts; rates are recomputed from the sums, never averaged.
    A figure no row has (an entered figure not filled in yet) stays absent."""
    total: dict = {}
    for key in COUNT_KEYS + ENTERED_KEYS + ["funds"]:
        values = [r.get(key) for r in rows if r.get(key) is not None]
        if key in HAZARD_COUNT_KEYS or key == "funds" or values:
            if key in DECIMAL_KEYS:
                total[key] = float(round(sum(Decimal(str(v)) for v in values), 2))
            else:
                total[key] = sum(values)
    return finish(total)


def _summed(rows: list[dict], years: list[dict | None]) -> dict:
    """The sum of `rows`, with the sum of their year's figures when all of them have them (a
    filing made before breakdown rows had their 本年累计 has none: shown "—")."""
    row = sum_rows(rows)
    if all(years):
        row[YEAR] = sum_rows(years)
    return row


def rollup(parts: list[tuple[Region, dict]], *, start: date, end: date, year_start: date) -> dict:
    """A city's figures from its counties' filed snapshots: sums, rates recomputed."""
    by_sector: dict[str, list[dict]] = {}
    labels: dict[str, str] = {}
    for _, figures in parts:
        for row in figures.get("by_sector", []):
            by_sector.setdefault(row["key"], []).append(row)
            labels[row["key"]] = row["label"]
    order = {
        str(pk): i
        for i, pk in enumerate(
            Sector.objects.order_by("order", "code").values_list("pk", flat=True)
        )
    }
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "year_period": {"start": year_start.isoformat(), "end": end.isoformat()},
        "total": sum_rows([f["total"] for _, f in parts]),
        "year_total": sum_rows([f.get("year_total", {}) for _, f in parts]),
        "by_region": [
            {
                "key": region.code,
                "label": region.name,
                **_summed([f["total"]], [f.get("year_total")]),
            }
            for region, f in parts
        ],
        "by_sector": [
            {"key": key, "label": labels[key], **_summed(rows, [r.get(YEAR) for r in rows])}
            for key, rows in sorted(by_sector.items(), key=lambda kv: order.get(kv[0], 0))
        ],
        "notes": [
            "市级数据为各县（市、区）已报送数据（最新报送版本）的汇总，整改率按汇总数重新计算。"
        ],
    }
