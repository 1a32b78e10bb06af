"""The leaders' dashboard: every figure equals raw SQL, every drill-down link lists exactly the
hazards of its figure, scoping, the API, the period picker and the query budget."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from freezegun import freeze_time

from accounts.choices import Role
from core.errors import ServiceError
from core.models import Region, Sector
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState
from inspections.models import Inspection
from reports.dashboard import periods, services
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import advance, listed_count, register

TODAY = date(2026, 5, 20)
OPEN = ("registered", "rectifying", "awaiting_recheck", "rechecked")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """This run's keys only (its own key prefix): other runs share the Redis database."""
    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")


def _closed(hazard, on: date, personas):
    with freeze_time(on):
        return advance(
            hazard, HazardState.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer
        )


@pytest.fixture
def world(personas):
    """Hazards of county A (towns and the county itself), county B, the city itself and 山西."""
    p = personas
    county_a = Region.objects.get(code="150623")
    metallurgy = Sector.objects.get(code="metallurgy")
    with freeze_time("2026-05-20 10:00:00"):
        old = register(p.inspector, found=date(2023, 6, 1), days=30)
        register(p.inspector, found=date(2025, 11, 10), days=30)
        listed = register(p.inspector, found=date(2026, 3, 1), days=60)
        workflow.apply(
            hazard=listed,
            action=Action.LIST_SUPERVISION,
            by=p.reviewer,
            level="county",
            doc_no="鄂前安办督〔2026〕3号",
            issuing_unit="鄂托克前旗安委办",
            deadline="2026-06-30",
        )
        rectifying = register(p.inspector, found=date(2026, 4, 15), days=30)
        advance(rectifying, HazardState.RECTIFYING, inspector=p.inspector, reviewer=p.reviewer)
        register(p.inspector, found=date(2026, 5, 6), days=3, level=HazardLevel.GENERAL)
        own = register(p.inspector, enterprise=EnterpriseFactory(region=county_a), days=40)
        advance(own, HazardState.AWAITING_RECHECK, inspector=p.inspector, reviewer=p.reviewer)
        metal = EnterpriseFactory(sector=metallurgy, region_id="150623102")
        register(p.inspector, enterprise=metal, found=date(2026, 4, 1), days=10)
        register(p.inspector, enterprise=metal, found=date(2026, 5, 2), level=HazardLevel.GENERAL)
        # County B, the city itself (registered by the admin) and another province.
        b = EnterpriseFactory(region_id="150624")
        register(p.inspector_b, enterprise=b, found=date(2026, 5, 3), days=5)
        register(p.admin, enterprise=EnterpriseFactory(region_id="150600"), found=date(2026, 5, 1))
        register(p.admin, enterprise=EnterpriseFactory(region_id="141181"), found=date(2026, 5, 4))
        city_listed = register(p.inspector, found=date(2026, 5, 11), days=5)
        workflow.apply(
            hazard=city_listed,
            action=Action.LIST_SUPERVISION,
            by=p.leader,
            level="city",
            doc_no="鄂安办督〔2026〕1号",
            issuing_unit="鄂尔多斯市安委办",
            deadline="2026-07-31",
        )
    with freeze_time("2026-01-20 10:00:00"):
        january = register(p.inspector, found=date(2026, 1, 20), days=20)
    _closed(january, date(2026, 2, 5), p)
    with freeze_time("2026-05-05 10:00:00"):
        may = register(p.inspector, found=date(2026, 5, 5), days=30)
        quick = register(p.inspector, found=date(2026, 5, 5), days=3, level=HazardLevel.GENERAL)
    _closed(may, date(2026, 5, 10), p)
    _closed(quick, date(2026, 5, 8), p)
    # 重点监管 enterprises of county A: one inspected in May, one not.
    seen, unseen = (EnterpriseFactory(key_supervision=True) for _ in range(2))
    Inspection.objects.create(
        enterprise=seen,
        region=seen.region,
        date=date(2026, 5, 10),
        status="done",
        method="random",
        department=p.inspector.department,
        sector=seen.sector,
    )
    assert unseen.pk and old.pk
    return p


# ---------------------------------------------------------------- independent SQL


def _count(prefix: str | None, where: str, params: list) -> int:
    sql = (
        "SELECT COUNT(*) FROM hazards_hazard h JOIN core_sector s ON s.id = h.sector_id "
        "WHERE h.region_id LIKE %s AND (" + where + ")"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [(prefix or "") + "%", *params])
        return cursor.fetchone()[0]


def _coverage_sql(prefix: str | None, start: date, end: date) -> tuple[int, int]:
    sql = (
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM inspections_inspection i "
        "WHERE i.enterprise_id = e.id AND i.status = 'done' AND i.date BETWEEN %s AND %s)) "
        "FROM enterprises_enterprise e WHERE e.key_supervision AND e.status = 'operating' "
        "AND e.region_id LIKE %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, (prefix or "") + "%"])
        return cursor.fetchone()


MAJOR = "h.level = 'major'"
FOUND = "h.found_date BETWEEN %s AND %s"
CLOSED = "h.closed_date IS NOT NULL AND h.closed_date <= %s"
OVERDUE = f"h.state IN {OPEN!r} AND h.current_deadline < %s"
OPEN_SQL = f"h.state IN {OPEN!r}"
# 检查发现隐患督促整改率: found by the regulators, original deadline in the period and passed;
# urged: rectified, or under an approved extension whose new deadline has not passed.
DUE = "h.source <> 'self_report' AND h.deadline BETWEEN %s AND %s"
URGED = (
    "(h.state IN ('awaiting_recheck', 'rechecked', 'closed') OR (EXISTS (SELECT 1 FROM "
    "hazards_extensionrequest x WHERE x.hazard_id = h.id AND x.status = 'approved') "
    "AND h.current_deadline >= %s))"
)


def _group_sql(row_where: str, row_params: list, start, end, today) -> dict:
    return {
        "found": (f"{MAJOR} AND {FOUND} AND {row_where}", [start, end, *row_params]),
        "closed": (
            f"{MAJOR} AND {FOUND} AND {CLOSED} AND {row_where}",
            [start, end, end, *row_params],
        ),
        "overdue": (f"{MAJOR} AND {OVERDUE} AND {row_where}", [today, *row_params]),
    }


def expected_sql(data: dict, start: date, end: date, today: date) -> dict[str, tuple]:
    """(where, params) of every figure, keyed by its path in the dashboard data."""
    last_due = min(end, today - timedelta(days=1))
    w = {
        "cards.major_found": (f"{MAJOR} AND {FOUND}", [start, end]),
        "cards.major_closed": (f"{MAJOR} AND {FOUND} AND {CLOSED}", [start, end, end]),
        "cards.major_overdue": (f"{MAJOR} AND {OVERDUE}", [today]),
        "cards.major_open": (f"{MAJOR} AND {OPEN_SQL}", []),
        "cards.old_stock": (f"{MAJOR} AND {OPEN_SQL} AND h.found_date < '2024-01-01'", []),
        "cards.supervised": ("h.supervision_level <> ''", []),
        "indicators.rectification.due": (DUE, [start, last_due]),
        "indicators.rectification.urged": (f"{DUE} AND {URGED}", [start, last_due, today]),
        "indicators.rectification.not_urged": (
            f"{DUE} AND NOT {URGED}",
            [start, last_due, today],
        ),
    }
    for row in data["supervision"]:
        w[f"supervision.{row['key']}"] = ("h.supervision_level = %s", [row["key"]])
    scope = data["scope"]["region"]
    for row in data["by_region"]:
        if row["label"].endswith("（本级）"):
            where, params = "h.region_id = %s", [row["key"]]
        else:
            prefix = Region.objects.get(code=row["key"]).prefix
            where, params = "h.region_id LIKE %s", [prefix + "%"]
        for k, v in _group_sql(where, params, start, end, today).items():
            w[f"by_region.{row['key']}.{k}"] = v
    for row in data["by_sector"]:
        where, params = "COALESCE(s.parent_id, s.id) = %s", [int(row["key"])]
        for k, v in _group_sql(where, params, start, end, today).items():
            w[f"by_sector.{row['key']}.{k}"] = v
    for row in data["trend"]:
        first = date.fromisoformat(row["month"] + "-01")
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        w[f"trend.{row['month']}.found"] = (f"{MAJOR} AND {FOUND}", [first, last])
        w[f"trend.{row['month']}.closed"] = (
            f"{MAJOR} AND h.closed_date BETWEEN %s AND %s",
            [first, last],
        )
    for row in data["funnel"]:
        w[f"funnel.{row['key']}"] = (
            f"{MAJOR} AND {FOUND} AND h.state = %s",
            [start, end, row["key"]],
        )
    bounds = {"1-7": (1, 7), "8-30": (8, 30), "31-90": (31, 90), "91+": (91, 100000)}
    for row in data["ageing"]:
        low, high = bounds[row["key"]]
        w[f"ageing.{row['key']}"] = (
            f"{MAJOR} AND {OVERDUE} AND (%s::date - h.current_deadline) BETWEEN %s AND %s",
            [today, today, low, high],
        )
    return {path: (scope, where, params) for path, (where, params) in w.items()}


def figures_by_path(data: dict) -> dict[str, dict]:
    """Every linked figure of the dashboard data, keyed as in expected_sql."""
    out = {}
    for key in ("major_found", "major_closed", "major_overdue", "major_open", "old_stock"):
        out[f"cards.{key}"] = data["cards"][key]
    out["cards.supervised"] = data["cards"]["supervised"]
    for key in ("due", "urged", "not_urged"):
        out[f"indicators.rectification.{key}"] = data["indicators"]["rectification"][key]
    for row in data["supervision"] + data["funnel"] + data["ageing"]:
        section = (
            "supervision"
            if row in data["supervision"]
            else "funnel"
            if row in data["funnel"]
            else "ageing"
        )
        out[f"{section}.{row['key']}"] = row
    for section in ("by_region", "by_sector"):
        for row in data[section]:
            for key in ("found", "closed", "overdue"):
                out[f"{section}.{row['key']}.{key}"] = row[key]
    for row in data["trend"]:
        for key in ("found", "closed"):
            out[f"trend.{row['month']}.{key}"] = row[key]
    return out


def _scope_prefix(user) -> str | None:
    return user.region.prefix if user.region else None


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def _users(p):
    province = UserFactory(username="province", role=Role.LEADER, region_id="150000")
    return {
        "reviewer": p.reviewer,
        "leader": p.leader,
        "province": province,
        "admin": p.admin,
        "inspector_b": p.inspector_b,
    }


PERIODS = [
    ({"period": "month"}, date(2026, 5, 1), date(2026, 5, 31)),
    ({"period": "quarter"}, date(2026, 4, 1), date(2026, 6, 30)),
    ({"period": "year"}, date(2026, 1, 1), date(2026, 12, 31)),
    ({"period": "last_year"}, date(2025, 1, 1), date(2025, 12, 31)),
    ({"start": "2025-11-01", "end": "2026-04-30"}, date(2025, 11, 1), date(2026, 4, 30)),
]


# ---------------------------------------------------------------- tests


@freeze_time("2026-05-20 10:00:00")
@pytest.mark.parametrize("who", ["reviewer", "leader", "province", "admin", "inspector_b"])
def test_every_figure_equals_raw_sql(world, client, who):
    user = _users(world)[who]
    for params, start, end in PERIODS:
        cache.delete_pattern("*")
        response = _get(client, user, reverse("dashboard:dashboard"), **params)
        assert response.status_code == 200
        data = response.context["data"]
        assert (data["period"]["start"], data["period"]["end"]) == (str(start), str(end))
        expected = expected_sql(data, start, end, TODAY)
        figures = figures_by_path(data)
        assert set(figures) == set(expected)
        prefix = _scope_prefix(user)
        for path, (_, where, sql_params) in expected.items():
            assert figures[path]["value"] == _count(prefix, where, sql_params), (who, params, path)
        # Coverage is annual: from 1 January of the period's last year to its end.
        total, covered = _coverage_sql(prefix, date(end.year, 1, 1), end)
        coverage = data["indicators"]["coverage"]
        assert (coverage["total"], coverage["covered"]) == (total, covered)
        assert data["indicators"]["accident"]["rate"] is None
        assert "暂无数据" in response.content.decode()


@freeze_time("2026-05-20 10:00:00")
def test_known_figures_of_county_a_this_month(world, client):
    data = _get(client, world.reviewer, reverse("dashboard:dashboard")).context["data"]
    cards = data["cards"]
    # May: the county's own hazard, the 5-day one listed by the city, the one closed on the 10th.
    assert cards["major_found"]["value"] == 3 and cards["major_closed"]["value"] == 1
    assert cards["major_rate"] == 33.3
    assert cards["old_stock"]["value"] == 1
    assert {r["key"]: r["value"] for r in data["supervision"]} == {
        "province": 0,
        "city": 1,
        "county": 1,
        "department": 0,
    }
    assert {r["key"]: r["value"] for r in data["ageing"]} == {
        "1-7": 2,
        "8-30": 1,
        "31-90": 1,
        "91+": 2,
    }
    rows = {r["label"]: r for r in data["by_region"]}
    assert rows["鄂托克前旗（本级）"]["found"]["value"] == 1
    assert "region_exact=150623" in rows["鄂托克前旗（本级）"]["found"]["query"]
    assert rows["城川镇"]["overdue"]["value"] == 1
    sectors = {r["label"]: r for r in data["by_sector"]}
    assert "冶金" not in sectors and sectors["工贸"]["overdue"]["value"] == 1
    coverage = data["indicators"]["coverage"]
    assert (coverage["total"], coverage["covered"], coverage["rate"]) == (2, 1, 50.0)
    rect = data["indicators"]["rectification"]
    # Original deadlines passed in May (05-01..05-19): 05-15 (rectifying), 05-09 (registered),
    # 05-16 (registered, listed by the city) and 05-08 (closed): one of four rectified.
    assert (rect["due"]["value"], rect["urged"]["value"], rect["not_urged"]["value"]) == (4, 1, 3)
    assert rect["rate"] == 25.0


@freeze_time("2026-05-20 10:00:00")
@pytest.mark.parametrize("who", ["reviewer", "leader", "admin", "inspector_b"])
def test_every_drill_down_lists_exactly_its_hazards(world, client, who):
    user = _users(world)[who]
    list_url = reverse("hazards:hazard_list")
    for params in ({"period": "year"}, {"period": "month"}):
        data = _get(client, user, reverse("dashboard:dashboard"), **params).context["data"]
        figures = figures_by_path(data)
        assert len(figures) > 40
        for path, figure in figures.items():
            assert figure["url"] == f"{list_url}?{figure['query']}"
            response = client.get(figure["url"])
            assert response.status_code == 200
            assert response.context["filter"].is_valid(), (path, response.context["filter"].errors)
            count = listed_count(response)
            assert count == figure["value"], (who, params, path, figure["query"])


@freeze_time("2026-05-20 10:00:00")
def test_county_b_sees_nothing_of_county_a(world, client):
    data = _get(client, world.inspector_b, reverse("dashboard:dashboard")).context["data"]
    assert data["scope"]["region"] == "150624"
    assert data["cards"]["major_found"]["value"] == 1
    assert data["cards"]["major_overdue"]["value"] == 1
    assert data["cards"]["old_stock"]["value"] == 0
    assert data["cards"]["supervised"]["value"] == 0
    assert data["indicators"]["coverage"]["total"] == 0
    text = json.dumps(data, ensure_ascii=False)
    assert "150623" not in text and "鄂托克前旗" not in text and "城川镇" not in text
    assert [r["label"] for r in data["by_region"]] == ["鄂托克旗（本级）"]


@freeze_time("2026-05-20 10:00:00")
def test_city_and_province_rows(world, client):
    users = _users(world)
    city = _get(client, users["leader"], reverse("dashboard:dashboard")).context["data"]
    labels = [r["label"] for r in city["by_region"]]
    assert labels[-1] == "鄂尔多斯市（本级）" and "鄂托克前旗" in labels and "东胜区" in labels
    assert city["cards"]["major_found"]["value"] == 5  # A: 3, B: 1, the city itself: 1
    cache.delete_pattern("*")
    everything = _get(client, users["admin"], reverse("dashboard:dashboard")).context["data"]
    assert [r["label"] for r in everything["by_region"]] == ["山西省", "内蒙古自治区"]
    assert everything["cards"]["major_found"]["value"] == 6


@freeze_time("2026-05-20 10:00:00")
def test_api_returns_the_page_figures(world, client):
    from reports.dashboard.api import DashboardSerializer

    for params in (
        {"period": "month"},
        {"period": "year"},
        {"start": "2026-02-01", "end": "2026-05-31"},
    ):
        page = _get(client, world.leader, reverse("dashboard:dashboard"), **params).context["data"]
        cache.delete_pattern("*")
        response = client.get(reverse("api:dashboard"), params)
        assert response.status_code == 200
        assert response.json() == json.loads(json.dumps(page))
        assert DashboardSerializer(data=response.json()).is_valid()


@freeze_time("2026-05-20 10:00:00")
def test_api_refuses_a_bad_period_and_strangers(world, client):
    client.force_login(world.leader)
    bad = client.get(reverse("api:dashboard"), {"start": "2026-05-31", "end": "2026-05-01"})
    assert bad.status_code == 400 and "开始日期不能晚于结束日期" in bad.content.decode()
    assert client.get(reverse("api:dashboard"), {"period": "decade"}).status_code == 400
    client.logout()
    assert client.get(reverse("api:dashboard")).status_code in (401, 403)


@freeze_time("2026-05-20 10:00:00")
def test_page_falls_back_to_this_month_on_a_bad_period(world, client):
    response = _get(
        client, world.leader, reverse("dashboard:dashboard"), start="2026-13-01", end="x"
    )
    assert response.status_code == 200
    assert response.context["period"].key == "month"
    assert "格式应为 YYYY-MM-DD" in response.content.decode()


@freeze_time("2026-05-20 10:00:00")
def test_query_budget_and_cache(world, client, django_assert_max_num_queries):
    client.force_login(world.leader)
    url = reverse("dashboard:dashboard")
    # A miss: session and user (4), the hazard data version (1, once per request), three
    # aggregates (重大, 挂牌, the period's), grouped sub-regions and sectors (4), and the coverage
    # of inspections.indicators, which asks once per sub-region (9 counties, +2).
    counties = Region.objects.filter(parent_id="150600").count()
    with django_assert_max_num_queries(15 + counties + 2):
        assert client.get(url, {"period": "year"}).status_code == 200
    # A hit: only the page around the figures (session, user, data version, the nav's count).
    with django_assert_max_num_queries(8):
        assert client.get(url, {"period": "year"}).status_code == 200
    # A new hazard is counted once the hazard data version is bumped.
    before = client.get(url, {"period": "year"}).context["data"]["cards"]["major_found"]["value"]
    register(world.inspector)
    cached = client.get(url, {"period": "year"}).context["data"]["cards"]["major_found"]["value"]
    assert cached == before
    services.invalidate()
    after = client.get(url, {"period": "year"}).context["data"]["cards"]["major_found"]["value"]
    assert after == before + 1


def test_cache_key_separates_scopes_and_days(world):
    users = _users(world)
    with freeze_time("2026-05-20 10:00:00"):
        a = services.dashboard_figures(
            users["reviewer"], date(2026, 5, 1), date(2026, 5, 31), TODAY
        )
        b = services.dashboard_figures(
            users["inspector_b"], date(2026, 5, 1), date(2026, 5, 31), TODAY
        )
        assert a["scope"]["region"] == "150623" and b["scope"]["region"] == "150624"
    with freeze_time("2026-05-21 10:00:00"):
        later = services.dashboard_figures(
            users["reviewer"], date(2026, 5, 1), date(2026, 5, 31), date(2026, 5, 21)
        )
        assert later["period"]["today"] == "2026-05-21"


def test_sector_department_sees_only_its_sectors(world, client):
    with freeze_time("2026-05-20 10:00:00"):
        data = _get(client, world.housing, reverse("dashboard:dashboard")).context["data"]
    assert data["scope"]["all_sectors"] is False
    assert data["cards"]["major_found"]["value"] == 0 and data["by_sector"] == []


@freeze_time("2026-05-20 10:00:00")
def test_leaders_land_on_the_dashboard(world, client):
    client.force_login(world.leader)
    assert client.get(reverse("core:home")).url == reverse("dashboard:dashboard")
    client.force_login(world.inspector)
    assert client.get(reverse("core:home")).url == reverse("inspections:home")
    page = client.get(reverse("hazards:hazard_list")).content.decode()
    assert "驾驶舱" in page


@pytest.mark.parametrize(
    ("params", "start", "end", "key"),
    [
        ({}, date(2026, 2, 1), date(2026, 2, 28), "month"),
        ({"period": "quarter"}, date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ({"period": "year"}, date(2026, 1, 1), date(2026, 12, 31), "year"),
        ({"period": "last_year"}, date(2025, 1, 1), date(2025, 12, 31), "last_year"),
        (
            {"start": "2026-01-05", "end": "2026-02-01"},
            date(2026, 1, 5),
            date(2026, 2, 1),
            "custom",
        ),
    ],
)
def test_periods(params, start, end, key):
    period = periods.resolve_period(params, date(2026, 2, 14))
    assert (period.start, period.end, period.key) == (start, end, key)


@pytest.mark.parametrize(
    "params",
    [{"start": "2026-01-05"}, {"start": "2026-02-01", "end": "2026-01-01"}, {"period": "week"}],
)
def test_bad_periods(params):
    with pytest.raises(ServiceError):
        periods.resolve_period(params, date(2026, 2, 14))
