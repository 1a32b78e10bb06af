"""Demo hazards for `make run`: every state, both levels, overdue ones, extensions, 挂牌督办 at
county and city level, photos and a believable history. Built through the real services and
workflow; only the event timestamps are moved back afterwards so the timeline reads naturally.
"""

from __future__ import annotations

import io
import random
from datetime import datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from enterprises.models import Enterprise

from . import workflow
from .choices import Action, HazardLevel, HazardSource, HazardState, PhotoKind, SupervisionLevel
from .models import Hazard, HazardEvent
from .services import clause_offer, hazard_add_photo, hazard_register

# How many days past the deadline the overdue demo hazards are, in order: one on each rung of
# the notice ladder whatever day the demo is made (逾期 from day 1, 安委办督办函 from 15, 通报 from
# 22, 提请市级督办 from 30 for a major hazard), and two long overdue.
OVERDUE_DAYS = (3, 18, 26, 40, 120, 350)

GENERAL_FINDINGS = [
    ("仓库东侧消防通道", "消防通道堆放纸箱等杂物，影响疏散"),
    ("配电室", "配电箱未上锁，箱门无警示标识"),
    ("生产车间", "部分员工未按规定佩戴安全帽和防护眼镜"),
    ("办公楼二层", "灭火器压力不足，超过检验期限"),
    ("机修车间", "砂轮机防护罩缺失"),
    ("员工宿舍", "私拉乱接电线，使用大功率电器"),
    ("安全管理台账", "安全教育培训记录不完整，缺少新员工三级教育记录"),
    ("应急物资库", "应急预案未按规定组织演练，物资清单未更新"),
    ("厂区道路", "叉车未按规定定期检验，司机未持证"),
    ("危废暂存间", "危废标识不规范，未设置防渗漏托盘"),
]
# Where a school, a care home, a hospital, a hotel or a shop keeps what a factory keeps in its
# workshop, yard and hazardous-waste store.
SERVICE_SECTORS = {"campus", "elderly_care", "medical", "tourism", "commerce", "fire"}
SERVICE_FINDINGS = {
    "生产车间": ("后厨操作间", "燃气灶具连接软管老化，未安装燃气泄漏报警装置"),
    "机修车间": ("设备间", "电梯机房门未上锁，无“机房重地”警示标识"),
    "厂区道路": ("地下停车场", "疏散指示标志损坏，应急照明灯不亮"),
    "危废暂存间": ("库房", "易燃物品与杂物混放，未设置专用储存柜"),
}
# Where on site a 重大事故隐患 of each sector is found (the hazard's 部位).
MAJOR_PLACES = {
    "coal": ["井下采区", "主井提升系统"],
    "noncoal": ["井下采区", "尾矿库"],
    "hazchem": ["储罐区", "装卸区", "反应车间"],
    "fireworks": ["药物混合工房", "成品仓库"],
    "industry": ["主厂房", "生产车间"],
    "metallurgy": ["炼钢车间", "煤气柜区"],
    "nonferrous": ["熔铸车间", "电解车间"],
    "building_materials": ["水泥磨房", "窑头平台"],
    "machinery": ["铸造车间", "涂装车间"],
    "light_industry": ["生产车间", "原料库"],
    "textile": ["纺纱车间", "原料库"],
    "tobacco": ["制丝车间", "原料库"],
    "commerce": ["商场营业区", "仓储区"],
    "dust": ["抛光车间", "除尘器"],
    "confined_space": ["有限空间入口", "污水池"],
    "ammonia": ["制冷机房", "速冻间"],
    "fire": ["消防控制室", "疏散通道"],
    "gas": ["燃气调压站", "储配站"],
    "road": ["车辆停放场", "客运车辆"],
    "construction": ["基坑作业面", "塔式起重机"],
    "special_equipment": ["锅炉房", "压力容器区"],
    "explosives": ["生产线", "成品库"],
    "power": ["主厂房", "升压站"],
    "water": ["泵站", "闸门启闭机房"],
    "campus": ["教学楼", "学生宿舍"],
    "elderly_care": ["老人居住楼", "厨房"],
    "medical": ["住院楼", "医用氧气站"],
    "tourism": ["游乐设施", "客房楼"],
    "fishing_vessel": ["渔船"],
}


def _general_finding(enterprise, i: int) -> tuple[str, str]:
    place, description = GENERAL_FINDINGS[i % len(GENERAL_FINDINGS)]
    if enterprise.sector.code in SERVICE_SECTORS:
        return SERVICE_FINDINGS.get(place, (place, description))
    return place, description


FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def _photo(label: str, color: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (960, 720), color)
    draw = ImageDraw.Draw(image)
    for y in range(0, 720, 48):
        draw.line([(0, y), (960, y + 120)], fill=tuple(min(255, c + 25) for c in color), width=6)
    try:
        font = ImageFont.truetype(str(FONT), 56)
    except OSError:
        font = ImageFont.load_default()
    draw.rectangle([(40, 560), (920, 680)], fill=(0, 0, 0))
    draw.text((70, 580), label, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _backdate(hazard: Hazard, start: datetime) -> None:
    """Spread the hazard's events from its finding date up to now, in their order."""
    events = list(hazard.events.order_by("pk"))
    now = timezone.now()
    span = max((now - start).total_seconds(), 3600)
    for i, event in enumerate(events):
        moment = start + timedelta(seconds=span * i / max(len(events), 1))
        HazardEvent.objects.filter(pk=event.pk).update(created_at=min(moment, now))


@transaction.atomic
def seed_hazards() -> int:
    """Create the demo hazards once (nothing happens when the demo county already has hazards).

    Past 60 lines: the list of demo cases is data, one line a hazard."""
    if Hazard.objects.filter(region__code__startswith="150623").exists():
        return 0
    rng = random.Random(20261123)
    inspector = User.objects.get(username="inspector")
    inspector2 = User.objects.get(username="inspector2")
    reviewer = User.objects.get(username="reviewer")
    leader = User.objects.get(username="leader")
    inspector_b = User.objects.get(username="inspector_b")
    today = timezone.localdate()
    enterprises = list(
        Enterprise.objects.filter(region__code__startswith="150623").select_related("sector")
    )
    # (state, level, days since found, deadline days, extras)
    plan = []
    for i in range(48):
        state = [
            HazardState.REGISTERED,
            HazardState.RECTIFYING,
            HazardState.RECTIFYING,
            HazardState.AWAITING_RECHECK,
            HazardState.RECHECKED,
            HazardState.CLOSED,
            HazardState.CLOSED,
            HazardState.CLOSED,
        ][i % 8]
        # A few found this month, so the dashboard's default period (本月) is never empty. The
        # draw's range does not depend on the date: the demo is the same whatever day it is made.
        age = 1 + rng.randint(0, 29) % max(1, today.day - 1) if i < 8 else rng.randint(5, 400)
        plan.append((state, i % 3 != 2, age))
    created = 0
    overdue_days = iter(OVERDUE_DAYS * 2)
    for i, (state, wants_major, age) in enumerate(plan):
        enterprise = enterprises[i % len(enterprises)]
        found = today - timedelta(days=age)
        overdue = state in (HazardState.REGISTERED, HazardState.RECTIFYING) and i % 3 == 0
        deadline = found + timedelta(days=rng.choice([15, 30, 45, 60, 90]))
        if overdue and i < 8:  # found this month: overdue at most since it was found
            deadline = today - timedelta(days=min(next(overdue_days), age))
        elif overdue:  # found at least the shortest rectification period before its deadline
            deadline = today - timedelta(days=next(overdue_days))
            found = min(found, deadline - timedelta(days=15))
        elif state == HazardState.RECTIFYING and i % 4 == 1:
            deadline = today + timedelta(days=6)  # inside the extension window
        elif state in (HazardState.REGISTERED, HazardState.RECTIFYING):
            deadline = max(deadline, today + timedelta(days=rng.randint(3, 60)))
        clauses = list(clause_offer(sectors=[enterprise.sector], on=found)[:200])
        major = wants_major and bool(clauses)
        found_by = inspector if i % 2 else inspector2
        if major:
            clause = rng.choice(clauses)
            places = MAJOR_PLACES.get(enterprise.sector.code, ["生产区"])
            place = places[rng.randrange(8) % len(places)]  # one draw of eight, as always
            description = "现场检查发现：" + clause.text.rstrip("的；。")
        else:
            clause = None
            place, description = _general_finding(enterprise, i)
        hazard = hazard_register(
            by=found_by,
            enterprise=enterprise,
            level=HazardLevel.MAJOR if major else HazardLevel.GENERAL,
            clause=clause,
            place=place,
            description=description,
            found_date=found,
            deadline=deadline,
            source=[
                HazardSource.INSPECTION,
                HazardSource.INSPECTION,
                HazardSource.SELF_REPORT,
                HazardSource.UNANNOUNCED,
                HazardSource.CROSS,
                HazardSource.PUBLIC_REPORT,
            ][i % 6],
            photos=[("现场.jpg", _photo(f"{enterprise.name[:10]} 整改前", (150, 70, 60)))],
            supervisor_unit=found_by.department.name if found_by.department else "",
            supervisor_person=found_by.name,
        )
        _walk(hazard, state, i, inspector=found_by, reviewer=reviewer, leader=leader, today=today)
        _backdate(hazard, timezone.make_aware(datetime.combine(found, time(9, 30))))
        created += 1
    created += _seed_other_county(inspector_b, today)
    return created


def _walk(hazard: Hazard, target: str, i: int, *, inspector, reviewer, leader, today) -> None:
    """Take one demo hazard through the real workflow to its target state. One function, past
    60 lines: it is the story of a hazard step by step, and reads best in order."""
    major = hazard.level == HazardLevel.MAJOR
    if major and i % 4 == 1:
        workflow.apply(
            hazard=hazard,
            action=Action.RECORD_DUAL_REPORT,
            by=inspector,
            reported_to_regulator=hazard.found_date.isoformat(),
            reported_to_workers=min(today, hazard.found_date + timedelta(days=3)).isoformat(),
        )
    if target == HazardState.REGISTERED:
        return
    workflow.apply(
        hazard=hazard,
        action=Action.START_RECTIFICATION,
        by=inspector,
        measures="制定专项整改方案，落实整改措施，整改期间设置警戒区域并安排专人监护",
        responsible_person=hazard.enterprise.principal or "企业主要负责人",
        funds=str(round(1 + (i % 7) * 2.5, 2)),
        plan_deadline=hazard.current_deadline.isoformat(),
        emergency_plan="落实临时管控措施，制定现场处置方案，配备应急器材",
        stoppage="partial" if major and i % 5 == 0 else "none",
    )
    if major and i % 4 in (0, 1):
        level = SupervisionLevel.CITY if i % 8 in (0, 1) else SupervisionLevel.COUNTY
        workflow.apply(
            hazard=hazard,
            action=Action.LIST_SUPERVISION,
            by=leader if level == SupervisionLevel.CITY else reviewer,
            level=level,
            issuing_unit="鄂尔多斯市安委办"
            if level == SupervisionLevel.CITY
            else "鄂托克前旗安委办",
            doc_no=(
                f"鄂安办督〔{today.year}〕{i + 1}号"
                if level == SupervisionLevel.CITY
                else f"鄂前安办督〔{today.year}〕{i + 1}号"
            ),
            signer="高建国" if level == SupervisionLevel.CITY else "王志刚",
            deadline=max(hazard.current_deadline, today).isoformat(),
        )
    if target == HazardState.RECTIFYING:
        workflow.apply(
            hazard=hazard,
            action=Action.REPORT_PROGRESS,
            by=inspector,
            comment="企业已采购整改所需设备，完成约 60%。",
        )
        if not hazard_is_overdue(hazard, today) and i % 4 == 1:
            _extension(hazard, inspector, reviewer, today, approve=i % 16 != 9)
        elif hazard_is_overdue(hazard, today) and major:
            workflow.apply(
                hazard=hazard,
                action=Action.RECORD_URGING,
                by=reviewer,
                urging_kind="interview",
                comment=f"约谈{hazard.enterprise.name}主要负责人，责令限期完成整改并报送进展。",
            )
        return
    hazard_add_photo(
        hazard=hazard,
        by=inspector,
        kind=PhotoKind.AFTER,
        data=_photo(f"{hazard.enterprise.name[:10]} 整改后", (60, 130, 80)),
        name="整改后.jpg",
    )
    completed = min(today, max(hazard.found_date, hazard.current_deadline - timedelta(days=2)))
    workflow.apply(
        hazard=hazard,
        action=Action.SUBMIT_RECTIFICATION,
        by=inspector,
        completed_date=completed.isoformat(),
        completion_note="已按整改方案完成整改，经企业自查合格。",
        funds_spent=str(round(1 + (i % 7) * 2.2, 2)),
        assessment="企业自评合格",
    )
    if target == HazardState.AWAITING_RECHECK:
        return
    if i % 5 == 2:  # a failed re-check sends it back once before passing
        workflow.apply(
            hazard=hazard,
            action=Action.RECHECK_FAIL,
            by=inspector,
            recheck_opinion="现场复查发现整改不彻底，警示标识仍缺失。",
            new_deadline=(today + timedelta(days=10)).isoformat(),
        )
        workflow.apply(
            hazard=hazard,
            action=Action.SUBMIT_RECTIFICATION,
            by=inspector,
            completed_date=today.isoformat(),
            completion_note="已补设警示标识。",
        )
    workflow.apply(
        hazard=hazard,
        action=Action.RECHECK_PASS,
        by=inspector,
        recheck_opinion="经现场复查，隐患已整改到位，同意申请销号。",
    )
    if target == HazardState.RECHECKED:
        return
    workflow.apply(hazard=hazard, action=Action.SIGN_OFF, by=reviewer, comment="同意销号。")
    hazard.refresh_from_db()
    if hazard.supervision_level == SupervisionLevel.COUNTY:
        workflow.apply(
            hazard=hazard,
            action=Action.REMOVE_SUPERVISION,
            by=reviewer,
            comment="已销号，予以摘牌。",
        )


def hazard_is_overdue(hazard: Hazard, today) -> bool:
    hazard.refresh_from_db()
    return hazard.current_deadline < today


def _extension(hazard, inspector, reviewer, today, *, approve: bool) -> None:
    hazard.refresh_from_db()
    if workflow.refusal(hazard, workflow.TABLE[Action.REQUEST_EXTENSION], inspector):
        return
    workflow.apply(
        hazard=hazard,
        action=Action.REQUEST_EXTENSION,
        by=inspector,
        requested_deadline=(hazard.current_deadline + timedelta(days=30)).isoformat(),
        reason="整改所需防爆设备供货周期长，无法按期完成。",
        interim_measures="停用相关设备，设置警戒区域，安排专人24小时值守。",
    )
    # A city listing's extension waits for the city's reviewer: the county's may not decide it.
    if approve and not workflow.refusal(hazard, workflow.TABLE[Action.APPROVE_EXTENSION], reviewer):
        workflow.apply(
            hazard=hazard, action=Action.APPROVE_EXTENSION, by=reviewer, comment="同意延期。"
        )


def _seed_other_county(inspector_b, today) -> int:
    created = 0
    for i, enterprise in enumerate(Enterprise.objects.filter(region__code__startswith="150624")):
        found = today - timedelta(days=20 + i * 11)
        hazard_register(
            by=inspector_b,
            enterprise=enterprise,
            level=HazardLevel.GENERAL,
            place=_general_finding(enterprise, i)[0],
            description=_general_finding(enterprise, i)[1],
            found_date=found,
            deadline=found + timedelta(days=30),
        )
        created += 1
    return created
