"""The inspection, plan, draw and document lists filter through one FilterSet each, for the
page and the API alike: choices come from the user's scope, and a bad value lists nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from inspections import services
from inspections.choices import DocumentType, InspectionMethod
from tests.factories import EnterpriseFactory

from .conftest import checked_visit, visit

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_inspection_list_page_filters_and_shows_bad_values(client, team, enterprise):
    other = EnterpriseFactory(name="鄂托克前旗另一家煤矿有限公司")
    mine = visit(team, enterprise)
    theirs = visit(
        team,
        other,
        method=InspectionMethod.FOUR_NO_TWO_DIRECT,
        inspectors=[team.inspector2, team.inspector3],
    )
    client.force_login(team.inspector)
    url = reverse("inspections:inspection_list")

    def listed(**params) -> str:
        response = client.get(url, params)
        assert response.status_code == 200
        return response.content.decode()

    everything = listed()
    assert mine.get_absolute_url() in everything and theirs.get_absolute_url() in everything
    only_mine = listed(mine="1")
    assert mine.get_absolute_url() in only_mine and theirs.get_absolute_url() not in only_mine
    by_method = listed(method=InspectionMethod.FOUR_NO_TWO_DIRECT)
    assert theirs.get_absolute_url() in by_method and mine.get_absolute_url() not in by_method
    by_name = listed(q="另一家")
    assert theirs.get_absolute_url() in by_name and mine.get_absolute_url() not in by_name
    bad = listed(status="nonsense")
    assert 'id="filter-errors"' in bad and "状态" in bad
    assert mine.get_absolute_url() not in bad and theirs.get_absolute_url() not in bad


def test_inspection_api_choices_come_from_the_users_scope(team, enterprise):
    inspection = visit(team, enterprise)
    plan = services.plan_create(by=team.reviewer, name="计划", year=2026)
    elsewhere = EnterpriseFactory(region_id="150624")
    api = api_for(team.inspector)
    url = reverse("api:inspection-list")
    assert api.get(url, {"enterprise": enterprise.pk}).json()["count"] == 1
    assert api.get(url, {"mine": "true"}).json()["count"] == 1
    assert api.get(url, {"plan": plan.pk}).json()["count"] == 0
    assert api.get(url, {"date": inspection.date.isoformat()}).json()["count"] == 1
    refused = api.get(url, {"enterprise": elsewhere.pk})
    assert refused.status_code == 400 and "enterprise" in refused.json()["fields"]
    assert api.get(url, {"status": "nonsense"}).status_code == 400
    # The other county's inspector cannot name this county's plan either.
    other = api_for(team.inspector_b).get(url, {"plan": plan.pk})
    assert other.status_code == 400 and "plan" in other.json()["fields"]


def test_plan_and_draw_filters_over_the_api_and_the_plan_page(client, team):
    EnterpriseFactory.create_batch(3)
    year = timezone.localdate().year
    plan = services.plan_create(by=team.reviewer, name="年度计划", year=year)
    services.draw_run(by=team.reviewer, plan=plan, count=1, seed=3)
    api = api_for(team.reviewer)
    plans = reverse("api:plan-list")
    assert api.get(plans, {"year": year, "region": "150623"}).json()["count"] == 1
    assert api.get(plans, {"year": year - 1}).json()["count"] == 0
    assert api.get(plans, {"department": team.reviewer.department_id}).json()["count"] == 1
    assert api.get(plans, {"region": "150624"}).status_code == 400
    draws = reverse("api:draw-list")
    assert api.get(draws, {"plan": plan.pk, "region": "150623"}).json()["count"] == 1
    assert api.get(draws, {"region": "150624"}).status_code == 400
    client.force_login(team.reviewer)
    page = reverse("inspections:plan_list")
    assert plan.name in client.get(page, {"year": year}).content.decode()
    bad = client.get(page, {"year": "去年"}).content.decode()
    assert 'id="filter-errors"' in bad and plan.get_absolute_url() not in bad


def test_document_list_filters_by_type(client, team, enterprise):
    inspection, _, _ = checked_visit(team, enterprise)
    record = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    order = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.ORDER
    )
    client.force_login(team.inspector)
    url = reverse("inspections:document_list")
    orders = client.get(url, {"type": DocumentType.ORDER}).content.decode()
    assert order.number in orders and record.number not in orders
    bad = client.get(url, {"type": "nonsense"}).content.decode()
    assert 'id="filter-errors"' in bad and order.number not in bad and record.number not in bad
