"""The demo enterprise account `qiye`: it holds the demo's 内蒙古上庙能源化工有限公司 (鄂托克前旗),
which already has hazards from inspections; its own self-inspection adds a few more, in
different states, through the same services and workflow as every other hazard."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.choices import Role
from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from enterprises.demo import qiye_enterprise
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState, PhotoKind
from hazards.demo import _backdate, _photo
from hazards.services import clause_offer, hazard_add_photo, hazard_sectors

from . import services

QIYE_USERNAME = "qiye"
QIYE_NAME = "刘安全"

# (state, level, days since found, deadline days, place, description)
SELF_REPORTS = [
    (
        HazardState.REGISTERED,
        HazardLevel.GENERAL,
        2,
        20,
        "甲醇装卸区",
        "装卸区静电接地报警器指示灯不亮",
    ),
    (HazardState.RECTIFYING, HazardLevel.MAJOR, 12, 40, "储罐区", ""),
    (HazardState.AWAITING_RECHECK, HazardLevel.GENERAL, 25, 30, "中控室", "中控室操作规程未更新"),
    (HazardState.CLOSED, HazardLevel.GENERAL, 60, 20, "机修车间", "砂轮机防护罩缺失"),
]
PLAN = {
    "measures": "更换可燃气体探测器并与紧急切断阀联锁，委托有资质单位调试",
    "responsible_person": "刘安全（安全总监）",
    "funds": "12.5",
    "emergency_plan": "储罐区暂停装车，现场设专人监护，配备便携式检测仪",
}


def _account(enterprise) -> User:
    user = User(
        username=QIYE_USERNAME,
        name=QIYE_NAME,
        role=Role.ENTERPRISE,
        region=enterprise.region,
        phone="13900000009",
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.enterprises.add(enterprise)
    return user


def seed_portal() -> int:
    """Create `qiye` and its self-reported hazards; returns how many records were made.
    Nothing happens when the login exists (whatever was changed or deleted since)."""
    if User.objects.filter(username=QIYE_USERNAME).exists():
        return 0
    enterprise = qiye_enterprise()
    user = _account(enterprise)
    inspector = User.objects.get(username="inspector")
    reviewer = User.objects.get(username="reviewer")
    today = timezone.localdate()
    clause = (
        clause_offer(sectors=hazard_sectors(enterprise)).order_by("standard__code", "order").first()
    )
    created = 1
    for state, level, age, days, place, description in SELF_REPORTS:
        found = today - timedelta(days=age)
        major = level == HazardLevel.MAJOR and clause is not None
        hazard = services.self_report(
            by=user,
            enterprise=enterprise,
            level=HazardLevel.MAJOR if major else HazardLevel.GENERAL,
            clause=clause if major else None,
            place=place,
            description=description
            or "自查发现：" + (clause.text.rstrip("的；。") if clause else "报警装置失效"),
            found_date=found,
            deadline=max(found + timedelta(days=days), today + timedelta(days=5))
            if state != HazardState.CLOSED
            else found + timedelta(days=days),
            photos=[("before.jpg", _photo("整改前 " + place, (150, 60, 50)))],
        )
        _walk(hazard, state, user=user, inspector=inspector, reviewer=reviewer, found=found)
        _backdate(hazard, timezone.make_aware(datetime.combine(found, time(9, 30))))
        created += 1
    return created


def _walk(hazard, state, *, user, inspector, reviewer, found) -> None:
    """Take the enterprise's own steps up to `state`; the regulator re-checks and signs off."""
    if state == HazardState.REGISTERED:
        return
    workflow.apply(
        hazard=hazard,
        action=Action.START_RECTIFICATION,
        by=user,
        plan_deadline=hazard.current_deadline.isoformat(),
        **PLAN,
    )
    services.report_progress(
        by=user,
        hazard=hazard,
        comment="已采购新设备，正在安装调试",
        photos=[("progress.jpg", _photo("整改中 " + hazard.place, (120, 110, 40)))],
    )
    if state == HazardState.RECTIFYING:
        return
    hazard_add_photo(
        hazard=hazard,
        by=user,
        kind=PhotoKind.AFTER,
        data=_photo("整改后 " + hazard.place, (40, 120, 60)),
        name="after.jpg",
    )
    workflow.apply(
        hazard=hazard,
        action=Action.SUBMIT_RECTIFICATION,
        by=user,
        completed_date=(found + timedelta(days=10)).isoformat(),
        completion_note="已按整改方案完成整改，经企业自检合格",
        funds_spent="0.8",
    )
    if state == HazardState.AWAITING_RECHECK:
        return
    workflow.apply(
        hazard=hazard,
        action=Action.RECHECK_PASS,
        by=inspector,
        recheck_opinion="经现场复查，已整改到位",
        recheck_date=(found + timedelta(days=14)).isoformat(),
    )
    workflow.apply(hazard=hazard, action=Action.SIGN_OFF, by=reviewer, comment="同意销号")
