"""Inspection services: plans, 双随机 draws and their verification, visits, checklists, findings
that become hazards, and numbered enforcement documents. Views, the API and the demo call these."""

from __future__ import annotations

import hashlib
import re
import secrets
import zlib
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from core.errors import Kind, ServiceError
from core.models import Department, Region, Sector
from core.pdf import render_pdf
from core.services import next_document_number
from enterprises.choices import EnterpriseStatus
from enterprises.models import Enterprise
from hazards.choices import HazardLevel, HazardSource
from hazards.models import Clause, Hazard
from hazards.services import clause_search, hazard_register

from . import draw as drawing
from .choices import (
    DOCUMENT_KINDS,
    DOCUMENT_TEMPLATES,
    MIN_INSPECTORS,
    CheckResult,
    DocumentType,
    InspectionMethod,
    InspectionStatus,
    PlanPeriod,
)
from .models import (
    ChecklistItem,
    ConflictOfInterest,
    DrawTarget,
    EnforcementDocument,
    Finding,
    Inspection,
    InspectionPlan,
    IssuingUnit,
    RandomDraw,
)

PLAN_ROLES = frozenset({Role.REVIEWER, Role.LEADER, Role.ADMIN})
DRAW_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})
VISIT_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER, Role.ADMIN})
INSPECTOR_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER})
# Who may declare a conflict of interest (回避) for someone else than themselves.
CONFLICT_MANAGERS = frozenset({Role.REVIEWER, Role.ADMIN})


def _require_role(user, roles, what: str) -> None:
    if not user.has_role(*roles):
        raise ServiceError(f"您的角色不能{what}。", kind=Kind.ROLE)


def _pk(value) -> int:
    return value.pk if hasattr(value, "pk") else int(value)


def deadline_days(level: str) -> int:
    days = getattr(settings, "INSPECTION_DEADLINE_DAYS", {})
    return int(days.get(level, 30 if level == HazardLevel.MAJOR else 15))


def document_kind(type_: str) -> str:
    return getattr(settings, "INSPECTION_DOCUMENT_KINDS", {}).get(type_) or DOCUMENT_KINDS[type_]


# ---------------------------------------------------------------- plans


def plan_create(
    *,
    by,
    name: str,
    year: int,
    period: str = PlanPeriod.YEAR,
    month: int | None = None,
    region: Region | str | None = None,
    department: Department | int | None = None,
    enterprises=(),
    random_share_required: int = 70,
    note: str = "",
) -> InspectionPlan:
    """Create a plan of a department the user belongs to (or can see) for a region in scope."""
    _require_role(by, PLAN_ROLES, "制定执法检查计划")
    regions = Region.objects.for_user(by)
    region_code = getattr(region, "pk", region) or (by.region_id or "")
    region = regions.filter(pk=region_code).first()
    if region is None:
        raise ServiceError("请选择您管辖范围内的检查地区。", field="region")
    department = department or by.department
    department = (
        Department.objects.for_user(by).filter(pk=_pk(department)).first() if department else None
    )
    if department is None:
        raise ServiceError("请选择执法部门。", field="department")
    if not name.strip():
        raise ServiceError("请填写计划名称。", field="name")
    if period == PlanPeriod.MONTH and not (month and 1 <= int(month) <= 12):
        raise ServiceError("月度计划请选择月份。", field="month")
    if not 0 <= int(random_share_required) <= 100:
        raise ServiceError("随机抽查比例应在 0 到 100 之间。", field="random_share_required")
    ids = [_pk(e) for e in enterprises]
    chosen = list(
        Enterprise.objects.for_user(by).filter(pk__in=ids, region__code__startswith=region.prefix)
    )
    if len(chosen) != len(set(ids)):
        raise ServiceError("检查对象中有企业不在该地区或不在您的管辖范围内。", field="enterprises")
    with transaction.atomic():
        plan = InspectionPlan.objects.create(
            name=name.strip(),
            period=period,
            year=int(year),
            month=int(month) if period == PlanPeriod.MONTH else None,
            region=region,
            department=department,
            random_share_required=int(random_share_required),
            note=note,
            created_by=by,
        )
        plan.enterprises.set(chosen)
    return plan


@dataclass
class PlanProgress:
    targets: int
    drawn: int
    inspected: int
    required_share: int

    @property
    def random_share(self) -> float:
        return round(100 * self.drawn / self.targets, 1) if self.targets else 0.0

    @property
    def meets_share(self) -> bool:
        return self.targets > 0 and self.random_share >= self.required_share

    @property
    def completion(self) -> float:
        return round(100 * self.inspected / self.targets, 1) if self.targets else 0.0


def plan_progress(plan: InspectionPlan) -> PlanProgress:
    """Targets, how many were drawn at random (against the required share), how many visited."""
    targets = set(plan.enterprises.values_list("pk", flat=True))
    drawn = set(DrawTarget.objects.filter(draw__plan=plan).values_list("enterprise_id", flat=True))
    inspected = set(
        Inspection.objects.filter(
            plan=plan, status=InspectionStatus.DONE, enterprise__in=targets
        ).values_list("enterprise_id", flat=True)
    )
    return PlanProgress(
        targets=len(targets),
        drawn=len(drawn & targets),
        inspected=len(inspected),
        required_share=plan.random_share_required,
    )


# ---------------------------------------------------------------- 双随机


def draw_enterprise_pool(
    *,
    by,
    plan: InspectionPlan,
    region: Region,
    sector: Sector | None = None,
    risk_grades=(),
    key_supervision_only: bool = False,
    exclude_days: int = 0,
) -> QuerySet[Enterprise]:
    """The 名录库 filtered for a draw: operating enterprises of the region subtree the user can
    see, by sector, risk grade and 重点监管, minus the plan's targets and recent inspections."""
    qs = Enterprise.objects.for_user(by).filter(
        region__code__startswith=region.prefix, status=EnterpriseStatus.OPERATING
    )
    if sector is not None:
        ids = [sector.pk, *sector.children.values_list("pk", flat=True)]
        qs = qs.filter(Q(sector__in=ids) | Q(other_sectors__in=ids))
    if risk_grades:
        qs = qs.filter(risk_grade__in=list(risk_grades))
    if key_supervision_only:
        qs = qs.filter(key_supervision=True)
    if exclude_days:
        since = timezone.localdate() - timedelta(days=int(exclude_days))
        qs = qs.exclude(inspections__date__gte=since)
    return qs.exclude(inspection_plans=plan).distinct()


def draw_inspector_pool(department: Department) -> QuerySet[User]:
    """The 执法人员库: active inspectors of the plan's department."""
    return User.objects.filter(department=department, role=Role.INSPECTOR, is_active=True).order_by(
        "pk"
    )


def _exclusions(enterprise_ids: list[int]) -> dict[str, list[int]]:
    """Per enterprise: inspectors with a declared conflict, and those of its last inspection."""
    excluded: dict[str, set[int]] = {}
    for inspector, enterprise in ConflictOfInterest.objects.filter(
        enterprise__in=enterprise_ids
    ).values_list("inspector_id", "enterprise_id"):
        excluded.setdefault(str(enterprise), set()).add(inspector)
    last: dict[int, int] = {}
    for pk, enterprise in (
        Inspection.objects.filter(enterprise__in=enterprise_ids)
        .order_by("enterprise_id", "-date", "-pk")
        .values_list("pk", "enterprise_id")
    ):
        last.setdefault(enterprise, pk)
    through = Inspection.inspectors.through
    by_inspection = {pk: enterprise for enterprise, pk in last.items()}
    for inspection, user in through.objects.filter(
        inspection_id__in=list(last.values())
    ).values_list("inspection_id", "user_id"):
        excluded.setdefault(str(by_inspection[inspection]), set()).add(user)
    return {k: sorted(v) for k, v in excluded.items()}


def draw_run(
    *,
    by,
    plan: InspectionPlan | int,
    count: int,
    region: Region | str | None = None,
    sector: Sector | None = None,
    risk_grades=(),
    key_supervision_only: bool = False,
    exclude_days: int = 0,
    inspectors_per_target: int = MIN_INSPECTORS,
    seed: int | None = None,
) -> RandomDraw:
    """Draw `count` enterprises and `inspectors_per_target` inspectors for each; store the seed,
    the pools as they were, the exclusions, the result and its fingerprint; add the drawn
    enterprises to the plan's targets."""
    _require_role(by, DRAW_ROLES, "组织双随机抽取")
    if int(inspectors_per_target) < MIN_INSPECTORS:
        raise ServiceError(
            f"每家企业至少抽取 {MIN_INSPECTORS} 名执法人员。", field="inspectors_per_target"
        )
    with transaction.atomic():
        # One draw of a plan at a time: the pool excludes targets already drawn.
        plan = InspectionPlan.objects.for_user(by).select_for_update().get(pk=_pk(plan))
        region_code = getattr(region, "pk", region) or plan.region_id
        region = Region.objects.filter(pk=region_code).first()
        if region is None or not region.code.startswith(plan.region.prefix):
            raise ServiceError("抽取地区应在计划的检查地区之内。", field="region")
        pool = list(
            draw_enterprise_pool(
                by=by,
                plan=plan,
                region=region,
                sector=sector,
                risk_grades=risk_grades,
                key_supervision_only=key_supervision_only,
                exclude_days=exclude_days,
            ).values_list("pk", flat=True)
        )
        inspectors = list(draw_inspector_pool(plan.department).values_list("pk", flat=True))
        data = drawing.normalise(
            seed=secrets.randbits(63) if seed is None else seed,
            enterprise_pool=pool,
            inspector_pool=inspectors,
            exclusions=_exclusions(pool),
            count=count,
            per_target=inspectors_per_target,
        )
        result = drawing.run(drawing.ALGORITHM, data)
        draw = RandomDraw.objects.create(
            plan=plan,
            region=region,
            department=plan.department,
            sector=sector,
            risk_grades=sorted(risk_grades),
            key_supervision_only=key_supervision_only,
            exclude_days=exclude_days,
            count=data.count,
            inspectors_per_target=data.per_target,
            seed=data.seed,
            algorithm=drawing.ALGORITHM,
            enterprise_pool=data.enterprise_pool,
            inspector_pool=data.inspector_pool,
            exclusions=data.exclusions,
            result=result,
            fingerprint=drawing.fingerprint(drawing.ALGORITHM, data, result),
            drawn_by=by,
        )
        through = DrawTarget.inspectors.through
        links = []
        for order, row in enumerate(result, start=1):
            target = DrawTarget.objects.create(
                draw=draw, order=order, enterprise_id=row["enterprise"]
            )
            links += [through(drawtarget_id=target.pk, user_id=u) for u in row["inspectors"]]
        through.objects.bulk_create(links)
        plan.enterprises.add(*[row["enterprise"] for row in result])
    return draw


@dataclass
class DrawCheck:
    """What `draw_verify` found. `ok` only when every check passed."""

    rerun_matches: bool
    rows_match: bool
    fingerprint_matches: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rerun_matches and self.rows_match and self.fingerprint_matches


def _stored_rows(draw: RandomDraw) -> list[dict]:
    through = DrawTarget.inspectors.through
    inspectors: dict[int, list[int]] = {}
    for target, user in through.objects.filter(drawtarget__draw=draw).values_list(
        "drawtarget_id", "user_id"
    ):
        inspectors.setdefault(target, []).append(user)
    return [
        {"enterprise": enterprise, "inspectors": sorted(inspectors.get(pk, []))}
        for pk, enterprise in draw.targets.order_by("order").values_list("pk", "enterprise_id")
    ]


def draw_verify(*, draw: RandomDraw | int, by=None) -> DrawCheck:
    """Re-run the stored algorithm on the stored seed and pools; compare with the stored result,
    the result rows and the published fingerprint. Records when and how it was last verified."""
    draw = RandomDraw.objects.get(pk=_pk(draw))
    data = drawing.normalise(
        seed=draw.seed,
        enterprise_pool=draw.enterprise_pool,
        inspector_pool=draw.inspector_pool,
        exclusions=draw.exclusions,
        count=draw.count,
        per_target=draw.inspectors_per_target,
    )
    problems = []
    try:
        rerun = drawing.run(draw.algorithm, data)
    except ServiceError as exc:
        rerun = None
        problems.append(f"按存档的种子和名录重新抽取失败：{exc}")
    rerun_matches = rerun == draw.result
    if rerun is not None and not rerun_matches:
        problems.append("按存档的种子和名录重新抽取，结果与存档结果不一致。")
    rows_match = _stored_rows(draw) == draw.result
    if not rows_match:
        problems.append("抽取结果明细（企业或执法人员）与存档结果不一致。")
    fingerprint_matches = drawing.fingerprint(draw.algorithm, data, draw.result) == draw.fingerprint
    if not fingerprint_matches:
        problems.append("存档数据的指纹与公布的指纹不一致。")
    check = DrawCheck(rerun_matches, rows_match, fingerprint_matches, problems)
    RandomDraw.objects.filter(pk=draw.pk).update(
        last_verified_at=timezone.now(), last_verified_ok=check.ok
    )
    return check


# ---------------------------------------------------------------- conflicts of interest (回避)


def conflicts_visible(user) -> QuerySet[ConflictOfInterest]:
    """Declarations a user may see: reviewers and admins all in scope, others their own."""
    conflicts = ConflictOfInterest.objects.for_user(user).select_related(
        "inspector", "enterprise__region"
    )
    return conflicts if user.has_role(*CONFLICT_MANAGERS) else conflicts.filter(inspector=user)


def conflict_inspectors(user) -> QuerySet[User]:
    """Whom `user` may declare a conflict for: themselves; reviewers and admins also the
    inspectors of their department (everyone's, for an admin without one)."""
    if not user.has_role(*CONFLICT_MANAGERS):
        return User.objects.filter(pk=user.pk)
    people = User.objects.filter(is_active=True, role__in=INSPECTOR_ROLES)
    if user.department_id:
        people = people.filter(department_id=user.department_id)
    return (people | User.objects.filter(pk=user.pk)).distinct().order_by("pk")


def conflict_declare(
    *, by, enterprise: Enterprise | int, reason: str, inspector: User | int | None = None
) -> ConflictOfInterest:
    """Declare that an inspector must never be drawn for an enterprise (利益冲突回避). Draws
    made from now on exclude the pair; draws already made keep their recorded pool."""
    inspector_pk = by.pk if inspector is None else _pk(inspector)
    if inspector_pk != by.pk and not by.has_role(*CONFLICT_MANAGERS):
        raise ServiceError("只能申报本人的回避事项。", kind=Kind.ROLE)
    person = conflict_inspectors(by).filter(pk=inspector_pk).first()
    if person is None:
        raise ServiceError("只能为本部门的执法人员申报回避。", field="inspector")
    company = Enterprise.objects.for_user(by).filter(pk=_pk(enterprise)).first()
    if company is None:
        raise ServiceError("请从您管辖范围内的企业中选择。", field="enterprise")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写回避原因，例如：近亲属在该企业任职。", field="reason")
    if len(reason) > 128:
        raise ServiceError("回避原因不能超过 128 个字。", field="reason")
    with transaction.atomic():
        conflict, created = ConflictOfInterest.objects.get_or_create(
            inspector=person, enterprise=company, defaults={"reason": reason}
        )
    if not created:
        raise ServiceError(
            f"{person.display_name} 已申报过对“{company.name}”的回避。", field="enterprise"
        )
    return conflict


def conflict_withdraw(*, by, conflict: ConflictOfInterest | int) -> None:
    """Withdraw a declaration: its inspector, or a reviewer or admin who can see it."""
    found = conflicts_visible(by).filter(pk=_pk(conflict)).first()
    if found is None:
        raise ServiceError("回避申报不存在或不在您的管辖范围内。", kind=Kind.STATE)
    found.delete()


# ---------------------------------------------------------------- visits


def _inspection_for_user(by, inspection, *, lock: bool = False) -> Inspection:
    qs = Inspection.objects.for_user(by)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.select_related("enterprise", "sector").get(pk=_pk(inspection))


def _check_is_inspector(by, inspection: Inspection) -> None:
    if by.is_superuser or by.role == Role.ADMIN:
        return
    if not inspection.inspectors.filter(pk=by.pk).exists():
        raise ServiceError("只有本次检查的执法人员可以填写检查记录。", kind=Kind.ROLE)


def _check_open(inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.SCHEDULED:
        raise ServiceError("本次检查已完成，检查记录不能再修改。", kind=Kind.STATE)


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
    _require_role(by, VISIT_ROLES, "安排现场检查")
    enterprise = Enterprise.objects.for_user(by).filter(pk=_pk(enterprise)).first()
    if enterprise is None:
        raise ServiceError("请选择您管辖范围内的企业。", field="enterprise")
    if draw_target is not None:
        draw_target = (
            DrawTarget.objects.select_related("draw__plan")
            .filter(pk=_pk(draw_target), draw__in=RandomDraw.objects.for_user(by))
            .first()
        )
        if draw_target is None or draw_target.enterprise_id != enterprise.pk:
            raise ServiceError("双随机抽取结果与被检查企业不一致。", field="draw_target")
        method = InspectionMethod.RANDOM
        plan = draw_target.draw.plan
    if method not in InspectionMethod.values:
        raise ServiceError("请选择检查方式。", field="method")
    if plan is not None:
        plan = InspectionPlan.objects.for_user(by).filter(pk=_pk(plan)).first()
        if plan is None:
            raise ServiceError("请选择您管辖范围内的检查计划。", field="plan")
    ids = sorted({_pk(i) for i in inspectors})
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
    if start_time and end_time and end_time < start_time:
        raise ServiceError("结束时间不能早于开始时间。", field="end_time")
    department = by.department or (plan.department if plan else None) or people[0].department
    if department is None:
        raise ServiceError("无法确定执法部门，请由执法部门人员登记。", field="inspectors")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            enterprise=enterprise,
            region_id=enterprise.region_id,
            sector_id=enterprise.sector_id,
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


def draw_target_schedule(
    *, by, target: DrawTarget | int, date: date, place: str = ""
) -> Inspection:
    """Schedule the visit of a drawn enterprise with the inspectors drawn for it."""
    target = DrawTarget.objects.filter(draw__in=RandomDraw.objects.for_user(by)).get(pk=_pk(target))
    return inspection_create(
        by=by,
        enterprise=target.enterprise_id,
        date=date,
        method=InspectionMethod.RANDOM,
        inspectors=list(target.inspectors.values_list("pk", flat=True)),
        place=place,
        draw_target=target,
    )


def checklist_clauses(inspection: Inspection) -> QuerySet[Clause]:
    """The clauses of the current judgment standards of the enterprise's sector."""
    return clause_search(sector=inspection.sector, current_only=True)


def _finding_text(clause: Clause, remark: str) -> str:
    remark = remark.strip()
    return remark or f"存在{clause.standard.name}{clause.ref}所列情形：{clause.text}"


def checklist_record(
    *, by, inspection: Inspection | int, clause: Clause | int, result: str, remark: str = ""
) -> ChecklistItem:
    """Record 合格/不合格/不适用 for one clause. 不合格 proposes a 重大 finding citing the clause;
    changing the result back withdraws the proposal."""
    if result not in CheckResult.values:
        raise ServiceError("请选择检查结果：合格、不合格或不适用。", field="result")
    with transaction.atomic():
        inspection = _inspection_for_user(by, inspection, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        clause = checklist_clauses(inspection).filter(pk=_pk(clause)).first()
        if clause is None:
            raise ServiceError("该条款不适用于被检查企业的行业领域。", field="clause")
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
            else:
                finding.description = _finding_text(clause, remark)
                finding.save(update_fields=["description"])
        elif finding is not None:
            finding.delete()
    return item


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
        inspection = _inspection_for_user(by, inspection, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        if not place.strip() or not description.strip():
            raise ServiceError(
                "请填写隐患地点/部位和问题描述。", field="description" if place.strip() else "place"
            )
        if level not in HazardLevel.values:
            raise ServiceError("请选择隐患级别。", field="level")
        if clause is not None:
            clause = checklist_clauses(inspection).filter(pk=_pk(clause)).first()
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


def finding_remove(*, by, finding: Finding | int) -> None:
    with transaction.atomic():
        finding = Finding.objects.select_related("inspection").get(pk=_pk(finding))
        inspection = _inspection_for_user(by, finding.inspection_id, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        if finding.checklist_item_id:
            raise ServiceError(
                "检查表不合格条款对应的问题，请在检查表中修改该条款的结果。", kind=Kind.STATE
            )
        finding.delete()


def checklist_summary(inspection: Inspection) -> dict[str, int]:
    counts = {value: 0 for value in CheckResult.values}
    for result in inspection.checklist.values_list("result", flat=True):
        counts[result] += 1
    counts["total"] = sum(counts.values())
    return counts


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


def inspection_findings_commit(
    *,
    by,
    inspection: Inspection | int,
    situation: str | None = None,
    measures: str | None = None,
    representative: str | None = None,
    end_time: time | None = None,
) -> list[Hazard]:
    """Finish the visit: every finding becomes a hazard (重大 with its clause, or 一般), source
    部门执法检查, linked to this inspection. One transaction: all or nothing."""
    with transaction.atomic():
        inspection = _inspection_for_user(by, inspection, lock=True)
        _check_is_inspector(by, inspection)
        _check_open(inspection)
        if inspection.date > timezone.localdate():
            raise ServiceError("检查日期还没到，不能提交检查结果。", kind=Kind.STATE)
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
                    source=HazardSource.INSPECTION,
                    inspection=inspection,
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
        inspection.end_time = end_time or inspection.end_time or timezone.localtime().time()
        if inspection.start_time and inspection.end_time < inspection.start_time:
            inspection.end_time = inspection.start_time
        inspection.status = InspectionStatus.DONE
        inspection.completed_at = timezone.now()
        inspection.save()
    return hazards


# ---------------------------------------------------------------- documents

LAW = "《中华人民共和国安全生产法》"
LEGAL_BASIS = {
    DocumentType.RECORD: f"{LAW}第六十五条第一款第（一）项",
    DocumentType.ORDER: f"{LAW}第六十五条第一款第（三）项",
    DocumentType.RECHECK: f"{LAW}第六十五条第一款第（三）项",
    DocumentType.MEASURES: f"{LAW}第六十五条第一款第（三）项",
}


def _issuing_unit(inspection: Inspection) -> IssuingUnit:
    unit = IssuingUnit.objects.select_related("department").filter(department=inspection.department)
    unit = unit.first()
    if unit is None:
        raise ServiceError(
            f"“{inspection.department}”尚未设置发文字号简称，请联系管理员在系统管理中设置发文单位。",
            kind=Kind.STATE,
        )
    return unit


def _document_context(
    inspection: Inspection, type_: str, unit: IssuingUnit, number: str, extra: dict
) -> dict[str, Any]:
    enterprise = inspection.enterprise
    findings = list(
        inspection.findings.select_related("clause__standard", "hazard").order_by(
            "created_at", "pk"
        )
    )
    for finding in findings:
        finding.basis = (
            f"{LAW}第一百一十八条、{finding.clause.citation}"
            if finding.clause_id
            else f"{LAW}第四十一条"
        )
    order = (
        inspection.documents.filter(type=DocumentType.ORDER).order_by("-issued_at").first()
        if type_ == DocumentType.RECHECK
        else None
    )
    deadlines = [f.deadline for f in findings]
    return {
        "type": type_,
        "title": DocumentType(type_).label,
        "unit": unit,
        "number": number,
        "issued_on": timezone.localdate(),
        "inspection": inspection,
        "enterprise": enterprise,
        "inspectors": list(inspection.inspectors.order_by("pk")),
        "findings": findings,
        "majors": "、".join(
            str(n) for n, f in enumerate(findings, start=1) if f.level == HazardLevel.MAJOR
        ),
        "checklist": checklist_summary(inspection),
        "failed_items": list(
            inspection.checklist.filter(result=CheckResult.FAIL).select_related("clause__standard")
        ),
        "legal_basis": LEGAL_BASIS[type_],
        "law": LAW,
        "deadline": max(deadlines) if deadlines else None,
        "order": order,
        **extra,
    }


_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _pages(pdf: bytes) -> int:
    """Page objects, counted in the file and in its compressed object streams."""
    count = len(_PAGE.findall(pdf))
    for body in _STREAM.findall(pdf):
        try:
            count += len(_PAGE.findall(zlib.decompress(body)))
        except zlib.error:
            continue
    return max(1, count)


def document_issue(
    *, by, inspection: Inspection | int, type: str, **extra: Any
) -> EnforcementDocument:
    """Number, render and store an enforcement document once. The number is taken inside the
    transaction that stores the document, so concurrent documents get consecutive numbers and a
    failure leaves no gap. Extra fields: `opinion` (整改复查意见书), `measures` (现场处理措施决定书)."""
    _require_role(by, VISIT_ROLES, "制作执法文书")
    if type not in DocumentType.values:
        raise ServiceError("请选择文书类型。", field="type")
    inspection = _inspection_for_user(by, inspection)
    if inspection.status != InspectionStatus.DONE:
        raise ServiceError("请先提交检查结果，再制作执法文书。", kind=Kind.STATE)
    has_findings = inspection.findings.exists()
    if type == DocumentType.ORDER and not has_findings:
        raise ServiceError("本次检查未发现问题，无需下达责令限期整改指令书。", kind=Kind.STATE)
    if type == DocumentType.RECHECK:
        if not inspection.documents.filter(type=DocumentType.ORDER).exists():
            raise ServiceError(
                "请先下达责令限期整改指令书，再制作整改复查意见书。", kind=Kind.STATE
            )
        extra.setdefault("opinion", "")
        extra["hazards"] = list(inspection.hazards.select_related("clause").order_by("number"))
    if type == DocumentType.MEASURES:
        extra["measures"] = (extra.get("measures") or inspection.measures or "").strip()
        if not extra["measures"]:
            raise ServiceError("请填写现场处理措施。", field="measures")
    unit = _issuing_unit(inspection)
    kind = document_kind(type)
    year = timezone.localdate().year
    with transaction.atomic():
        sequence, number = next_document_number(issuer=unit.short_name, kind=kind, year=year)
        context = _document_context(inspection, type, unit, number, extra)
        pdf = render_pdf(DOCUMENT_TEMPLATES[type], context)
        document = EnforcementDocument(
            inspection=inspection,
            type=type,
            issuer=unit.short_name,
            kind=kind,
            year=year,
            sequence=sequence,
            number=number,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            pages=_pages(pdf),
            data={
                "enterprise": inspection.enterprise.name,
                "findings": [f.description for f in context["findings"]],
                "deadline": context["deadline"].isoformat() if context["deadline"] else None,
                "opinion": extra.get("opinion", ""),
                "measures": extra.get("measures", ""),
            },
            issued_by=by,
        )
        document.pdf.save("document.pdf", ContentFile(pdf), save=False)
        document.save()
    return document


def document_bytes(document: EnforcementDocument) -> bytes:
    """The PDF exactly as issued; refuses a file whose hash no longer matches."""
    with document.pdf.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise ServiceError("文书文件与制作时的校验值不一致，可能已被篡改，请联系管理员。")
    return data


def today_visits(user) -> QuerySet[Inspection]:
    return (
        Inspection.objects.for_user(user)
        .filter(inspectors=user, date=timezone.localdate())
        .select_related("enterprise")
        .order_by("status", "start_time", "pk")
    )
