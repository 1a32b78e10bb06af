"""Building hazards in a given state through the real services (no shortcuts past the rules)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from django.utils import timezone
from PIL import Image

from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState
from hazards.models import Clause, Hazard
from hazards.services import clause_offer, hazard_add_photo, hazard_register, hazard_sectors
from tests.factories import EnterpriseFactory


def jpeg_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 255)).save(out, "PNG")
    return out.getvalue()


def a_clause(enterprise, on: date | None = None) -> Clause:
    """The first clause offered for a hazard of the enterprise found on a day (default today)."""
    offered = clause_offer(sectors=hazard_sectors(enterprise), on=on)
    return offered.order_by("standard__code", "order").first()


def register(
    by, *, enterprise=None, level=HazardLevel.MAJOR, days=30, found=None, **fields
) -> Hazard:
    enterprise = enterprise or EnterpriseFactory()
    found = found or timezone.localdate()
    if level == HazardLevel.MAJOR and "clause" not in fields:
        fields["clause"] = a_clause(enterprise, found)
    return hazard_register(
        by=by,
        enterprise=enterprise,
        level=level,
        place=fields.pop("place", "储罐区"),
        description=fields.pop("description", "可燃气体报警装置失效"),
        deadline=fields.pop("deadline", found + timedelta(days=days)),
        found_date=found,
        **fields,
    )


PLAN = {
    "measures": "更换报警探头并联网",
    "responsible_person": "张三",
    "funds": "3.5",
    "emergency_plan": "停用储罐，设置警戒区",
}


def advance(hazard: Hazard, to: str, *, inspector, reviewer) -> Hazard:
    """Drive a hazard through the workflow until it reaches state `to`."""
    steps = {
        HazardState.REGISTERED: lambda h: workflow.apply(
            hazard=h,
            action=Action.START_RECTIFICATION,
            by=inspector,
            plan_deadline=h.current_deadline.isoformat(),
            **PLAN,
        ),
        HazardState.RECTIFYING: lambda h: _submit(h, inspector),
        HazardState.AWAITING_RECHECK: lambda h: workflow.apply(
            hazard=h, action=Action.RECHECK_PASS, by=inspector, recheck_opinion="已整改到位"
        ),
        HazardState.RECHECKED: lambda h: workflow.apply(
            hazard=h, action=Action.SIGN_OFF, by=reviewer
        ),
    }
    order = [
        HazardState.REGISTERED,
        HazardState.RECTIFYING,
        HazardState.AWAITING_RECHECK,
        HazardState.RECHECKED,
        HazardState.CLOSED,
    ]
    hazard.refresh_from_db()
    while order.index(hazard.state) < order.index(to):
        steps[hazard.state](hazard)
        hazard.refresh_from_db()
    return hazard


def _submit(hazard: Hazard, inspector) -> None:
    if hazard.level == HazardLevel.MAJOR:
        hazard_add_photo(
            hazard=hazard, by=inspector, kind="after", data=jpeg_bytes(), name="after.jpg"
        )
    workflow.apply(
        hazard=hazard,
        action=Action.SUBMIT_RECTIFICATION,
        by=inspector,
        completed_date=max(hazard.found_date, timezone.localdate()).isoformat(),
        completion_note="已更换并调试合格",
    )


def today() -> date:
    return timezone.localdate()


def listed_count(response) -> int:
    """The number of hazards a list page says it lists ("共 N 条"), as its reader sees it."""
    html = response.content.decode()
    found = re.search(r"共 (\d+) 条", html)
    if found:
        return int(found.group(1))
    assert "没有符合条件的隐患" in html or "暂无待您处理的隐患" in html
    return 0
