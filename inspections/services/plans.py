"""执法检查计划: a department's yearly or monthly plan of enterprises to visit in a region."""

from __future__ import annotations

import logging

from django.db import transaction

from core.errors import ServiceError
from core.models import Department, Region
from enterprises.models import Enterprise

from ..choices import PlanPeriod
from ..models import InspectionPlan
from .common import PLAN_ROLES, enforcement_sector, logged, pk_of, require_role

logger = logging.getLogger(__name__)


@logged(logger, "create an inspection plan", about=lambda call: f"“{call.get('name')}”")
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
    require_role(by, PLAN_ROLES, "制定执法检查计划")
    regions = Region.objects.for_user(by)
    region_code = getattr(region, "pk", region) or (by.region_id or "")
    region = regions.filter(pk=region_code).first()
    if region is None:
        raise ServiceError("请选择您管辖范围内的检查地区。", field="region")
    department = department or by.department
    department = (
        Department.objects.for_user(by).filter(pk=pk_of(department)).first() if department else None
    )
    if department is None:
        raise ServiceError("请选择执法部门。", field="department")
    if not name.strip():
        raise ServiceError("请填写计划名称。", field="name")
    if period == PlanPeriod.MONTH and not (month and 1 <= int(month) <= 12):
        raise ServiceError("月度计划请选择月份。", field="month")
    if not 0 <= int(random_share_required) <= 100:
        raise ServiceError("随机抽查比例应在 0 到 100 之间。", field="random_share_required")
    ids = [pk_of(e) for e in enterprises]
    chosen = list(
        Enterprise.objects.for_user(by)
        .filter(pk__in=ids, region__code__startswith=region.prefix)
        .select_related("sector", "region")
    )
    if len(chosen) != len(set(ids)):
        raise ServiceError("检查对象中有企业不在该地区或不在您的管辖范围内。", field="enterprises")
    for enterprise in chosen:
        enforcement_sector(department, enterprise, what="列入执法检查计划", field="enterprises")
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
