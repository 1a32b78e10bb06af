"""The ladder of one deadline: reminders before it, escalations after it, which step a day's run
issues, and the county whose units sign each step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings

from core.choices import RegionLevel
from core.models import Region
from hazards.choices import HazardLevel, SupervisionLevel

from ..choices import REMINDER_PREFIX, NoticeStep

ESCALATION_STEPS = {
    NoticeStep.OVERDUE,
    NoticeStep.COUNTY_LETTER,
    NoticeStep.BULLETIN,
    NoticeStep.CITY_ESCALATION,
}
# The escalations addressed to the enterprise itself (its 主要负责人): they reach the inbox of its
# enterprise accounts, which acknowledge receipt (签收). Reminders, bulletins and requests to the
# city are not addressed to it.
ENTERPRISE_STEPS = frozenset({NoticeStep.OVERDUE, NoticeStep.COUNTY_LETTER})
# The escalations the county's reviewers hear about too.
REVIEWER_STEPS = ESCALATION_STEPS - {NoticeStep.OVERDUE}
# 提请挂牌督办 concerns 重大事故隐患 only; 一般 hazards are handled by the county.
MAJOR_ONLY_STEPS = {NoticeStep.CITY_ESCALATION}
# A hazard already listed at one of these levels is not asked to be listed by the city again.
LISTED_AT_CITY = {SupervisionLevel.CITY, SupervisionLevel.PROVINCE}
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


def notice_title(notice) -> str:
    """The step's name, marked 补发 when the notice was issued after its due date."""
    return step_label(notice.step) + ("（补发）" if notice.catch_up else "")


def is_reminder(step: str) -> bool:
    return step.startswith(REMINDER_PREFIX)


def escalation_ladder(level: str) -> list[tuple[int, str]]:
    """(days after the deadline, step) of a hazard level, from the settings."""
    if level == HazardLevel.MAJOR:
        return settings.REPORTS_ESCALATION_LADDER
    ladder = settings.REPORTS_ESCALATION_LADDER_GENERAL
    return [(days, step) for days, step in ladder if step not in MAJOR_ONLY_STEPS]


def ladder(deadline: date, level: str, *, listed: str = "") -> list[tuple[str, date]]:
    """Every step of one deadline of a hazard of this level with the day it falls due, in
    order. A hazard listed (挂牌) by the city or province gets no request to be listed."""
    steps = [
        (f"{REMINDER_PREFIX}{n}", deadline - timedelta(days=n))
        for n in settings.REPORTS_REMINDER_DAYS
    ]
    steps += [
        (step, deadline + timedelta(days=d))
        for d, step in escalation_ladder(level)
        if not (step == NoticeStep.CITY_ESCALATION and listed in LISTED_AT_CITY)
    ]
    return sorted(steps, key=lambda s: s[1])


@dataclass(frozen=True)
class Made:
    """A step of the deadline already recorded: issued on a day, or passed over (skipped)."""

    issued_on: date
    skipped: bool


@dataclass
class Plan:
    """What one day's run does for one hazard: issue one step (or none), pass over some."""

    send: tuple[str, date] | None = None
    skip: list[tuple[str, date]] = field(default_factory=list)
    catch_up: bool = False


def plan(
    *,
    deadline: date,
    level: str,
    found: date,
    on: date,
    made: dict[str, Made],
    listed: str = "",
) -> Plan:
    """The step the run of `on` issues for one deadline, and the lower steps it passes over.

    - A step due before the hazard was found does not apply (a reminder for a deadline set
      within the reminder's days).
    - Only steps after the highest one already recorded can be due: each step once, and a step
      passed over is never sent later.
    - An escalation comes at least the ladder's interval after the escalation before it was
      actually issued: after a late one the enterprise still gets the ladder's time to act.
    - When several steps are due (the job was down), only the highest is issued, as 补发; the
      others are recorded as skipped.
    """
    steps = [(s, d) for s, d in ladder(deadline, level, listed=listed) if d >= found]
    highest = max((i for i, (step, _) in enumerate(steps) if step in made), default=-1)
    ready: list[tuple[str, date]] = []
    before: tuple[date, date] | None = None  # (nominal, actual) day of the escalation before
    for i, (step, nominal) in enumerate(steps):
        day = nominal
        if step in ESCALATION_STEPS and before is not None:
            day = max(nominal, before[1] + (nominal - before[0]))
        record = made.get(step)
        if record is not None and record.skipped:
            continue
        if step in ESCALATION_STEPS:
            before = (nominal, record.issued_on if record else day)
        if i > highest and day <= on:
            ready.append((step, day))
    if not ready:
        return Plan()
    return Plan(send=ready[-1], skip=ready[:-1], catch_up=ready[-1][1] < on)


def county_of(region: Region) -> Region:
    node = region
    while node.level == RegionLevel.TOWN and node.parent_id:
        node = node.parent
    return node
