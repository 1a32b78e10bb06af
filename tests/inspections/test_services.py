"""Visits: two inspectors at least, checklists, findings committed as linked hazards."""

import pytest

from core.errors import ServiceError
from hazards.choices import HazardLevel, HazardSource
from hazards.models import Hazard
from inspections import selectors, services
from inspections.choices import CheckResult, InspectionStatus

from .conftest import checked_visit, visit

pytestmark = pytest.mark.django_db


def test_a_visit_needs_two_inspectors(team, enterprise):
    with pytest.raises(ServiceError, match="至少需要 2 名执法人员"):
        visit(team, enterprise, inspectors=[team.inspector])
    with pytest.raises(ServiceError, match="至少需要 2 名执法人员"):
        visit(team, enterprise, inspectors=[team.inspector, team.inspector])
    # An inspector of another county cannot inspect here, except in 异地交叉执法.
    with pytest.raises(ServiceError, match="没有监管职责"):
        visit(team, enterprise, inspectors=[team.inspector, team.inspector_b])
    assert visit(team, enterprise, method="cross", inspectors=[team.inspector, team.inspector_b])


def test_failed_clause_becomes_a_major_hazard_linked_to_the_visit(team, enterprise):
    inspection, clauses, hazards = checked_visit(team, enterprise)
    assert inspection.status == InspectionStatus.DONE
    assert len(hazards) == 2
    major = Hazard.objects.get(finding__inspection=inspection, level=HazardLevel.MAJOR)
    assert major.clause == clauses[2]
    assert major.source == HazardSource.INSPECTION
    assert major.description == "甲醇罐区可燃气体报警仪未与紧急切断联锁"
    general = Hazard.objects.get(finding__inspection=inspection, level=HazardLevel.GENERAL)
    assert general.clause is None and general.place == "仓库东侧消防通道"
    assert set(selectors.inspection_hazards(inspection)) == {major, general}
    assert "不合格 1 项" in inspection.situation
    # The record is closed now.
    with pytest.raises(ServiceError, match="已完成"):
        services.checklist_record(
            by=team.inspector, inspection=inspection, clause=clauses[0], result=CheckResult.FAIL
        )


def test_changing_a_failed_clause_back_withdraws_the_finding(team, enterprise):
    inspection = visit(team, enterprise)
    clause = selectors.checklist_clauses(inspection).first()
    services.checklist_record(
        by=team.inspector, inspection=inspection, clause=clause, result=CheckResult.FAIL
    )
    assert inspection.findings.get().level == HazardLevel.MAJOR
    services.checklist_record(
        by=team.inspector, inspection=inspection, clause=clause, result=CheckResult.PASS
    )
    assert not inspection.findings.exists()
    assert (
        services.inspection_findings_commit(
            by=team.inspector,
            inspection=inspection,
            unchecked_reason="本次为专项检查，其余条款未检查",
        )
        == []
    )
    inspection.refresh_from_db()
    assert "未发现事故隐患" in inspection.situation


def test_only_the_visit_inspectors_fill_in_the_checklist(team, enterprise):
    inspection = visit(team, enterprise)
    clause = selectors.checklist_clauses(inspection).first()
    with pytest.raises(ServiceError, match="只有本次检查的执法人员"):
        services.checklist_record(
            by=team.inspector3, inspection=inspection, clause=clause, result=CheckResult.PASS
        )


def test_commit_is_all_or_nothing(team, enterprise):
    inspection = visit(team, enterprise)
    services.finding_add(
        by=team.inspector, inspection=inspection, place="配电室", description="配电箱未上锁"
    )
    bad = services.finding_add(
        by=team.inspector, inspection=inspection, place="机修车间", description="砂轮机防护罩缺失"
    )
    # A reviewer-only rule cannot be broken from here, so break the data: a 重大 without clause.
    type(bad).objects.filter(pk=bad.pk).update(level=HazardLevel.MAJOR)
    with pytest.raises(ServiceError, match="判定依据"):
        services.inspection_findings_commit(
            by=team.inspector,
            inspection=inspection,
            unchecked_reason="本次为专项检查，其余条款未检查",
        )
    assert not Hazard.objects.filter(finding__inspection=inspection).exists()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SCHEDULED
