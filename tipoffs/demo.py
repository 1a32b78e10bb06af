"""Demo public reports for `make run`: seven reports in 鄂托克前旗, one of each state, one
verified into a hazard with an approved reward."""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image

from core.models import Sector
from enterprises.models import Enterprise
from hazards.choices import HazardLevel

from . import services
from .models import Tipoff, TipoffEvent

User = get_user_model()

# (days ago, town, where, what, phone, steps)
REPORTS = [
    (1, "150623101", "上海庙镇某加油站", "夜间卸油时没有人监护，旁边有人抽烟。", "", []),
    (
        2,
        "150623100",
        "敖勒召其镇建材市场东侧仓库",
        "仓库里堆放大量油漆稀料，没有灭火器，安全出口被货物堵住。",
        "13947700001",
        [],
    ),
    (
        4,
        "150623102",
        "昂素镇某化工厂",
        "厂区围墙外能闻到刺鼻气味，罐区有液体渗漏。",
        "",
        ["accept"],
    ),
    (6, "150623101", "上海庙镇某饭店", "饭店后厨液化气罐放在楼梯下面。", "04778123456", ["reject"]),
    (
        8,
        "150623100",
        "敖勒召其镇某小区工地",
        "塔吊没有防护，工人高处作业不系安全带。",
        "",
        ["transfer"],
    ),
    (
        12,
        "150623101",
        "",
        "有限空间作业前没有检测气体，也没有人在外监护。",
        "13947700002",
        ["accept", "verify"],
    ),
    (
        15,
        "150623103",
        "城川镇某洗煤厂",
        "传送带防护罩拆掉了没装回去。",
        "",
        ["accept", "not-verified"],
    ),
]


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (150, 110, 60)).save(out, "JPEG", quality=80)
    return out.getvalue()


@transaction.atomic
def seed_tipoffs() -> int:
    """Create the demo reports once (nothing happens when the demo county already has some)."""
    if Tipoff.objects.filter(region__code__startswith="150623").exists():
        return 0
    inspector = User.objects.get(username="inspector")
    reviewer = User.objects.get(username="reviewer")
    admin = User.objects.get(username="admin")
    enterprise = Enterprise.objects.filter(region__code__startswith="150623").order_by("pk").first()
    now = timezone.now()
    for days, town, where, what, phone, steps in REPORTS:
        where = where or enterprise.name
        tipoff = services.tipoff_submit(
            region=town,
            what=what,
            where=where,
            phone=phone,
            photos=[("photo.jpg", _photo())] if days in (1, 12) else [],
        )
        for step in steps:
            _take(step, tipoff, inspector, reviewer, enterprise)
        if "verify" in steps:
            services.reward_record(tipoff=tipoff, by=reviewer, amount="500")
            services.reward_approve(tipoff=tipoff, by=admin)
        # Filed `days` ago; each later step a day after the one before.
        filed = now - timedelta(days=days)
        Tipoff.objects.filter(pk=tipoff.pk).update(
            created_at=filed, state_changed_at=filed + timedelta(days=len(steps))
        )
        for i, event in enumerate(tipoff.events.order_by("pk")):
            TipoffEvent.objects.filter(pk=event.pk).update(created_at=filed + timedelta(days=i))
    return len(REPORTS)


def _take(step: str, tipoff: Tipoff, inspector, reviewer, enterprise) -> None:
    if step == "accept":
        services.apply(tipoff=tipoff, action=step, by=inspector)
    elif step == "reject":
        services.apply(
            tipoff=tipoff, action=step, by=reviewer, reason="经电话核实，液化气罐已移至专用储存间。"
        )
    elif step == "transfer":
        sector = Sector.objects.get(code="construction")
        services.apply(tipoff=tipoff, action=step, by=reviewer, sector=sector)
    elif step == "verify":
        services.apply(
            tipoff=tipoff,
            action=step,
            by=inspector,
            enterprise=enterprise.pk,
            level=HazardLevel.GENERAL,
            place="有限空间入口",
            deadline=timezone.localdate() + timedelta(days=20),
            finding="现场核查属实：作业前未进行气体检测，未设监护人。",
        )
    elif step == "not-verified":
        services.apply(
            tipoff=tipoff, action=step, by=inspector, finding="现场核查，防护罩完好，未发现问题。"
        )
