"""Public-report services: filing a report, reading its state by tracking code, showing the
reporter's number to the staff handling it (audited), and rewards. State changes are in
tipoffs.workflow."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.audit import AuditKind, audit_record
from core.choices import RegionLevel
from core.errors import Kind, ServiceError
from core.models import Region
from enterprises.phones import normalize_phone, phone_error
from hazards.photos import check_image

from .choices import TipoffAction, TipoffState
from .models import Tipoff, TipoffEvent, TipoffPhoto
from .workflow import APPROVERS, HANDLERS, TABLE, apply, available

__all__ = [
    "TABLE",
    "apply",
    "available",
    "can_see_identity",
    "public_regions",
    "reward_approve",
    "reward_record",
    "tipoff_identity",
    "tipoff_status",
    "tipoff_submit",
]

# No 0/O, 1/I/L: a code read over the phone is typed back without mix-ups. 31 characters,
# 12 of them: about 59 bits, not guessable within any rate limit.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
WHAT_MAX = 2000
WHERE_MAX = 200


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    return re.sub(r"[\s\-]", "", (text or "")).upper()[:32]


def public_regions():
    """The towns and counties of this installation a report may name."""
    return Region.objects.filter(level__in=(RegionLevel.COUNTY, RegionLevel.TOWN)).order_by("code")


def tipoff_submit(
    *,
    region: Region | str,
    what: str,
    where: str,
    phone: str = "",
    photos: list[tuple[str, bytes]] = (),
) -> Tipoff:
    """File a report from the public page. The phone is optional (anonymous report); when
    given it must be a mainland mobile or landline. Photos are checked like hazard photos and
    stored without their EXIF."""
    code = region.code if isinstance(region, Region) else region
    region = public_regions().filter(code=code).first()
    if region is None:
        raise ServiceError("请选择所在旗县、乡镇（苏木）。", field="region")
    what, where = (what or "").strip(), (where or "").strip()
    if not what:
        raise ServiceError("请写明发现了什么问题。", field="what")
    if len(what) > WHAT_MAX:
        raise ServiceError(f"举报内容最多 {WHAT_MAX} 字。", field="what")
    if not where:
        raise ServiceError("请写明企业名称或地址。", field="where")
    if len(where) > WHERE_MAX:
        raise ServiceError(f"企业名称或地址最多 {WHERE_MAX} 字。", field="where")
    if problem := phone_error(phone or ""):
        raise ServiceError(problem, field="phone")
    limit = settings.TIPOFF_PHOTOS_MAX
    if len(photos) > limit:
        raise ServiceError(f"最多上传 {limit} 张照片。", field="photos")
    images = []
    for name, data in photos:
        try:
            images.append(check_image(data, name))
        except ServiceError as exc:
            raise ServiceError(exc.message, field="photos") from exc
    with transaction.atomic():
        tipoff = Tipoff.objects.create(
            code=new_code(),
            region=region,
            what=what,
            where=where,
            phone=normalize_phone(phone or ""),
        )
        TipoffEvent.objects.create(tipoff=tipoff, action=TipoffAction.SUBMIT, to_state=tipoff.state)
        for image in images:
            photo = TipoffPhoto(
                tipoff=tipoff,
                extension=image.extension,
                width=image.width,
                height=image.height,
                size=len(image.data),
            )
            photo.image.save(f"photo.{image.extension}", ContentFile(image.data), save=False)
            photo.thumbnail.save("thumb.jpg", ContentFile(image.thumbnail), save=False)
            photo.save()
    return tipoff


@dataclass(frozen=True)
class TipoffStatus:
    """All a tracking code tells: the state and the day it was reached."""

    state: str
    label: str
    date: date


def tipoff_status(code: str) -> TipoffStatus | None:
    """The state of the report with this tracking code, and its date; nothing else."""
    code = normalize_code(code)
    if len(code) != CODE_LENGTH:
        return None
    row = Tipoff.objects.filter(code=code).values("state", "state_changed_at").first()
    if row is None:
        return None
    return TipoffStatus(
        row["state"],
        TipoffState(row["state"]).label,
        timezone.localtime(row["state_changed_at"]).date(),
    )


def can_see_identity(user, tipoff: Tipoff) -> bool:
    """Only staff handling reports (inspectors, reviewers, administrators) whose scope covers
    the report see who filed it; leaders and other counties do not."""
    return (
        user.is_authenticated
        and user.has_role(*HANDLERS)
        and Tipoff.objects.for_user(user).filter(pk=tipoff.pk).exists()
    )


def tipoff_identity(*, tipoff: Tipoff, by, request=None) -> str:
    """The reporter's phone number ('' for an anonymous report), for staff handling the report;
    every showing is written to the audit log."""
    if not Tipoff.objects.for_user(by).filter(pk=tipoff.pk).exists():
        raise ServiceError("未找到该举报，或不在您的管辖范围内。", kind=Kind.SCOPE)
    if not can_see_identity(by, tipoff):
        raise ServiceError("只有负责处理该举报的工作人员可以查看举报人信息。", kind=Kind.ROLE)
    audit_record(
        AuditKind.TIPOFF_IDENTITY,
        "查看举报人信息",
        user=by,
        request=request,
        target=f"群众举报 #{tipoff.pk}",
        tipoff=tipoff.pk,
        anonymous=tipoff.anonymous,
    )
    return tipoff.phone


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ServiceError("请填写奖励金额（元）。", field="amount") from exc
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("100000000"):
        raise ServiceError("奖励金额应大于 0 且小于 1 亿元。", field="amount")
    return amount


def reward_record(*, tipoff: Tipoff | int, by, amount) -> Tipoff:
    """Record the reward (举报奖励) for a verified report; it then waits for approval by
    someone else."""
    amount = _amount(amount)
    pk = tipoff.pk if isinstance(tipoff, Tipoff) else tipoff
    with transaction.atomic():
        row = Tipoff.objects.for_user(by).select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None:
            raise ServiceError("未找到该举报，或不在您的管辖范围内。", kind=Kind.SCOPE)
        if not by.has_role(*HANDLERS):
            raise ServiceError("您的角色不能登记举报奖励。", kind=Kind.ROLE)
        if row.state != TipoffState.VERIFIED:
            raise ServiceError("只有已查实的举报可以登记奖励。", kind=Kind.STATE)
        if row.reward_approved_by_id:
            raise ServiceError("奖励已审批，不能修改。", kind=Kind.STATE)
        row.reward_amount = amount
        row.reward_recorded_by = by
        row.save(update_fields=["reward_amount", "reward_recorded_by", "updated_at"])
        TipoffEvent.objects.create(
            tipoff=row,
            action=TipoffAction.RECORD_REWARD,
            from_state=row.state,
            to_state=row.state,
            actor=by,
            comment=f"奖励金额 {amount} 元",
        )
    return row


def reward_approve(*, tipoff: Tipoff | int, by) -> Tipoff:
    """Approve a recorded reward: a reviewer or administrator other than who recorded it."""
    pk = tipoff.pk if isinstance(tipoff, Tipoff) else tipoff
    with transaction.atomic():
        row = Tipoff.objects.for_user(by).select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None:
            raise ServiceError("未找到该举报，或不在您的管辖范围内。", kind=Kind.SCOPE)
        if not by.has_role(*APPROVERS):
            raise ServiceError("只有审核人员或管理员可以审批举报奖励。", kind=Kind.ROLE)
        if row.reward_amount is None:
            raise ServiceError("尚未登记奖励金额。", kind=Kind.STATE)
        if row.reward_approved_by_id:
            raise ServiceError("奖励已审批。", kind=Kind.STATE)
        if row.reward_recorded_by_id == by.pk:
            raise ServiceError("审批人不能是奖励的登记人，请由其他人员审批。", kind=Kind.CONFLICT)
        row.reward_approved_by = by
        row.reward_approved_at = timezone.now()
        row.save(update_fields=["reward_approved_by", "reward_approved_at", "updated_at"])
        TipoffEvent.objects.create(
            tipoff=row,
            action=TipoffAction.APPROVE_REWARD,
            from_state=row.state,
            to_state=row.state,
            actor=by,
            comment=f"批准奖励 {row.reward_amount} 元",
        )
    return row
