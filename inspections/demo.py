"""Demo inspections for `make run`: this year's plan of 鄂托克前旗 with a finished 双随机 draw,
finished visits with checklists, findings (now hazards) and numbered documents, and a visit
scheduled today for the demo inspector. Built through the real services; idempotent."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.demo import DEMO_PASSWORD, demo_department
from accounts.models import User
from core.choices import DepartmentKind
from core.models import Department
from enterprises.choices import RiskGrade
from enterprises.models import Enterprise
from hazards import workflow
from hazards.choices import Action, HazardLevel, Stoppage
from hazards.services import clause_choices

from . import selectors, services
from .choices import CheckResult, DocumentType, InspectionMethod
from .models import InspectionPlan, IssuingUnit

# username, name, made-up 执法证号 (after those of accounts.demo)
EXTRA_INSPECTORS = [
    ("inspector3", "孙立新", "15062320260008"),
    ("inspector4", "周晓东", "15062320260009"),
]
# Where on site a failed checklist item was seen, by the enterprise's sector (the hazard's 部位).
PLACES = {
    "hazchem": "生产装置区",
    "noncoal": "矿井安全出口",
    "coal": "井下采掘工作面",
    "machinery": "铸造车间",
    "nonferrous": "熔铸车间",
    "metallurgy": "炼钢车间",
    "ammonia": "制冷机房",
}
GENERAL = [
    ("仓库东侧消防通道", "消防通道堆放纸箱等杂物，影响疏散"),
    ("配电室", "配电箱未上锁，箱门无警示标识"),
    ("安全管理台账", "安全教育培训记录不完整，缺少新员工三级教育记录"),
]


def _department_setup(department: Department) -> None:
    """The department's 文号 abbreviation (行政复议 to the county government, derived) and two
    more inspectors with their 执法证号, so draws have a pool."""
    IssuingUnit.objects.get_or_create(
        department=department,
        defaults={
            "short_name": "鄂前应急",
            "address": "鄂托克前旗敖勒召其镇",
            "court": "鄂托克前旗人民法院",
        },
    )
    for username, name, certificate_no in EXTRA_INSPECTORS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "name": name,
                "role": Role.INSPECTOR,
                "region_id": "150623",
                "department": department,
                "certificate_no": certificate_no,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()


@transaction.atomic
def seed_inspections() -> int:
    """Create the demo plan, draw, visits and documents once; returns the number of visits."""
    department = demo_department("150623", DepartmentKind.EMERGENCY)
    if department is None or InspectionPlan.objects.filter(department=department).exists():
        return 0
    _department_setup(department)
    reviewer = User.objects.get(username="reviewer")
    inspector = User.objects.get(username="inspector")
    inspector2 = User.objects.get(username="inspector2")
    today = timezone.localdate()
    # 三管三必须: the bureau plans only enterprises of the sectors it supervises.
    county = Enterprise.objects.filter(
        region__code__startswith="150623", sector__in=department.sector_ids()
    )
    named = list(county.filter(key_supervision=True, risk_grade=RiskGrade.RED).order_by("name")[:2])
    plan = services.plan_create(
        by=reviewer,
        name=f"{today.year}年度鄂托克前旗安全生产执法检查计划",
        year=today.year,
        region="150623",
        department=department,
        enterprises=named,
        random_share_required=70,
        note="重点监管企业全覆盖；红色企业每年不少于一次，其余通过“双随机”抽取。",
    )
    draw = services.draw_run(
        by=reviewer, plan=plan, count=6, region="150623", exclude_days=0, seed=20260423
    )
    services.draw_verify(draw=draw, by=reviewer)
    visits = _visit_drawn(reviewer, draw, today)
    # Today's visit for the demo inspector (四不两直 at a named target).
    services.inspection_create(
        by=inspector,
        enterprise=named[0] if named else draw.targets.last().enterprise,
        date=today,
        method=InspectionMethod.FOUR_NO_TWO_DIRECT,
        inspectors=[inspector, inspector2],
        start_time=time(9, 30),
        plan=plan,
    )
    return visits + 1


def _visit_drawn(reviewer, draw, today) -> int:
    """Finished visits of four drawn targets, each with its documents; returns how many."""
    visits = 0
    # Visit first the drawn enterprises whose sector has a judgment standard, so the demo shows
    # a checklist with a failed clause becoming a 重大 hazard.
    targets = sorted(
        draw.targets.order_by("order").select_related("enterprise__sector"),
        key=lambda t: not clause_choices(t.enterprise.sector).exists(),
    )
    for n, target in enumerate(targets[:4]):
        day = today - timedelta(days=(3 - n) * 9 + 1)  # the last one yesterday
        inspection = services.draw_target_schedule(by=reviewer, target=target, date=day)
        by = inspection.inspectors.order_by("pk").first()
        services.inspection_findings_commit(
            by=by,
            inspection=_check(by, inspection, n),
            measures="责令立即整改，现场能整改的当场整改",
            unchecked_reason="本次为重点部位专项检查，其余条款列入下次检查",
        )
        visits += 1
        inspection.refresh_from_db()
        services.document_issue(by=by, inspection=inspection, type=DocumentType.RECORD)
        if inspection.findings.exists():
            services.document_issue(by=by, inspection=inspection, type=DocumentType.ORDER)
        if n == 0:
            _stop_majors(by, inspection)
        if n == 1:
            _recheck_all(by, inspection, today)
    return visits


def _stop_majors(by, inspection) -> None:
    """A 现场处理措施决定书 ordering 局部停产停业 for the visit's 重大 hazards, if it has any."""
    if not selectors.inspection_hazards(inspection).filter(level=HazardLevel.MAJOR).exists():
        return
    services.document_issue(
        by=by,
        inspection=inspection,
        type=DocumentType.MEASURES,
        measures="责令立即停止相关装置作业，撤出作业人员，设置警戒区域",
        stoppage=Stoppage.PARTIAL,
    )


def _recheck_all(by, inspection, today) -> None:
    """The enterprise rectifies the visit's 一般 hazards, the inspector re-checks them on site,
    and the 整改复查意见书 states the results."""
    hazards = list(selectors.inspection_hazards(inspection))
    if not hazards or any(h.level == HazardLevel.MAJOR for h in hazards):
        return
    for hazard in hazards:
        workflow.apply(hazard=hazard, action=Action.START_RECTIFICATION, by=by)
        workflow.apply(
            hazard=hazard,
            action=Action.SUBMIT_RECTIFICATION,
            by=by,
            completed_date=today.isoformat(),
            completion_note="已按要求整改完毕",
        )
        workflow.apply(
            hazard=hazard,
            action=Action.RECHECK_PASS,
            by=by,
            recheck_opinion="现场复查，已整改到位",
            recheck_date=today.isoformat(),
        )
    services.document_issue(by=by, inspection=inspection, type=DocumentType.RECHECK)


def _check(by, inspection, n: int):
    """Tick the first clauses: most pass, the third not applicable (in 工贸 it is the one for
    金属冶炼 enterprises), and on every other visit the second fails: a clause every enterprise
    of the sector is held to, its remark saying what was found in the clause's words."""
    clauses = list(selectors.checklist_clauses(inspection)[:6])
    for i, clause in enumerate(clauses):
        result = CheckResult.PASS
        if i == 2:
            result = CheckResult.NOT_APPLICABLE
        if i == 1 and n % 2 == 0:
            result = CheckResult.FAIL
        services.checklist_record(
            by=by,
            inspection=inspection,
            clause=clause,
            result=result,
            remark=f"现场抽查发现：{clause.text.rstrip('的；。')}"
            if result == CheckResult.FAIL
            else "",
        )
        if result == CheckResult.FAIL:
            finding = inspection.findings.get(checklist_item__clause=clause)
            services.finding_update(
                by=by,
                finding=finding,
                place=PLACES.get(inspection.enterprise.sector.code, "生产车间"),
                description=finding.description,
                deadline=finding.deadline,
            )
    if n < 3:
        place, description = GENERAL[n]
        services.finding_add(by=by, inspection=inspection, place=place, description=description)
    return inspection
