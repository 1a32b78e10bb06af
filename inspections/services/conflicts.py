"""利益冲突回避: inspectors declared never to be drawn for an enterprise."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from core.errors import Kind, ServiceError
from enterprises.models import Enterprise

from ..models import ConflictOfInterest
from .common import CONFLICT_MANAGERS, INSPECTOR_ROLES, logged, pk_of, ref

logger = logging.getLogger(__name__)


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


@logged(
    logger,
    "declare a conflict of interest",
    about=lambda call: f"with enterprise {ref(call.get('enterprise'))}",
)
def conflict_declare(
    *, by, enterprise: Enterprise | int, reason: str, inspector: User | int | None = None
) -> ConflictOfInterest:
    """Declare that an inspector must never be drawn for an enterprise (利益冲突回避). Draws
    made from now on exclude the pair; draws already made keep their recorded pool."""
    inspector_pk = by.pk if inspector is None else pk_of(inspector)
    if inspector_pk != by.pk and not by.has_role(*CONFLICT_MANAGERS):
        raise ServiceError("只能申报本人的回避事项。", kind=Kind.ROLE)
    person = conflict_inspectors(by).filter(pk=inspector_pk).first()
    if person is None:
        raise ServiceError("只能为本部门的执法人员申报回避。", field="inspector")
    company = Enterprise.objects.for_user(by).filter(pk=pk_of(enterprise)).first()
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


@logged(logger, "withdraw conflict of interest", about=lambda call: ref(call.get("conflict")))
def conflict_withdraw(*, by, conflict: ConflictOfInterest | int) -> None:
    """Withdraw a declaration: its inspector, or a reviewer or admin who can see it."""
    found = conflicts_visible(by).filter(pk=pk_of(conflict)).first()
    if found is None:
        raise ServiceError("回避申报不存在或不在您的管辖范围内。", kind=Kind.STATE)
    found.delete()
