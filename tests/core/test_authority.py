"""Who may see and do what: import batches, plans and draws of sector departments, the public
draw page, references in the API, accounts without a scope, and where a page may send you."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from core.errors import ServiceError
from core.models import Department, Sector
from core.scoping import NO_SCOPE_KEY, scope_key
from enterprises.models import Enterprise
from enterprises.services import enterprise_import_commit, enterprise_import_preview
from hazards.models import Hazard
from inspections.models import DrawTarget, InspectionPlan, RandomDraw
from reports.models import Notification
from tests.enterprises.test_import import good_row, xlsx
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import register

pytestmark = pytest.mark.django_db


def test_an_import_batch_is_seen_and_committed_by_its_uploader_only(personas, client):
    batch = enterprise_import_preview(
        by=personas.inspector, data=xlsx([good_row(1)]), file_name="a.xlsx"
    )
    colleague = UserFactory(username="colleague", role=Role.INSPECTOR, department=None)
    for other in (colleague, personas.housing, personas.admin):
        client.force_login(other)
        assert client.get(reverse("enterprises:import_detail", args=[batch.pk])).status_code == 404
        commit = client.post(reverse("enterprises:import_commit", args=[batch.pk]))
        assert commit.status_code == 404
        with pytest.raises(ServiceError) as refused:
            enterprise_import_commit(batch=batch, by=other)
        assert refused.value.kind == "scope"
    assert not Enterprise.objects.filter(name="导入企业1").exists()
    assert enterprise_import_commit(batch=batch, by=personas.inspector) == 1


def test_every_row_is_checked_against_the_committers_scope_at_commit(personas):
    batch = enterprise_import_preview(
        by=personas.inspector,
        data=xlsx([good_row(1, sector="建筑施工"), good_row(2)]),
        file_name="a.xlsx",
    )
    assert batch.errors == []
    # Moved to 住建 after the preview: the 危险化学品 row (row 3) is no longer theirs.
    personas.inspector.department = Department.objects.get(name="鄂托克前旗住房和城乡建设局")
    personas.inspector.save()
    inspector = type(personas.inspector).objects.get(pk=personas.inspector.pk)
    with pytest.raises(ServiceError, match="第 3 行"):
        enterprise_import_commit(batch=batch, by=inspector)
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


@pytest.fixture
def second_inspector(personas):
    """A draw needs two inspectors per enterprise."""
    return UserFactory(
        username="inspector2", role=Role.INSPECTOR, department=personas.inspector.department
    )


@pytest.fixture
def housing_plan(personas):
    """A 住建 plan of 鄂托克前旗 naming a 建筑施工 site and (wrongly) a 危险化学品 plant, and an
    应急 plan with a draw."""
    housing = Department.objects.get(name="鄂托克前旗住房和城乡建设局")
    site = EnterpriseFactory(name="某建筑工地", sector=Sector.objects.get(code="construction"))
    plant = EnterpriseFactory(name="某化工厂", risk_grade="red")
    plan = InspectionPlan.objects.create(
        name="住建计划", year=2026, region_id="150623", department=housing
    )
    plan.enterprises.set([site, plant])
    return plan, site, plant


def test_a_sector_department_sees_its_kind_of_plans_and_only_its_sectors_in_them(
    personas, housing_plan, second_inspector, client
):
    from inspections import services

    plan, site, plant = housing_plan
    emergency_plan = services.plan_create(by=personas.reviewer, name="应急计划", year=2026)
    draw = services.draw_run(by=personas.reviewer, plan=emergency_plan, count=1)
    assert list(InspectionPlan.objects.for_user(personas.housing)) == [plan]
    assert not RandomDraw.objects.for_user(personas.housing).exists()
    client.force_login(personas.housing)
    for url in (emergency_plan.get_absolute_url(), draw.get_absolute_url()):
        assert client.get(url).status_code == 404
    assert client.get(reverse("api:plan-detail", args=[emergency_plan.pk])).status_code == 404
    page = client.get(plan.get_absolute_url()).content.decode()
    assert site.name in page and plant.name not in page
    # 应急 sees every sector and every department's plans.
    assert set(InspectionPlan.objects.for_user(personas.reviewer)) == {plan, emergency_plan}


def test_the_public_draw_page_shows_the_publication_and_no_more(personas, second_inspector, client):
    from inspections import services

    plant = EnterpriseFactory(name="某化工厂", risk_grade="red", key_supervision=True)
    plan = services.plan_create(by=personas.reviewer, name="应急计划", year=2026)
    draw = services.draw_run(
        by=personas.reviewer, plan=plan, count=1, risk_grades=["red"], key_supervision_only=True
    )
    target = DrawTarget.objects.get(draw=draw)
    assert target.enterprise == plant
    page = client.get(draw.get_public_url()).content.decode()
    for shown in (draw.department.name, plan.name, plant.name, plant.credit_code, "尚未检查"):
        assert shown in page
    for hidden in ("风险等级", "red", "红", "重点监管", "名录库 ", "执法人员库 "):
        assert hidden not in page, hidden
    for person in target.inspectors.all():
        assert person.display_name not in page


def test_api_references_outside_the_scope_read_like_missing_ones(personas, client):
    client.force_login(personas.inspector)
    other_department = Department.objects.get(name="鄂托克旗应急管理局")
    base = {
        "credit_code": EnterpriseFactory.build().credit_code,
        "name": "新企业",
        "region": "150623101",
        "sector": Sector.objects.get(code="hazchem").pk,
    }

    def refused(field, value):
        response = client.post("/api/v1/enterprises/", {**base, field: value}, format="json")
        assert response.status_code == 400, response.content
        return response.json()["fields"][field][0].replace(str(value), "X")

    assert refused("department", other_department.pk) == refused("department", 999999)
    assert refused("region", "150624") == refused("region", "999999")
    client.force_login(personas.housing)
    assert refused("sector", base["sector"]) == refused("sector", 999999)


def test_inspectors_named_in_the_api_are_people_of_the_callers_region(personas, client):
    enterprise = EnterpriseFactory()
    client.force_login(personas.inspector)
    response = client.post(
        "/api/v1/inspections/",
        {
            "enterprise": enterprise.pk,
            "date": "2026-05-01",
            "method": "cross",
            "inspectors": [personas.inspector.pk, personas.inspector_b.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in str(response.json()["fields"]["inspectors"])


def test_an_account_without_a_region_sees_nothing_and_shares_no_cache(personas, client):
    register(personas.inspector)
    nobody = UserFactory(username="nobody", role=Role.LEADER, region=None, department=None)
    assert not Hazard.objects.for_user(nobody).exists()
    assert Hazard.objects.for_user(personas.admin).exists()
    assert scope_key(nobody) == NO_SCOPE_KEY != scope_key(personas.admin)
    client.force_login(personas.admin)
    seen_by_admin = client.get("/api/v1/dashboard/").json()
    client.force_login(nobody)
    seen_by_nobody = client.get("/api/v1/dashboard/").json()
    assert seen_by_admin["scope"]["region_name"] == "全部地区"
    assert seen_by_nobody["scope"] == {
        "region": None,
        "region_name": "无管辖范围",
        "all_sectors": False,
    }


def test_equal_scopes_share_a_key_and_different_ones_do_not(personas):
    twin = UserFactory(
        username="twin", role=Role.REVIEWER, department=personas.inspector.department
    )
    assert scope_key(twin) == scope_key(personas.inspector)
    assert (
        len(
            {
                scope_key(p)
                for p in (
                    personas.inspector,
                    personas.housing,
                    personas.leader,
                    personas.inspector_b,
                    personas.admin,
                )
            }
        )
        == 5
    )


def test_an_enterprise_account_sees_nothing(personas, client):
    register(personas.inspector)
    account = UserFactory(username="qiye", role=Role.ENTERPRISE, department=None)
    assert account.region_id == "150623"
    for model in (Hazard, Enterprise, InspectionPlan, Department):
        assert not model.objects.for_user(account).exists(), model
    client.force_login(account)
    assert client.get("/api/v1/hazards/").json()["count"] == 0
    assert client.get("/api/v1/enterprises/").json()["count"] == 0


def test_reading_a_notification_never_leaves_the_site(personas, client):
    note = Notification.objects.create(user=personas.inspector, title="通知", url="/hazards/")
    client.force_login(personas.inspector)
    url = reverse("notices:notification_read", args=[note.pk])
    for target in ("https://evil.example/", "//evil.example/x", "http:///evil.example"):
        response = client.post(url, {"next": target})
        assert response.status_code == 302
        assert "evil" not in response["Location"], target
    assert client.post(url, {"next": "/inspections/"})["Location"] == "/inspections/"
    assert client.post(url)["Location"] == "/hazards/"
