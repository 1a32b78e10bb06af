"""Fixtures for inspections: a second inspector, an issuing unit, enterprises with an address."""

from datetime import time

import pytest
from django.utils import timezone

from accounts.choices import Role
from core.models import Department
from inspections import selectors, services
from inspections.choices import CheckResult, InspectionMethod
from inspections.models import IssuingUnit
from tests.factories import EnterpriseFactory, UserFactory


@pytest.fixture
def team(personas):
    """personas plus three more inspectors of 鄂托克前旗应急管理局 and its 文号 abbreviation; every
    inspector and the reviewer has a 执法证号."""
    department = Department.objects.get(name="鄂托克前旗应急管理局")
    IssuingUnit.objects.get_or_create(
        department=department,
        defaults={
            "short_name": "鄂前应急",
            "reconsideration_body": "鄂托克前旗人民政府",
            "court": "鄂托克前旗人民法院",
        },
    )
    for username, name in (
        ("inspector2", "赵海军"),
        ("inspector3", "孙立新"),
        ("inspector4", "周晓东"),
    ):
        person = UserFactory(
            username=username, name=name, role=Role.INSPECTOR, department=department
        )
        setattr(personas, username, person)
    # Everyone who may sign a document carries a 执法证号.
    signers = [personas.inspector, personas.reviewer]
    signers += [personas.inspector2, personas.inspector3, personas.inspector4]
    for n, person in enumerate(signers, start=1):
        person.certificate_no = f"150623202600{n:02d}"
        person.save(update_fields=["certificate_no"])
    return personas


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(
        name="内蒙古上庙能源化工有限公司",
        address="鄂托克前旗上海庙经济开发区化工园区",
        principal="王建国",
        principal_phone="13900000001",
        key_supervision=True,
        risk_grade="red",
    )


def visit(team, enterprise, *, date=None, method=InspectionMethod.OPEN, **kwargs):
    return services.inspection_create(
        by=team.inspector,
        enterprise=enterprise,
        date=date or timezone.localdate(),
        method=method,
        inspectors=kwargs.pop("inspectors", [team.inspector, team.inspector2]),
        start_time=time(9, 0),
        representative="刘安全",
        representative_title="安全总监",
        **kwargs,
    )


def checked_visit(team, enterprise):
    """A visit with two clauses passed, one failed and one free-text finding, committed."""
    inspection = visit(team, enterprise)
    clauses = list(selectors.checklist_clauses(inspection)[:3])
    services.checklist_record(
        by=team.inspector, inspection=inspection, clause=clauses[0], result=CheckResult.PASS
    )
    services.checklist_record(
        by=team.inspector,
        inspection=inspection,
        clause=clauses[1],
        result=CheckResult.NOT_APPLICABLE,
    )
    services.checklist_record(
        by=team.inspector,
        inspection=inspection,
        clause=clauses[2],
        result=CheckResult.FAIL,
        remark="甲醇罐区可燃气体报警仪未与紧急切断联锁",
    )
    services.finding_add(
        by=team.inspector,
        inspection=inspection,
        place="仓库东侧消防通道",
        description="消防通道堆放纸箱等杂物",
    )
    hazards = services.inspection_findings_commit(
        by=team.inspector,
        inspection=inspection,
        measures="责令立即清理消防通道",
        unchecked_reason="本次为罐区专项检查，其余条款未检查",
    )
    inspection.refresh_from_db()
    return inspection, clauses, hazards


def recheck(team, hazard, *, passed: bool, opinion: str = "", new_deadline=None):
    """Take a hazard to 待复查 through the workflow and record a re-check on it."""
    from datetime import timedelta

    from hazards import workflow
    from hazards.choices import Action, HazardState
    from tests.hazard_helpers import advance

    hazard = advance(
        hazard, HazardState.AWAITING_RECHECK, inspector=team.inspector, reviewer=team.reviewer
    )
    if passed:
        workflow.apply(
            hazard=hazard,
            action=Action.RECHECK_PASS,
            by=team.inspector,
            recheck_opinion=opinion or "已整改到位",
        )
    else:
        workflow.apply(
            hazard=hazard,
            action=Action.RECHECK_FAIL,
            by=team.inspector,
            recheck_opinion=opinion or "未整改到位",
            new_deadline=(new_deadline or timezone.localdate() + timedelta(days=10)).isoformat(),
        )
    hazard.refresh_from_db()
    return hazard
