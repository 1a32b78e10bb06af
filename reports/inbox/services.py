"""The enterprise's inbox: the notices and enforcement documents addressed to its enterprises,
and their acknowledgement of receipt (签收).

签收 is the enterprise's alone, once: acknowledging again changes nothing (the first time and
person stay), and the regulator reads both on the notice and document pages and lists.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import Kind, ServiceError
from inspections.models import EnforcementDocument

from ..models import Notice
from ..notices.selectors import notice_queryset
from ..notices.steps import ENTERPRISE_STEPS


def _require_enterprise_account(by) -> None:
    if not getattr(by, "is_enterprise_account", False):
        raise ServiceError("只有企业账号可以签收送达本企业的通知和文书。", kind=Kind.ROLE)


def inbox_notices(user) -> QuerySet[Notice]:
    """The notices addressed to the user's enterprises: nothing for a regulator, whose notices
    are the county's, not an inbox."""
    if not getattr(user, "is_enterprise_account", False):
        return Notice.objects.none()
    return notice_queryset(user).filter(step__in=ENTERPRISE_STEPS).order_by("-issued_on", "-pk")


def inbox_documents(user) -> QuerySet[EnforcementDocument]:
    """The live (not voided) enforcement documents issued to the user's enterprises."""
    if not getattr(user, "is_enterprise_account", False):
        return EnforcementDocument.objects.none()
    return (
        EnforcementDocument.objects.for_user(user)
        .filter(voided_at__isnull=True)
        .select_related("inspection__enterprise", "acknowledged_by")
        .order_by("-issued_at", "-pk")
    )


def inbox_unacknowledged_count(user) -> int:
    return (
        inbox_notices(user).filter(acknowledged_at__isnull=True).count()
        + inbox_documents(user).filter(acknowledged_at__isnull=True).count()
    )


def notice_acknowledge(*, notice: Notice | int, by) -> Notice:
    """签收 a notice addressed to one of the user's enterprises; again, nothing changes.
    A notice the user may not see is not found; one a regulator sees is not theirs to sign."""
    pk = notice.pk if isinstance(notice, Notice) else notice
    with transaction.atomic():
        locked = notice_queryset(by).select_for_update(of=("self",)).filter(pk=pk).first()
        if locked is None:
            raise ServiceError("没有找到该通知。", kind=Kind.SCOPE)
        _require_enterprise_account(by)
        if locked.acknowledged_at is None:
            locked.acknowledged_at = timezone.now()
            locked.acknowledged_by = by
            locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        return locked


def document_acknowledge(*, document: EnforcementDocument | int, by) -> EnforcementDocument:
    """签收 an enforcement document issued to one of the user's enterprises; a voided document
    is no longer served on anyone and cannot be acknowledged; again, nothing changes."""
    pk = document.pk if isinstance(document, EnforcementDocument) else document
    with transaction.atomic():
        locked = (
            EnforcementDocument.objects.for_user(by)
            .select_for_update(of=("self",))
            .filter(pk=pk)
            .first()
        )
        if locked is None:
            raise ServiceError("没有找到该文书。", kind=Kind.SCOPE)
        _require_enterprise_account(by)
        if locked.is_void:
            raise ServiceError("该文书已作废，无需签收。", kind=Kind.STATE)
        if locked.acknowledged_at is None:
            locked.acknowledged_at = timezone.now()
            locked.acknowledged_by = by
            locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        return locked
