"""The daily notice run: the reminder and overdue ladder of every open hazard, exactly once.

Exactly once: a Notice is unique per (hazard, step, deadline). The daily run locks each hazard
that still lacks a due step, re-reads its state and current deadline under the lock, and creates
the missing steps in ladder order, each in a savepoint together with its 文号, so a racing run
gets an IntegrityError, rolls its savepoint back (number included) and sends nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.logs import timed
from core.services import next_document_number
from hazards.choices import OPEN_STATES
from hazards.models import Hazard

from ..choices import NoticeStep
from ..models import Notice, Notification
from .delivery import deliveries_retry, notice_deliver, notify_in_app
from .recipients import Directory
from .steps import NUMBER_KINDS, county_of, is_reminder, ladder
from .texts import addressees, body

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    on: date
    checked: int = 0
    created: int = 0
    resent: int = 0

    def __str__(self) -> str:
        text = f"{self.on}：检查隐患 {self.checked} 条，新生成通知 {self.created} 份"
        return text + (f"，补发此前发送失败的消息 {self.resent} 条" if self.resent else "")


def notices_run(*, on: date) -> RunResult:
    """Create every step due on or before `on` that the hazard's current deadline still lacks."""
    with timed(log, "notice run", on=on) as figures:
        result = _run(on)
        figures.update(checked=result.checked, created=result.created, resent=result.resent)
    return result


def _run(on: date) -> RunResult:
    started = timezone.now()
    directory = Directory()
    horizon = on + timedelta(days=max(settings.REPORTS_REMINDER_DAYS, default=0))
    candidates = list(
        Hazard.objects.open()
        .filter(current_deadline__lte=horizon)
        .values_list("pk", "current_deadline")
    )
    have: dict[int, set[str]] = {}
    for hazard_id, step in _existing(horizon):
        have.setdefault(hazard_id, set()).add(step)
    result = RunResult(on=on, checked=len(candidates))
    for hazard_id, deadline in candidates:
        due = {step for step, day in ladder(deadline) if day <= on}
        if due - have.get(hazard_id, set()):
            for notice in notice_issue(hazard_id=hazard_id, on=on, directory=directory):
                notice_deliver(notice=notice)
                result.created += 1
    result.resent = deliveries_retry(on=on, failed_before=started)
    return result


def _existing(horizon: date):
    """(hazard, step) of the notices already made for open hazards' current deadlines."""
    return (
        Notice.objects.filter(
            hazard__state__in=OPEN_STATES,
            hazard__current_deadline__lte=horizon,
            deadline=F("hazard__current_deadline"),
        )
        .values_list("hazard_id", "step")
        .iterator()
    )


def notice_issue(*, hazard_id: int, on: date, directory: Directory | None = None) -> list[Notice]:
    """Create the missing due steps of one hazard under its row lock; return the new ones."""
    directory = directory or Directory()
    with transaction.atomic():
        hazard = (
            Hazard.objects.select_for_update(of=("self",))
            .select_related("enterprise__department", "region__parent", "found_by", "sector")
            .filter(pk=hazard_id)
            .first()
        )
        # Re-read under the lock: a hazard closed or given a new deadline meanwhile gets no
        # step of the old deadline.
        if hazard is None or not hazard.is_open:
            return []
        deadline = hazard.current_deadline
        done = set(hazard.notices.filter(deadline=deadline).values_list("step", flat=True))
        created = []
        for step, due in ladder(deadline):
            if due > on or step in done:
                continue
            notice = _create_notice(hazard, step, due, on, directory)
            if notice is not None:
                # Kept on the object for notice_deliver, which then needs no query for them.
                notice.told = notify_in_app(notice, hazard, directory)
                created.append(notice)
        return created


def _create_notice(
    hazard: Hazard, step: str, due: date, on: date, directory: Directory | None = None
) -> Notice | None:
    directory = directory or Directory()
    county = county_of(hazard.region)
    issuer = (
        directory.emergency_bureau(county)
        if step == NoticeStep.OVERDUE or is_reminder(step)
        else directory.safety_office(county)
    )
    try:
        with transaction.atomic():
            number = ""
            if step in NUMBER_KINDS:
                _, number = next_document_number(
                    issuer=county.name[:16], kind=NUMBER_KINDS[step], year=on.year
                )
            return Notice.objects.create(
                hazard=hazard,
                step=step,
                deadline=hazard.current_deadline,
                due_date=due,
                number=number,
                issuer=issuer,
                addressees=addressees(hazard, step, county, directory),
                body=body(hazard, step, due, on, county, directory),
            )
    except IntegrityError:
        # Another run made this step first; its savepoint (and 文号) is gone, nothing is sent.
        return None


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one (or, without pk, every) unread notification of the user as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
