"""What each step of tipoffs.workflow checks and sets; called inside apply()'s transaction with
the report row locked. Each returns the comment written to the step's event."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.choices import DepartmentKind
from core.errors import ServiceError
from core.models import Department, Sector
from enterprises.models import Enterprise
from hazards.choices import HazardLevel, HazardSource
from hazards.services import hazard_register

from .models import Tipoff

REASON_MIN_LENGTH = 4


def county_code(tipoff: Tipoff) -> str:
    return tipoff.region_id[:6]


def department_for(tipoff: Tipoff, sector: Sector) -> Department:
    """三管三必须: the department of the report's county that supervises the sector."""
    department = (
        Department.objects.filter(region_id=county_code(tipoff), kind=sector.supervisor_kind)
        .order_by("pk")
        .first()
    )
    if department is None:
        kind = DepartmentKind(sector.supervisor_kind).label
        raise ServiceError(
            f"本县没有监管“{sector.name}”行业的部门（{kind}），请管理员先添加该部门。",
            field="sector",
        )
    return department


def _enterprise(tipoff: Tipoff, by, value) -> Enterprise | None:
    """An enterprise of the report's county that the user can see."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Enterprise) else value
    enterprise = (
        Enterprise.objects.for_user(by)
        .filter(pk=pk, region__code__startswith=county_code(tipoff))
        .select_related("sector")
        .first()
    )
    if enterprise is None:
        raise ServiceError("请选择本县（您管辖范围内）的企业。", field="enterprise")
    return enterprise


def accept(tipoff: Tipoff, by, data: dict[str, Any]) -> str:
    return (data.get("comment") or "").strip()


def reject(tipoff: Tipoff, by, data: dict[str, Any]) -> str:
    reason = (data.get("reason") or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ServiceError("请写明不予受理的理由（至少 4 个字）。", field="reason")
    tipoff.reject_reason = reason
    return reason


def transfer(tipoff: Tipoff, by, data: dict[str, Any]) -> str:
    """Send the report to the department supervising the sector (of the named enterprise,
    when no sector is given)."""
    enterprise = _enterprise(tipoff, by, data.get("enterprise"))
    sector = data.get("sector")
    if sector not in (None, "") and not isinstance(sector, Sector):
        sector = Sector.objects.filter(pk=sector).first()
        if sector is None:
            raise ServiceError("请选择行业领域。", field="sector")
    sector = sector or (enterprise.sector if enterprise else None)
    if sector is None:
        raise ServiceError("请选择被举报单位的行业领域或企业。", field="sector")
    department = department_for(tipoff, sector)
    tipoff.sector = sector
    tipoff.department = department
    if enterprise is not None:
        tipoff.enterprise = enterprise
    comment = (data.get("comment") or "").strip()
    return f"转办{department.name}" + (f"：{comment}" if comment else "")


def verify(tipoff: Tipoff, by, data: dict[str, Any]) -> str:
    """The report is true: register the hazard (source 群众举报查实) through the hazard service,
    with the report's photos as its before photos, and link it to the report."""
    enterprise = _enterprise(tipoff, by, data.get("enterprise"))
    if enterprise is None:
        raise ServiceError("请选择被举报的企业，查实的隐患登记在该企业名下。", field="enterprise")
    deadline = data.get("deadline")
    if not isinstance(deadline, date):
        raise ServiceError("请填写整改期限。", field="deadline")
    photos = []
    for photo in tipoff.photos.all():
        with photo.image.open("rb") as handle:
            photos.append((photo.image.name.rsplit("/", 1)[-1], handle.read()))
    hazard = hazard_register(
        by=by,
        enterprise=enterprise,
        level=data.get("level") or HazardLevel.GENERAL,
        place=(data.get("place") or tipoff.where).strip(),
        description=(data.get("description") or tipoff.what).strip(),
        deadline=deadline,
        clause=data.get("clause"),
        other_basis=data.get("other_basis") or "",
        photos=photos,
        source=HazardSource.PUBLIC_REPORT,
        remarks=f"群众举报查实（举报受理日期 {tipoff.created_at:%Y-%m-%d}）",
    )
    tipoff.hazard = hazard
    tipoff.enterprise = enterprise
    tipoff.finding = (data.get("finding") or "").strip()
    return f"登记隐患 {hazard.number}"


def not_verified(tipoff: Tipoff, by, data: dict[str, Any]) -> str:
    finding = (data.get("finding") or "").strip()
    if len(finding) < REASON_MIN_LENGTH:
        raise ServiceError("请写明核查情况（至少 4 个字）。", field="finding")
    tipoff.finding = finding
    return finding
