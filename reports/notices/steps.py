"""The ladder of one deadline: reminders before it, escalations after it, and the county whose
units sign each step."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from core.choices import RegionLevel
from core.models import Region

from ..choices import REMINDER_PREFIX, NoticeStep

ESCALATION_STEPS = {
    NoticeStep.OVERDUE,
    NoticeStep.COUNTY_LETTER,
    NoticeStep.BULLETIN,
    NoticeStep.CITY_ESCALATION,
}
# The escalations the county's reviewers hear about too.
REVIEWER_STEPS = ESCALATION_STEPS - {NoticeStep.OVERDUE}
# 文号 kind per numbered step; the issuer is the county unit that signs the document.
NUMBER_KINDS = {
    NoticeStep.OVERDUE: "应急逾督",
    NoticeStep.COUNTY_LETTER: "安办督",
    NoticeStep.BULLETIN: "安办通",
    NoticeStep.CITY_ESCALATION: "安办呈",
}


def step_label(step: str) -> str:
    try:
        return NoticeStep(step).label
    except ValueError:
        if is_reminder(step):
            return f"到期前{step.removeprefix(REMINDER_PREFIX)}天提醒"
        return step


def is_reminder(step: str) -> bool:
    return step.startswith(REMINDER_PREFIX)


def ladder(deadline: date) -> list[tuple[str, date]]:
    """Every step of one deadline with the day it falls due, in order."""
    steps = [
        (f"{REMINDER_PREFIX}{n}", deadline - timedelta(days=n))
        for n in settings.REPORTS_REMINDER_DAYS
    ]
    steps += [
        (step, deadline + timedelta(days=d)) for d, step in settings.REPORTS_ESCALATION_LADDER
    ]
    return sorted(steps, key=lambda s: s[1])


def county_of(region: Region) -> Region:
    node = region
    while node.level == RegionLevel.TOWN and node.parent_id:
        node = node.parent
    return node
