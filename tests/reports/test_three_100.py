"""三个100% (孝义 seed, item 14) as the dashboard computes them, each definition on a small
dataset, and each definition shown beside its figure."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from freezegun import freeze_time

from enterprises.choices import EnterpriseStatus
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardSource, HazardState
from inspections.models import Inspection
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, register

pytestmark = pytest.mark.django_db
MAY = {"period": "month"}  # today is 2026-05-20: the period is 2026-05-01..2026-05-31


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")


def _dashboard(client, user, **params):
    with freeze_time("2026-05-20 10:00:00"):
        client.force_login(user)
        response = client.get(reverse("dashboard:dashboard"), params or MAY)
    assert response.status_code == 200
    return response.context["data"]["indicators"], response.content.decode()


def _inspected(enterprise, on: date, personas, status="done"):
    Inspection.objects.create(
        enterprise=enterprise,
        region=enterprise.region,
        date=on,
        status=status,
        method="random",
        department=personas.inspector.department,
        sector=enterprise.sector,
    )


# ---------------------------------------------------------------- 重点监管企业执法检查覆盖率


@pytest.fixture
def key_enterprises(personas):
    """Four 重点监管 enterprises in operation: inspected in February, inspected in May,
    inspected last December only, never inspected; plus a closed one (inspected in May) and an
    ordinary one (inspected in May), which do not count."""
    february, may, last_year, never = (EnterpriseFactory(key_supervision=True) for _ in range(4))
    _inspected(february, date(2026, 2, 10), personas)
    _inspected(may, date(2026, 5, 8), personas)
    _inspected(last_year, date(2025, 12, 15), personas)
    _inspected(never, date(2026, 5, 25), personas, status="scheduled")
    closed = EnterpriseFactory(key_supervision=True, status=EnterpriseStatus.CLOSED)
    _inspected(closed, date(2026, 5, 8), personas)
    _inspected(EnterpriseFactory(key_supervision=False), date(2026, 5, 8), personas)
    return personas


def test_coverage_is_the_share_of_key_enterprises_inspected_this_year(key_enterprises, client):
    """覆盖率 = 在营重点监管企业中，本年 1 月 1 日至统计期末至少完成一次执法检查的 ÷ 全部：
    the February and May inspections count for May's dashboard, last December's does not."""
    indicators, page = _dashboard(client, key_enterprises.reviewer)
    coverage = indicators["coverage"]
    assert (coverage["total"], coverage["covered"], coverage["rate"]) == (4, 2, 50.0)
    assert (coverage["start"], coverage["end"]) == ("2026-01-01", "2026-05-31")
    assert coverage["definition"] == (
        "2026年1月1日至2026年5月31日至少完成一次执法检查的在营重点监管企业"
        " ÷ 在营重点监管企业总数（按年度统计）。"
    )
    assert "start=2026-01-01" in coverage["url"]
    assert coverage["definition"] in page


def test_coverage_follows_the_period_when_the_setting_says_so(key_enterprises, client, settings):
    settings.DASHBOARD_COVERAGE_ANNUAL = False
    coverage = _dashboard(client, key_enterprises.reviewer)[0]["coverage"]
    assert (coverage["total"], coverage["covered"], coverage["rate"]) == (4, 1, 25.0)
    assert coverage["start"] == "2026-05-01" and "按年度" not in coverage["definition"]


# ---------------------------------------------------------------- 检查发现隐患督促整改率


def _extend(hazard, personas, on: str, to: str):
    with freeze_time(on):
        workflow.apply(
            hazard=hazard,
            action=Action.REQUEST_EXTENSION,
            by=personas.inspector,
            requested_deadline=to,
            reason="设备到货延迟",
            interim_measures="停用并专人值守",
        )
        workflow.apply(hazard=hazard, action=Action.APPROVE_EXTENSION, by=personas.reviewer)


@pytest.fixture
def due_world(personas):
    """Hazards of county A; today is 2026-05-20, the period May."""
    p = personas
    found = date(2026, 4, 1)

    def hazard(deadline: date, **fields):
        with freeze_time("2026-04-01 10:00:00"):
            return register(
                p.inspector, found=found, deadline=deadline, level=HazardLevel.GENERAL, **fields
            )

    h = {
        # Deadline passed in May and rectified (submitted, awaiting re-check): urged.
        "submitted": hazard(date(2026, 5, 10)),
        # Deadline passed in May, extension approved to 06-15: urged.
        "extended": hazard(date(2026, 5, 12)),
        # Deadline passed in May, nothing done: not urged (overdue).
        "overdue": hazard(date(2026, 5, 8)),
        # Deadline passed in May, extension approved to 05-18, which has passed too: not urged.
        "extension_ran_out": hazard(date(2026, 5, 11)),
        # Not counted: still within its deadline, self-reported, deadline in April.
        "within_deadline": hazard(date(2026, 5, 25)),
        "self_reported": hazard(date(2026, 5, 5), source=HazardSource.SELF_REPORT),
        "april": hazard(date(2026, 4, 20)),
    }
    with freeze_time("2026-05-09 10:00:00"):
        advance(h["submitted"], HazardState.AWAITING_RECHECK, inspector=p.inspector, reviewer=None)
    _extend(h["extended"], p, "2026-05-06", "2026-06-15")
    _extend(h["extension_ran_out"], p, "2026-05-06", "2026-05-18")
    return p, h


def test_urging_rate_counts_hazards_whose_deadline_passed_in_the_period(due_world, client):
    """督促整改率 = 原整改期限在本期内且已过的检查发现隐患中，已整改或经批准延期（新期限未到）
    的 ÷ 全部这些隐患；尚在期限内的、企业自查上报的、期限在本期以外的都不计入."""
    personas, h = due_world
    indicators, page = _dashboard(client, personas.reviewer)
    rect = indicators["rectification"]
    assert (rect["due"]["value"], rect["urged"]["value"], rect["not_urged"]["value"]) == (4, 2, 2)
    assert rect["rate"] == 50.0
    assert rect["definition"] in page
    listed = {}
    for key in ("due", "urged", "not_urged"):
        with freeze_time("2026-05-20 10:00:00"):
            response = client.get(rect[key]["url"])
        listed[key] = {x.pk for x in response.context["page"].object_list}
    assert listed["due"] == {
        h[k].pk for k in ("submitted", "extended", "overdue", "extension_ran_out")
    }
    assert listed["urged"] == {h["submitted"].pk, h["extended"].pk}
    assert listed["not_urged"] == {h["overdue"].pk, h["extension_ran_out"].pk}


def test_hazards_still_within_their_deadline_never_lower_the_rate(due_world, client):
    """Early in the month nothing is due yet: the rate is "—", not 0 %."""
    personas, _ = due_world
    with freeze_time("2026-05-02 10:00:00"):
        client.force_login(personas.reviewer)
        data = client.get(reverse("dashboard:dashboard"), MAY).context["data"]
    rect = data["indicators"]["rectification"]
    assert rect["due"]["value"] == 0 and rect["rate"] is None


# ---------------------------------------------------------------- 事故调查按期结案率


def test_accident_closure_rate_says_it_has_no_data(personas, client):
    indicators, page = _dashboard(client, personas.reviewer)
    accident = indicators["accident"]
    assert accident["rate"] is None and accident["text"] == "暂无数据"
    assert "系统尚未接入事故调查数据" in accident["note"]
    assert accident["definition"] == "期限内结案的生产安全事故调查 ÷ 应结案的事故调查。"
    assert accident["note"] in page and accident["definition"] in page
    assert page.count('class="small text-muted definition"') == 3
