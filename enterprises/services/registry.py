"""Writing one enterprise of the registry: who may, within which scope, and the checks."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from accounts.choices import ENTERPRISE_EDITOR_ROLES
from core.errors import Kind, ServiceError, full_clean
from core.scoping import effective_scope

from ..models import Enterprise


def check_can_edit(by) -> None:
    if not by.has_role(*ENTERPRISE_EDITOR_ROLES):
        raise ServiceError("只有管理员和执法检查员可以新增或修改企业信息。", kind=Kind.ROLE)


def _check_in_scope(by, enterprise: Enterprise) -> None:
    scope = effective_scope(by)
    if scope is None or not scope.covers_region(enterprise.region_id):
        raise ServiceError("所属地区不在您的管辖范围内。", field="region")
    if not scope.covers_sector(enterprise.sector_id):
        raise ServiceError("该行业领域不属于您所在部门的监管范围。", field="sector")


def _save(enterprise: Enterprise, *, by, other_sectors=None) -> Enterprise:
    full_clean(enterprise)
    enterprise._history_user = by
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as exc:
        raise ServiceError("该统一社会信用代码已登记。", field="credit_code") from exc
    if other_sectors is not None:
        enterprise.other_sectors.set(other_sectors)
    return enterprise


def enterprise_create(*, by, other_sectors=None, **fields: Any) -> Enterprise:
    """Register an enterprise inside the user's territory and sectors."""
    check_can_edit(by)
    enterprise = Enterprise(**fields)
    _check_in_scope(by, enterprise)
    return _save(enterprise, by=by, other_sectors=other_sectors)


def enterprise_update(
    *, enterprise: Enterprise, by, other_sectors=None, **fields: Any
) -> Enterprise:
    """Change an enterprise's details; the credit code never changes."""
    check_can_edit(by)
    fields.pop("credit_code", None)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    _check_in_scope(by, enterprise)
    return _save(enterprise, by=by, other_sectors=other_sectors)
