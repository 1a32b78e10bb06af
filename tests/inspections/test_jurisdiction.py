"""三管三必须: a department enforces only in the sectors it supervises — plan targets, draw
pools, visits, findings and documents — and the refusal names the responsible department.
Reading stays as it was: an 应急 bureau sees every sector as the 综合监管 department."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from core.errors import Kind, ServiceError
from core.models import Department, Sector
from enterprises.models import Enterprise
from hazards.models import Hazard
from inspections import services
from inspections.choices import DocumentType, InspectionMethod, InspectionStatus
from inspections.models import Finding, Inspection
from tests.factories import EnterpriseFactory, UserFactory

from .conftest import visit

pytestmark = pytest.mark.django_db

REFUSED = (
    "“上海庙天然气有限公司”属于城镇燃气行业，由鄂托克前旗住房和城乡建设局监管，"
    "鄂托克前旗应急管理局不能对其{what}。"
)


@pytest.fixture
def gas(db):
    return EnterpriseFactory(name="上海庙天然气有限公司", sector=Sector.objects.get(code="gas"))


def test_an_emergency_bureau_sees_a_gas_company_but_does_not_inspect_it(team, gas):
    assert Enterprise.objects.for_user(team.inspector).filter(pk=gas.pk).exists()  # read
    with pytest.raises(ServiceError) as refused:
        visit(team, gas)
    assert refused.value.message == REFUSED.format(what="执法检查")
    assert refused.value.kind == Kind.ROLE and refused.value.field == "enterprise"
    assert not Inspection.objects.exists()


def test_the_supervising_department_inspects_it(team, gas):
    housing = Department.objects.get(name="鄂托克前旗住房和城乡建设局")
    colleague = UserFactory(username="zhujian2", role=Role.INSPECTOR, department=housing)
    inspection = services.inspection_create(
        by=team.housing,
        enterprise=gas,
        date=timezone.localdate(),
        method=InspectionMethod.OPEN,
        inspectors=[team.housing, colleague],
    )
    assert inspection.department == housing and inspection.sector.code == "gas"


def test_a_company_also_in_an_emergency_sector_is_inspected_in_that_sector(team, gas):
    gas.other_sectors.add(Sector.objects.get(code="confined_space"))
    inspection = visit(team, gas)
    assert inspection.sector.code == "confined_space"
    services.finding_add(
        by=team.inspector, inspection=inspection, place="阀门井", description="有限空间未设警示标识"
    )
    (hazard,) = services.inspection_findings_commit(
        by=team.inspector, inspection=inspection, unchecked_reason="本次为专项检查，其余条款未检查"
    )
    assert hazard.sector.code == "confined_space"


def test_plans_and_draws_keep_to_the_departments_sectors(team, gas):
    ours = EnterpriseFactory.create_batch(3)
    with pytest.raises(ServiceError) as refused:
        services.plan_create(
            by=team.reviewer, name="年度计划", year=timezone.localdate().year, enterprises=[gas]
        )
    assert refused.value.message == REFUSED.format(what="列入执法检查计划")
    plan = services.plan_create(by=team.reviewer, name="年度计划", year=timezone.localdate().year)
    pool = services.draw_enterprise_pool(by=team.reviewer, plan=plan, region=plan.region)
    assert set(pool) == set(ours)
    with pytest.raises(ServiceError) as sector_refused:
        services.draw_run(by=team.reviewer, plan=plan, count=1, sector=gas.sector)
    assert sector_refused.value.message == (
        "城镇燃气行业由鄂托克前旗住房和城乡建设局监管，鄂托克前旗应急管理局不能从该行业抽取检查对象。"
    )
    draw = services.draw_run(by=team.reviewer, plan=plan, count=3)
    assert gas.pk not in draw.enterprise_pool


def test_a_visit_recorded_outside_the_departments_sectors_gets_no_findings_or_documents(team, gas):
    """A visit recorded before the rule (or by hand) cannot go on to findings or documents."""
    old = Inspection.objects.create(
        enterprise=gas,
        region_id=gas.region_id,
        sector=gas.sector,
        department=team.inspector.department,
        date=timezone.localdate(),
        place=gas.name,
        method=InspectionMethod.OPEN,
    )
    old.inspectors.set([team.inspector, team.inspector2])
    with pytest.raises(ServiceError) as refused:
        services.finding_add(by=team.inspector, inspection=old, place="调压站", description="漏气")
    assert refused.value.message == REFUSED.format(what="登记检查发现的问题")
    Finding.objects.create(
        inspection=old, level="general", place="调压站", description="漏气", deadline=old.date
    )
    with pytest.raises(ServiceError, match=REFUSED.format(what="登记隐患")):
        services.inspection_findings_commit(
            by=team.inspector, inspection=old, unchecked_reason="本次为专项检查，其余条款未检查"
        )
    assert not Hazard.objects.exists()
    Inspection.objects.filter(pk=old.pk).update(status=InspectionStatus.DONE)
    with pytest.raises(ServiceError, match=REFUSED.format(what="出具执法文书")):
        services.document_issue(by=team.inspector, inspection=old, type=DocumentType.RECORD)


def test_the_api_answers_403_with_the_responsible_department(team, gas):
    api = APIClient()
    api.force_authenticate(team.inspector)
    response = api.post(
        reverse("api:inspection-list"),
        {
            "enterprise": gas.pk,
            "date": timezone.localdate().isoformat(),
            "method": "open",
            "inspectors": [team.inspector.pk, team.inspector2.pk],
        },
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == REFUSED.format(what="执法检查")
    assert api.get(reverse("api:enterprise-detail", args=[gas.pk])).status_code == 200
