"""现场检查: scheduling a visit, its checklist and findings, and committing the findings as
hazards."""

from __future__ import annotations

import logging
from datetime import date, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from core.errors import Kind, ServiceError
from enterprises.models import Enterprise
from hazards.choices import HazardLevel, HazardSource
from hazards.models import Clause, Hazard
from hazards.services import hazard_register

from ..choices import MIN_INSPECTORS, CheckResult, InspectionMethod, InspectionStatus
from ..models import ChecklistItem, DrawTarget, Finding, Inspection, InspectionPlan, RandomDraw
from ..selectors import checklist_clauses, checklist_summary
from .common import (
    INSPECTOR_ROLES,
    VISIT_ROLES,
    check_enforcement_scope,
    enforcement_sector,
    inspection_for_user,
    logged,
    pk_of,
    ref,
    require_role,
)

logger = logging.getLogger(__name__)


def _of_inspection(call: dict) -> str:
    return f"of inspection {ref(call.get('inspection'))}"


def deadline_days(level: str) -> int:
    days = getattr(settings, "INSPECTION_DEADLINE_DAYS", {})
    return int(days.get(level, 30 if level == HazardLevel.MAJOR else 15))


def _check_is_inspector(by, inspection: Inspection) -> None:
    if by.is_superuser or by.role == Role.ADMIN:
        return
    if not inspection.inspectors.filter(pk=by.pk).exists():
        raise ServiceError("只有本次检查的执法人员可以填写检查记录。", kind=Kind.ROLE)


def _check_open(inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.SCHEDULED:
        raise ServiceError("本次检查已完成，检查记录不能再修改。", kind=Kind.STATE)


def _visit_origin(
    by, enterprise: Enterprise, method: str, plan, draw_target
) -> tuple[DrawTarget | None, str, InspectionPlan | None]:
    """The drawn target, method and plan of a visit. A drawn target makes the visit 双随机 and
    brings its plan."""
    if draw_target is not None:
        draw_target = (
            DrawTarget.objects.select_related("draw__plan")
            .filter(pk=pk_of(draw_target), draw__in=RandomDraw.objects.for_user(by))
            .first()
        )
        if draw_target is None or draw_target.enterprise_id != enterprise.pk:
            raise ServiceError("双随机抽取结果与被检查企业不一致。", field="draw_target")
        method = InspectionMethod.RANDOM
        plan = draw_target.draw.plan
    if method not in InspectionMethod.values:
        raise ServiceError("请选择检查方式。", field="method")
    if plan is not None:
        plan = InspectionPlan.objects.for_user(by).filter(pk=pk_of(plan)).first()
        if plan is None:
            raise ServiceError("请选择您管辖范围内的检查计划。", field="plan")
    return draw_target, method, plan


def _visit_inspectors(enterprise: Enterprise, method: str, inspectors) -> list[User]:
    """At least two active inspectors, each supervising the enterprise unless 异地交叉执法."""
    ids = sorted({pk_of(i) for i in inspectors})
    people = list(User.objects.filter(pk__in=ids, is_active=True, role__in=INSPECTOR_ROLES))
    if len(ids) < MIN_INSPECTORS:
        raise ServiceError(f"现场检查至少需要 {MIN_INSPECTORS} 名执法人员。", field="inspectors")
    if len(people) != len(ids):
        raise ServiceError("所选检查人员中有人不是在岗的执法人员。", field="inspectors")
    if method != InspectionMethod.CROSS:
        for person in people:
            if not Enterprise.objects.for_user(person).filter(pk=enterprise.pk).exists():
                raise ServiceError(
                    f"执法人员{person.display_name}对该企业没有监管职责；跨地区检查请选择“异地交叉执法”。",
                    field="inspectors",
                )
    return people


@logged(
    logger, "schedule a visit", about=lambda call: f"to enterprise {ref(call.get('enterprise'))}"
)
def inspection_create(
    *,
    by,
    enterprise: Enterprise | int,
    date: date,
    method: str,
    inspectors,
    place: str = "",
    start_time: time | None = None,
    end_time: time | None = None,
    representative: str = "",
    representative_title: str = "",
    plan: InspectionPlan | int | None = None,
    draw_target: DrawTarget | int | None = None,
    situation: str = "",
    measures: str = "",
) -> Inspection:
    """Schedule or record a visit. At least two inspectors, each able to see the enterprise
    (except 异地交叉执法, where inspectors come from elsewhere)."""
    require_role(by, VISIT_ROLES, "安排现场检查")
    enterprise = Enterprise.objects.for_user(by).filter(pk=pk_of(enterprise)).first()
    if enterprise is None:
        raise ServiceError("请选择您管辖范围内的企业。", field="enterprise")
    draw_target, method, plan = _visit_origin(by, enterprise, method, plan, draw_target)
    people = _visit_inspectors(enterprise, method, inspectors)
    if start_time and end_time and end_time < start_time:
        raise ServiceError("结束时间不能早于开始时间。", field="end_time")
    department = by.department or (plan.department if plan else None) or people[0].department
    if department is None:
        raise ServiceError("无法确定执法部门，请由执法部门人员登记。", field="inspectors")
    sector = enforcement_sector(department, enterprise, what="执法检查", field="enterprise")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            enterprise=enterprise,
            region_id=enterprise.region_id,
            sector=sector,
            department=department,
            plan=plan,
            draw_target=draw_target,
            date=date,
            start_time=start_time,
            end_time=end_time,
            place=(place or enterprise.address or enterprise.name).strip(),
            method=method,
            representative=representative,
            representative_title=representative_title,
            situation=situation,
            measures=measures,
            created_by=by,
        )
        inspection.inspectors.set(people)
    return inspection


@logged(logger, "schedule the visit of drawn target", about=lambda call: ref(call.get("target")))
def draw_target_schedule(
    *, by, target: DrawTarget | int, date: date, place: str = ""
) -> Inspection:
    """Schedule the visit of a drawn enterprise with the inspectors drawn for it."""
    target = DrawTarget.objects.filter(draw__in=RandomDraw.objects.for_user(by)).get(
        pk=pk_of(target)
    )
    return inspection_create(
        by=by,
        enterprise=target.enterprise_id,
        date=date,
        method=InspectionMethod.RANDOM,
        inspectors=list(target.inspectors.values_list("pk", flat=True)),
        place=place,
        draw_target=target,
    )


def _finding_text(clause: Clause, remark: str) -> str:
    remark = remark.strip()
    return remark or f"存在{clause.standard.name}{clause.ref}所列情形：{clause.text}"


@logged(
    logger,
    "record checklist result",
    about=lambda call: f"of clause {ref(call.get('clause'))} {_of_inspection(call)}",
)
def checklist_record(
    *, by, inspection: Inspection | int, clause: Clause | int, result: str, remark: str = ""
) -> ChecklistItem:
    """Record 合格/不合格/不适用 for one clause. 不合格 proposes a 重大 finding citing the clause;
    changing the result back withdraws the proposal."""
    if result not in CheckResult.values:
        raise ServiceError("请选择检查结果：合格、不合格或不适用。", field="result")
    with transaction.atomic():
        inspection = inspection_for_user(by, inspection, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        check_enforcement_scope(inspection, what="登记检查发现的问题")
        clause = checklist_clauses(inspection).filter(pk=pk_of(clause)).first()
        if clause is None:
            raise ServiceError("该条款不适用于被检查企业的行业领域。", field="clause")
        before = inspection.checklist.filter(clause=clause).values_list("remark", flat=True).first()
        item, _ = ChecklistItem.objects.update_or_create(
            inspection=inspection,
            clause=clause,
            defaults={"result": result, "remark": remark.strip()[:255], "checked_by": by},
        )
        finding = Finding.objects.filter(checklist_item=item).first()
        if result == CheckResult.FAIL:
            if finding is None:
                Finding.objects.create(
                    inspection=inspection,
                    checklist_item=item,
                    level=HazardLevel.MAJOR,
                    clause=clause,
                    place=inspection.place,
                    description=_finding_text(clause, remark),
                    deadline=inspection.date + timedelta(days=deadline_days(HazardLevel.MAJOR)),
                )
            elif item.remark != before:
                # A new remark rewrites the description; one edited on the finding stays
                # while the remark does not change.
                finding.description = _finding_text(clause, remark)
                finding.save(update_fields=["description"])
        elif finding is not None:
            finding.delete()
    return item


def checklist_pass_unchecked(*, by, inspection: Inspection | int, clauses) -> int:
    """本节全部合格: record 合格 for the given clauses not yet checked; results already given
    stay as they are. Returns how many were recorded."""
    with transaction.atomic():
        inspection = inspection_for_user(by, inspection, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        ids = {pk_of(c) for c in clauses}
        done = set(inspection.checklist.values_list("clause_id", flat=True))
        new = [
            ChecklistItem(
                inspection=inspection, clause=clause, result=CheckResult.PASS, checked_by=by
            )
            for clause in checklist_clauses(inspection).filter(pk__in=ids - done)
        ]
        ChecklistItem.objects.bulk_create(new)
    return len(new)


@logged(logger, "add a finding", about=lambda call: f"to inspection {ref(call.get('inspection'))}")
def finding_add(
    *,
    by,
    inspection: Inspection | int,
    place: str,
    description: str,
    deadline: date | None = None,
    level: str = HazardLevel.GENERAL,
    clause: Clause | int | None = None,
) -> Finding:
    """A problem found outside the checklist (一般隐患 unless a clause is cited)."""
    with transaction.atomic():
        inspection = inspection_for_user(by, inspection, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        check_enforcement_scope(inspection, what="登记检查发现的问题")
        if not place.strip() or not description.strip():
            raise ServiceError(
                "请填写隐患地点/部位和问题描述。", field="description" if place.strip() else "place"
            )
        if level not in HazardLevel.values:
            raise ServiceError("请选择隐患级别。", field="level")
        if clause is not None:
            clause = checklist_clauses(inspection).filter(pk=pk_of(clause)).first()
            if clause is None:
                raise ServiceError("该条款不适用于被检查企业的行业领域。", field="clause")
        if level == HazardLevel.MAJOR and clause is None:
            raise ServiceError("重大事故隐患必须选择判定依据。", field="clause")
        deadline = deadline or inspection.date + timedelta(days=deadline_days(level))
        if deadline < inspection.date:
            raise ServiceError("整改期限不能早于检查日期。", field="deadline")
        return Finding.objects.create(
            inspection=inspection,
            level=level,
            clause=clause,
            place=place.strip(),
            description=description.strip(),
            deadline=deadline,
        )


@logged(logger, "edit finding", about=lambda call: ref(call.get("finding")))
def finding_update(
    *, by, finding: Finding | int, place: str, description: str, deadline: date | None
) -> Finding:
    """Set a finding's place, description and deadline while the visit is open (before it is
    submitted, so before any document): the hazard and every document take these values."""
    with transaction.atomic():
        finding = Finding.objects.select_related("inspection").get(pk=pk_of(finding))
        inspection = inspection_for_user(by, finding.inspection_id, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        errors = {}
        if not place.strip():
            errors["place"] = "请填写隐患地点/部位。"
        if not description.strip():
            errors["description"] = "请填写问题描述。"
        if deadline is None:
            errors["deadline"] = "请填写整改期限。"
        elif deadline < inspection.date:
            errors["deadline"] = "整改期限不能早于检查日期。"
        if errors:
            raise ServiceError(next(iter(errors.values())), fields=errors)
        finding.place = place.strip()[:128]
        finding.description = description.strip()
        finding.deadline = deadline
        finding.save(update_fields=["place", "description", "deadline"])
    return finding


@logged(logger, "remove finding", about=lambda call: ref(call.get("finding")))
def finding_remove(*, by, finding: Finding | int) -> None:
    with transaction.atomic():
        finding = Finding.objects.select_related("inspection").get(pk=pk_of(finding))
        inspection = inspection_for_user(by, finding.inspection_id, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        if finding.checklist_item_id:
            raise ServiceError(
                "检查表不合格条款对应的问题，请在检查表中修改该条款的结果。", kind=Kind.STATE
            )
        finding.delete()


def unchecked_count(inspection: Inspection) -> int:
    """Checklist clauses of the visit's sector with no result recorded."""
    done = inspection.checklist.values("clause_id")
    return checklist_clauses(inspection).exclude(pk__in=done).count()


def _situation(inspection: Inspection, findings: list[Finding]) -> str:
    counts = checklist_summary(inspection)
    major = sum(1 for f in findings if f.level == HazardLevel.MAJOR)
    text = ""
    if counts["total"]:
        text = (
            f"对照重大事故隐患判定标准检查 {counts['total']} 项："
            f"合格 {counts['pass']} 项，不合格 {counts['fail']} 项，不适用 {counts['na']} 项。"
        )
    if findings:
        text += f"共发现问题 {len(findings)} 处，其中重大事故隐患 {major} 处、一般隐患 {len(findings) - major} 处。"
    else:
        text += "未发现事故隐患。"
    return text


@logged(logger, "commit the findings", about=_of_inspection)
def inspection_findings_commit(
    *,
    by,
    inspection: Inspection | int,
    situation: str | None = None,
    measures: str | None = None,
    representative: str | None = None,
    end_time: time | None = None,
    unchecked_reason: str | None = None,
) -> list[Hazard]:
    """Finish the visit: every finding becomes a hazard (重大 with its clause, or 一般), source
    部门执法检查, linked to the visit by its finding. One transaction: all or nothing.

    Past 60 lines: every finding becomes a hazard inside the one transaction that closes the visit.
    """
    with transaction.atomic():
        inspection = inspection_for_user(by, inspection, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        if inspection.date > timezone.localdate():
            raise ServiceError("检查日期还没到，不能提交检查结果。", kind=Kind.STATE)
        unchecked = unchecked_count(inspection)
        reason = (unchecked_reason or "").strip()
        if unchecked and not reason:
            raise ServiceError(
                f"检查表还有 {unchecked} 项未检查：请说明原因（将打印在现场检查记录上），"
                "或检查完毕后再提交。",
                field="unchecked_reason",
            )
        inspection.unchecked_count = unchecked
        inspection.unchecked_reason = reason if unchecked else ""
        if inspection.findings.exists():
            check_enforcement_scope(inspection, what="登记隐患")
        findings = list(inspection.findings.select_related("clause").order_by("created_at", "pk"))
        hazards = []
        for finding in findings:
            try:
                hazard = hazard_register(
                    by=by,
                    enterprise=inspection.enterprise,
                    level=finding.level,
                    clause=finding.clause,
                    place=finding.place,
                    description=finding.description,
                    deadline=finding.deadline,
                    found_date=inspection.date,
                    sector=inspection.sector,
                    source=HazardSource.INSPECTION,
                )
            except ServiceError as exc:
                raise ServiceError(f"问题“{finding}”不能登记为隐患：{exc.message}") from exc
            finding.hazard = hazard
            finding.save(update_fields=["hazard"])
            hazards.append(hazard)
        inspection.situation = (
            (situation or "").strip() or inspection.situation or _situation(inspection, findings)
        )
        if measures is not None:
            inspection.measures = measures.strip()
        if representative is not None:
            inspection.representative = representative.strip()
        # The end of a visit committed on its day defaults to now; a visit committed later
        # keeps the time it was given, or none (the record then has blanks to fill by hand).
        now = timezone.localtime()
        inspection.end_time = end_time or inspection.end_time
        if inspection.end_time is None and inspection.date == now.date():
            inspection.end_time = now.time().replace(second=0, microsecond=0)
        if (
            inspection.start_time
            and inspection.end_time
            and inspection.end_time < inspection.start_time
        ):
            inspection.end_time = inspection.start_time
        inspection.status = InspectionStatus.DONE
        inspection.completed_at = timezone.now()
        inspection.save()
    return hazards
