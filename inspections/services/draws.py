"""双随机抽取: drawing enterprises and inspectors for a plan, and verifying a stored draw.

The algorithm itself is pure and lives in inspections.draw; this module gathers its inputs
from the database (the 名录库, the 执法人员库, the exclusions), stores what it drew, and checks
a stored draw against a re-run."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from core.errors import Kind, ServiceError
from core.models import Department, Region, Sector
from enterprises.choices import EnterpriseStatus
from enterprises.models import Enterprise

from .. import draw as drawing
from ..choices import MIN_INSPECTORS
from ..models import ConflictOfInterest, DrawTarget, Inspection, InspectionPlan, RandomDraw
from .common import DRAW_ROLES, logged, pk_of, ref, require_role, responsible_department

logger = logging.getLogger(__name__)


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
    see in the sectors the plan's department supervises (三管三必须), by sector, risk grade and
    重点监管, minus the plan's targets and recent inspections."""
    supervised = plan.department.sector_ids()
    qs = Enterprise.objects.for_user(by).filter(
        Q(sector__in=supervised) | Q(other_sectors__in=supervised),
        region__code__startswith=region.prefix,
        status=EnterpriseStatus.OPERATING,
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


def _draw_region(plan: InspectionPlan, region: Region | str | None) -> Region:
    """The region drawn from: the plan's own, or one inside it."""
    region_code = getattr(region, "pk", region) or plan.region_id
    found = Region.objects.filter(pk=region_code).first()
    if found is None or not found.code.startswith(plan.region.prefix):
        raise ServiceError("抽取地区应在计划的检查地区之内。", field="region")
    return found


def _check_draw_sector(plan: InspectionPlan, region: Region, sector: Sector | None) -> None:
    """A draw restricted to one sector only among the sectors the plan's department
    supervises (三管三必须)."""
    if sector is None or sector.pk in plan.department.sector_ids():
        return
    raise ServiceError(
        f"{sector.name}行业由{responsible_department(sector, region)}监管，"
        f"{plan.department.name}不能从该行业抽取检查对象。",
        kind=Kind.ROLE,
        field="sector",
    )


def _record(
    *,
    by,
    plan: InspectionPlan,
    region: Region,
    filters: dict,
    data: drawing.DrawInput,
    result: list[dict],
) -> RandomDraw:
    """Store the draw, its targets with their inspectors, and add the targets to the plan."""
    draw = RandomDraw.objects.create(
        plan=plan,
        region=region,
        department=plan.department,
        sector=filters["sector"],
        risk_grades=sorted(filters["risk_grades"]),
        key_supervision_only=filters["key_supervision_only"],
        exclude_days=filters["exclude_days"],
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
        target = DrawTarget.objects.create(draw=draw, order=order, enterprise_id=row["enterprise"])
        links += [through(drawtarget_id=target.pk, user_id=u) for u in row["inspectors"]]
    through.objects.bulk_create(links)
    plan.enterprises.add(*[row["enterprise"] for row in result])
    return draw


def _drawn(draw: RandomDraw) -> str:
    return (
        f"draw #{draw.pk}, {draw.count} of {len(draw.enterprise_pool)} enterprises, "
        f"{draw.inspectors_per_target} inspectors each, seed {draw.seed}, "
        f"fingerprint {draw.fingerprint[:12]}"
    )


@logged(logger, "双随机 draw", about=lambda call: f"for plan {ref(call.get('plan'))}", done=_drawn)
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
    require_role(by, DRAW_ROLES, "组织双随机抽取")
    if int(inspectors_per_target) < MIN_INSPECTORS:
        raise ServiceError(
            f"每家企业至少抽取 {MIN_INSPECTORS} 名执法人员。", field="inspectors_per_target"
        )
    filters = {
        "sector": sector,
        "risk_grades": risk_grades,
        "key_supervision_only": key_supervision_only,
        "exclude_days": exclude_days,
    }
    with transaction.atomic():
        # One draw of a plan at a time: the pool excludes targets already drawn.
        plan = InspectionPlan.objects.for_user(by).select_for_update().get(pk=pk_of(plan))
        region = _draw_region(plan, region)
        _check_draw_sector(plan, region, sector)
        pool = list(
            draw_enterprise_pool(by=by, plan=plan, region=region, **filters).values_list(
                "pk", flat=True
            )
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
        return _record(by=by, plan=plan, region=region, filters=filters, data=data, result=result)


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


def _verified(check: DrawCheck) -> str:
    return "all checks passed" if check.ok else "FAILED: " + " ".join(check.problems)


@logged(
    logger,
    "verify draw",
    about=lambda call: ref(call.get("draw")),
    done=_verified,
    done_level=lambda check: logging.INFO if check.ok else logging.WARNING,
)
def draw_verify(*, draw: RandomDraw | int, by=None) -> DrawCheck:
    """Re-run the stored algorithm on the stored seed and pools; compare with the stored result,
    the result rows and the published fingerprint. Records when and how it was last verified."""
    draw = RandomDraw.objects.get(pk=pk_of(draw))
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
